package org.mfc.fhir.migrator.rederive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.MappingVersion;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.fhir.ProvenanceMapper;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.legacy.EntryResult;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.legacy.MigratedReading;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.parse.MessageClass;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.parse.Parsers;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.legacy.LegacyEntry;
import org.mfc.fhir.core.legacy.LegacyEntryMapper;
import org.mfc.fhir.core.legacy.LegacyStore;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * Re-derives what the live pipeline stored with an older mapping, with the current one: from the device's message
 * when it is still on the readings topic ({@link #record}), else from the legacy entry the pipeline appended
 * beside it ({@link #liveEntry}). The patient is the one the stored Observations name (the registry of that day is
 * not known now); the time of receipt is the stored one. New resources are written insert-or-replace-older,
 * what they replace under other ids is superseded, and the legacy entries follow (Supersession). Every step is
 * idempotent: a record or entry done twice changes nothing the second time.
 */
public final class LiveRederiver {

    /** What one run of the live passes did. */
    public static final class Counts {
        public long examined;
        public long rederived;
        public long current;
        public long notStored;
        public long withdrawn;
        public long notRederivable;
        public long superseded;
        public long entries;

        public Document toDocument() {
            return new Document("examined", examined).append("rederived", rederived).append("current", current)
                    .append("not_stored", notStored).append("withdrawn", withdrawn)
                    .append("not_rederivable", notRederivable).append("superseded", superseded)
                    .append("legacy_entries", entries);
        }
    }

    private final MongoDatabase fhir;
    private final Parsers parsers;
    private final FhirStore store;
    private final Supersession supersession;
    private final LegacyEntryReader reader;
    private final boolean legacyRouting;
    private final Instant now;
    private final ObservationMapper observations = new ObservationMapper();
    private final DeviceMapper devices = new DeviceMapper();
    private final ProvenanceMapper provenance = new ProvenanceMapper();
    private final LegacyEntryMapper legacyEntries = new LegacyEntryMapper();

    public LiveRederiver(MongoDatabase main, MongoDatabase fhir, Parsers parsers, boolean legacyRouting,
            Instant now) {
        this.fhir = fhir;
        this.parsers = parsers;
        this.store = new FhirStore(fhir);
        this.supersession = new Supersession(fhir, main, now);
        this.reader = new LegacyEntryReader(now);
        this.legacyRouting = legacyRouting;
        this.now = now;
    }

    /** A reading re-derived: what to write, which ids it replaces, its legacy entry (or null). */
    private record Derived(Reading reading, List<MappedResource> resources, List<String> replaces,
            LegacyEntry entry, String v1Id) {
    }

    /**
     * One message from the readings topic. Version 1 recorded what it stored for the message in its Provenance
     * (id from the message id, targets = the Observations): a message without one was never stored (parked,
     * refused) and is left to the worker; one whose Provenance is current was re-derived already.
     */
    public void record(IngestRecord record, Counts counts) {
        Document prov = fhir.getCollection("fhir_provenance").find(Filters.eq("_id",
                ProvenanceMapper.provenanceId(record.messageId()))).first();
        if (prov == null) {
            counts.notStored++;
            return;
        }
        if (current(prov)) {
            counts.current++;
            return;
        }
        counts.examined++;
        List<String> oldIds = new ArrayList<>();
        Document resource = prov.get("resource_data", Document.class);
        for (Document t : resource.getList("target", Document.class, List.of())) {
            String ref = t.getString("reference");
            if (ref != null && ref.startsWith("Observation/")) {
                oldIds.add(ref.substring("Observation/".length()));
            }
        }
        Map<String, Document> oldDocs = new HashMap<>();
        fhir.getCollection("fhir_observations").find(Filters.in("_id", oldIds)).forEach(d -> oldDocs.put(
                d.getString("_id"), d));
        String sourceSystem = prov.getString("source_system");
        ParseResult parsed = parsers.parse(record);
        if (!parsed.valid() || parsed.messageClass() != MessageClass.READINGS) {
            // Refused now (a clock seven hours ahead): what was stored for it was stored wrong.
            withdraw(oldDocs.values(), counts);
            return;
        }
        Instant received = record.receivedInstant();
        String provPatient = reference(resource.get("patient", Document.class), "Patient/");
        List<Derived> derived = new ArrayList<>();
        Set<String> keep = new LinkedHashSet<>();
        for (Reading r : parsed.readings()) {
            String patient = patientOf(r, oldDocs, provPatient);
            if (patient == null) {
                counts.notRederivable++;
                oldDocs.values().stream().filter(d -> r.device().key().equals(d.getString("device_id")))
                        .forEach(d -> keep.add(d.getString("_id")));
                continue;
            }
            derived.add(derive(r, patient, received, received));
        }
        List<String> newIds = new ArrayList<>();
        List<Document> envelopes = new ArrayList<>();
        Set<DeviceIdentity> measuring = new LinkedHashSet<>();
        Set<String> patients = new LinkedHashSet<>();
        for (Derived d : derived) {
            for (MappedResource m : d.resources()) {
                envelopes.add(envelope(m, d.reading(), sourceSystem, record.ingestId()));
                if ("Observation".equals(m.resourceType())) {
                    newIds.add(m.id());
                    patients.add(m.patientId());
                }
            }
            measuring.add(d.reading().device());
        }
        if (!newIds.isEmpty()) {
            MappedResource p = provenance.map(record.messageId(), record.ingestId(), record.clientId(),
                    List.copyOf(measuring), patients.size() == 1 ? patients.iterator().next() : null, newIds,
                    received);
            envelopes.add(FhirEnvelope.wrap(p, now, sourceSystem, record.ingestId()));
        }
        store.insertIfAbsent(FhirStore.byCollection(envelopes));
        Set<String> stale = new LinkedHashSet<>(oldDocs.keySet());
        stale.removeAll(keep);
        counts.superseded += supersession.supersede(stale, newIds);
        legacy(derived, oldDocs, stale, newIds, counts);
        counts.rederived++;
    }

    /**
     * One legacy entry the live pipeline appended (it carries the id of its Observation), when that Observation is
     * still of an older mapping and not superseded: the message is no longer on the topic, so the entry is what is
     * left of the reading. Read as legacy history, attributed to the device the Observation names.
     */
    public void liveEntry(LegacyEntryReader.Bucket bucket, int index, Document entry, Counts counts) {
        String id = entry.getString(LegacyStore.ENTRY_ID_FIELD);
        Document doc = id == null ? null : fhir.getCollection("fhir_observations").find(Filters.eq("_id", id))
                .first();
        if (doc == null || current(doc) || Boolean.TRUE.equals(doc.get("is_deleted"))) {
            return;
        }
        counts.examined++;
        Optional<DeviceIdentity> device = device(doc.getString("device_id"));
        String patient = doc.getString("patient_id");
        if (device.isEmpty() || patient == null || !ObjectId.isValid(patient)) {
            counts.notRederivable++;
            return;
        }
        Document resource = doc.get("resource_data", Document.class);
        Instant issued = resource.get("issued") instanceof String s ? Instant.parse(s) : null;
        EntryResult read = reader.readAs(bucket, index, entry, device.get());
        List<Document> old = new ArrayList<>(List.of(doc));
        if (read.readings().isEmpty()) {
            withdraw(old, counts);
            return;
        }
        List<Derived> derived = new ArrayList<>();
        List<String> newIds = new ArrayList<>();
        List<Document> envelopes = new ArrayList<>();
        Set<String> stale = new LinkedHashSet<>(List.of(id));
        for (MigratedReading m : read.readings()) {
            Reading r = m.reading();
            Derived d = derive(r, patient, issued, issued == null ? now : issued);
            derived.add(d);
            stale.addAll(d.replaces());
            for (MappedResource res : d.resources()) {
                envelopes.add(envelope(res, r, doc.getString("source_system"), doc.getString("source_message_id")));
                if ("Observation".equals(res.resourceType())) {
                    newIds.add(res.id());
                }
            }
        }
        store.insertIfAbsent(FhirStore.byCollection(envelopes));
        counts.superseded += supersession.supersede(stale, newIds);
        Map<String, Document> byId = new LinkedHashMap<>();
        byId.put(id, doc);
        legacy(derived, byId, stale, newIds, counts);
        counts.rederived++;
    }

    private Derived derive(Reading r, String patient, Instant issued, Instant asOf) {
        List<MappedResource> resources = new ArrayList<>(observations.map(r, new ObservationMapper.Context(patient,
                null, issued, asOf)));
        String primary = resources.get(0).id();
        resources.addAll(devices.map(r));
        LegacyEntry entry = legacyEntries.map(r, new ObjectId(patient), primary);
        return new Derived(r, resources, MappingV1.ids(r, patient), entry, MappingV1.primaryId(r, patient));
    }

    private Document envelope(MappedResource m, Reading r, String sourceSystem, String sourceMessageId) {
        Document envelope = FhirEnvelope.wrap(m, now, sourceSystem, sourceMessageId);
        if (r.kind().aggregation == MeasurementKind.Aggregation.DAILY_MAXIMUM && r.kind().code.equals(m.code())) {
            envelope.append(FhirStore.DAILY_MAXIMUM_FIELD, LegacyEntryMapper.number(r.value(MeasurementKind.VALUE)));
        }
        return envelope;
    }

    /**
     * The legacy entries follow: each re-derived entry (merged as the live pipeline now writes it) takes the place of
     * the entry of its reading's older Observation; entries of superseded Observations that nothing replaced are
     * removed (a withdrawn reading, an object temperature, a merged height or BMI).
     */
    private void legacy(List<Derived> derived, Map<String, Document> oldDocs, Set<String> stale, List<String> newIds,
            Counts counts) {
        if (!legacyRouting) {
            return;
        }
        Map<LegacyEntry, String> v1Of = new LinkedHashMap<>();
        List<LegacyEntry> entries = new ArrayList<>();
        for (Derived d : derived) {
            if (d.entry() != null) {
                entries.add(d.entry());
                v1Of.put(d.entry(), d.v1Id());
            }
        }
        for (LegacyEntry merged : LegacyEntryMapper.mergeSameMeasurement(entries)) {
            String lead = null;
            List<String> others = new ArrayList<>();
            for (LegacyEntry e : entries) {
                if (e.entryId().equals(merged.entryId())) {
                    lead = v1Of.get(e);
                } else if (e.kind().legacy.collection().equals(merged.kind().legacy.collection())
                        && e.patientId().equals(merged.patientId()) && e.deviceTime().equals(merged.deviceTime())) {
                    others.add(v1Of.get(e));
                }
            }
            supersession.replaceEntry(merged, lead, others);
            counts.entries++;
        }
        Set<String> orphans = new LinkedHashSet<>(stale);
        orphans.removeAll(newIds);
        for (String id : orphans) {
            Document doc = oldDocs.get(id);
            if (doc == null || doc.getString("patient_id") == null || !ObjectId.isValid(doc.getString("patient_id"))) {
                continue;
            }
            for (MeasurementKind kind : MeasurementKind.values()) {
                if (kind.code.equals(doc.getString("code"))) {
                    supersession.removeEntries(kind, new ObjectId(doc.getString("patient_id")), List.of(id));
                }
            }
        }
    }

    private void withdraw(java.util.Collection<Document> old, Counts counts) {
        List<String> ids = old.stream().map(d -> d.getString("_id")).toList();
        counts.superseded += supersession.supersede(ids, List.of());
        Map<String, Document> byId = new LinkedHashMap<>();
        old.forEach(d -> byId.put(d.getString("_id"), d));
        legacy(List.of(), byId, new LinkedHashSet<>(ids), List.of(), counts);
        counts.withdrawn++;
    }

    /** The patient the stored Observations of the reading's device name, else the message's Provenance patient. */
    private static String patientOf(Reading r, Map<String, Document> oldDocs, String provPatient) {
        for (Document d : oldDocs.values()) {
            if (r.device().key().equals(d.getString("device_id")) && d.getString("patient_id") != null) {
                return d.getString("patient_id");
            }
        }
        return provPatient;
    }

    private static String reference(Document ref, String prefix) {
        String r = ref == null ? null : ref.getString("reference");
        return r != null && r.startsWith(prefix) ? r.substring(prefix.length()) : null;
    }

    /** A device id as the pipeline writes it ({@code ble-…}, {@code box-…}, {@code imei-…}). */
    static Optional<DeviceIdentity> device(String key) {
        if (key == null) {
            return Optional.empty();
        }
        if (key.startsWith("ble-")) {
            return Optional.of(new DeviceIdentity(IdType.BLE_MAC, key.substring(4), null));
        }
        if (key.startsWith("box-")) {
            return Optional.of(new DeviceIdentity(IdType.BOX_MAC, key.substring(4), null));
        }
        if (key.startsWith("imei-")) {
            return Optional.of(new DeviceIdentity(IdType.IMEI, key.substring(5), null));
        }
        return Optional.empty();
    }

    static boolean current(Document envelope) {
        return envelope.get(MappingVersion.FIELD) instanceof Number n && n.intValue() >= MappingVersion.CURRENT;
    }
}
