package org.mfc.fhir.api.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.mfc.fhir.api.access.Compartment;
import org.mfc.fhir.api.access.Interaction;
import org.mfc.fhir.api.access.ReadScopes;
import org.mfc.fhir.api.search.IdentifierQuery;
import org.mfc.fhir.api.search.InvalidParameter;
import org.mfc.fhir.api.search.LastNQuery;
import org.mfc.fhir.api.search.PageCursor;
import org.mfc.fhir.api.search.ObservationQuery;
import org.mfc.fhir.api.search.SupportedSearches;
import org.mfc.fhir.api.store.ObservationQueries;
import org.mfc.fhir.api.store.ResourceLookups;
import org.mfc.fhir.api.store.StoredPage;

/**
 * Reads and searches under the caller's scopes. A patient-scoped caller sees one compartment: its Observations and
 * Provenance, its Patient, the Devices that measured it, its managing Organization; anything else is "not found",
 * searches for another patient find nothing, and includes and {@code $lastn} follow from the filtered matches.
 */
public final class ReadService {

    /** Identifier matches read at a time when a patient-scoped Device search filters them. */
    static final int COMPARTMENT_SCAN_PAGE = 100;
    /** A patient-scoped Device search checks at most this many identifier matches (a handful in practice). */
    static final int MAX_COMPARTMENT_DEVICE_MATCHES = 1_000;

    private final ObservationQueries observations;
    private final ResourceLookups lookups;
    private final Runnable beforeQuery;

    /** @param beforeQuery runs before every query: refuses (503) while the indexes the queries name are missing */
    public ReadService(ObservationQueries observations, ResourceLookups lookups, Runnable beforeQuery) {
        this.observations = observations;
        this.lookups = lookups;
        this.beforeQuery = beforeQuery;
    }

    /** The stored envelope of {@code type/id} if the caller may read it. */
    public Document read(ReadScopes scopes, String type, String id) {
        Compartment compartment = scopes.compartment(type, Interaction.READ);
        beforeQuery.run();
        Document envelope = lookups.byId(type, id);
        if (envelope == null || !inCompartment(compartment, type, id, envelope)) {
            throw new ResourceNotFound(type + "/" + id + " is not known", false);
        }
        if (Boolean.TRUE.equals(envelope.get("is_deleted"))) {
            throw new ResourceNotFound(type + "/" + id + " was deleted", true);
        }
        return envelope;
    }

    private boolean inCompartment(Compartment c, String type, String id, Document envelope) {
        if (c.isAll()) {
            return true;
        }
        return switch (type) {
            case SupportedSearches.PATIENT -> c.patientId().equals(id);
            case SupportedSearches.OBSERVATION, SupportedSearches.PROVENANCE -> c.admits(owner(envelope));
            case SupportedSearches.DEVICE -> observations.measuredBy(c.patientId(), id);
            case SupportedSearches.ORGANIZATION -> managedBy(c.patientId(), id);
            default -> false;
        };
    }

    /** The patient of an Observation or Provenance: the envelope's field, else the resource's reference. */
    private static String owner(Document envelope) {
        if (envelope.getString("patient_id") != null) {
            return envelope.getString("patient_id");
        }
        Document data = envelope.get("resource_data", Document.class);
        for (String field : List.of("subject", "patient")) {
            Document ref = data == null ? null : data.get(field, Document.class);
            String reference = ref == null ? null : ref.getString("reference");
            if (reference != null && reference.startsWith("Patient/")) {
                return reference.substring("Patient/".length());
            }
        }
        return null;
    }

    private boolean managedBy(String patientId, String organizationId) {
        Document patient = lookups.byId(SupportedSearches.PATIENT, patientId);
        Document data = patient == null ? null : patient.get("resource_data", Document.class);
        Document org = data == null ? null : data.get("managingOrganization", Document.class);
        return org != null && ("Organization/" + organizationId).equals(org.getString("reference"));
    }

    public SearchResult observations(ReadScopes scopes, ObservationQuery q) {
        Compartment c = scopes.compartment(SupportedSearches.OBSERVATION, Interaction.SEARCH);
        beforeQuery.run();
        String patient = q.patientId();
        if (!c.isAll()) {
            if (patient != null && !c.patientId().equals(patient)) {
                return SearchResult.emptyCounted(q.countOnly());
            }
            patient = c.patientId();
        } else if (patient == null && q.deviceId() == null) {
            throw InvalidParameter.required("patient", "an Observation search needs patient (or subject) or device: "
                    + "a search across every patient would read the whole collection");
        }
        if (q.dates().empty()) {
            return SearchResult.emptyCounted(q.countOnly());
        }
        // Included types need their own read grant, checked before any query runs.
        Compartment devices = q.includes().contains(SupportedSearches.INCLUDE_DEVICE)
                ? scopes.compartment(SupportedSearches.DEVICE, Interaction.READ) : null;
        Compartment patients = q.includes().contains(SupportedSearches.INCLUDE_PATIENT)
                ? scopes.compartment(SupportedSearches.PATIENT, Interaction.READ) : null;
        StoredPage page = observations.search(q, patient);
        List<Document> included = new ArrayList<>();
        if (patients != null) {
            Set<String> ids = referenced(page.envelopes(), "subject", "Patient/");
            ids.removeIf(id -> !patients.admits(id));
            included.addAll(lookups.byIds(SupportedSearches.PATIENT, ids));
        }
        if (devices != null) {
            // A device referenced by a match measured the match's patient: inside the compartment by definition.
            included.addAll(lookups.byIds(SupportedSearches.DEVICE, referenced(page.envelopes(), "device",
                    "Device/")));
        }
        return new SearchResult(page.envelopes(), included, page.next(), page.total());
    }

    private static Set<String> referenced(List<Document> envelopes, String field, String prefix) {
        Set<String> ids = new LinkedHashSet<>();
        for (Document e : envelopes) {
            Document data = e.get("resource_data", Document.class);
            Document ref = data == null ? null : data.get(field, Document.class);
            String reference = ref == null ? null : ref.getString("reference");
            if (reference != null && reference.startsWith(prefix)) {
                ids.add(reference.substring(prefix.length()));
            }
        }
        return ids;
    }

    public SearchResult byIdentifier(ReadScopes scopes, IdentifierQuery q) {
        Compartment c = scopes.compartment(q.type(), Interaction.SEARCH);
        beforeQuery.run();
        if (c.isAll()) {
            StoredPage page = lookups.search(q, null);
            return new SearchResult(page.envelopes(), List.of(), page.next(), page.total());
        }
        if (SupportedSearches.PATIENT.equals(q.type())) {
            StoredPage page = lookups.search(q, c.patientId());
            return new SearchResult(page.envelopes(), List.of(), page.next(), page.total());
        }
        if (q.identifiers().isEmpty()) {
            // Listing every device of a patient means reading the patient's whole history; the Observations'
            // devices come with Observation?_include=Observation:device, page by page.
            throw InvalidParameter.required("identifier", "in a patient compartment a Device search needs an "
                    + "identifier; the patient's devices come with Observation?_include=Observation:device");
        }
        // Identifier matches are a handful: each is checked against the patient's Observations, and pages and
        // cursors are made of the kept ones only, so that neither an entry nor a next link names (or betrays the
        // existence of) a device outside the compartment.
        List<Document> kept = new ArrayList<>();
        String after = q.countOnly() ? null : q.afterId();
        int scanned = 0;
        while (true) {
            StoredPage page = lookups.search(new IdentifierQuery(q.type(), q.identifiers(), COMPARTMENT_SCAN_PAGE,
                    false, after), null);
            for (Document d : page.envelopes()) {
                if (observations.measuredBy(c.patientId(), d.getString("_id"))) {
                    kept.add(d);
                }
            }
            scanned += page.envelopes().size();
            boolean enough = !q.countOnly() && kept.size() > q.count();
            if (page.next() == null || enough || scanned >= MAX_COMPARTMENT_DEVICE_MATCHES) {
                break;
            }
            after = page.next().id();
        }
        if (q.countOnly()) {
            return new SearchResult(List.of(), List.of(), null, kept.size());
        }
        if (kept.size() <= q.count()) {
            return new SearchResult(kept, List.of(), null, -1);
        }
        List<Document> shown = kept.subList(0, q.count());
        return new SearchResult(shown, List.of(), new PageCursor(null, shown.get(shown.size() - 1).getString("_id")),
                -1);
    }

    public SearchResult lastn(ReadScopes scopes, LastNQuery q) {
        Compartment c = scopes.compartment(SupportedSearches.OBSERVATION, Interaction.SEARCH);
        beforeQuery.run();
        String patient = q.patientId();
        if (!c.isAll()) {
            if (patient != null && !c.patientId().equals(patient)) {
                return SearchResult.EMPTY;
            }
            patient = c.patientId();
        } else if (patient == null) {
            throw InvalidParameter.required("patient", "$lastn needs patient (or subject)");
        }
        Map<String, List<Document>> groups = observations.lastn(patient, q.codes(), q.categories(), q.max());
        List<Document> matches = new ArrayList<>();
        groups.values().forEach(matches::addAll);
        return new SearchResult(matches, List.of(), null, -1);
    }
}
