package org.mfc.fhir.core.legacy;

import static org.mfc.fhir.core.legacy.LegacyNames.AMY_BOXES;
import static org.mfc.fhir.core.legacy.LegacyNames.AMY_DEVICES;
import static org.mfc.fhir.core.legacy.LegacyNames.AVA_MAC_ADDRESS;
import static org.mfc.fhir.core.legacy.LegacyNames.ID_CARD;
import static org.mfc.fhir.core.legacy.LegacyNames.IMEI;
import static org.mfc.fhir.core.legacy.LegacyNames.IS_DELETED;
import static org.mfc.fhir.core.legacy.LegacyNames.MAC_ADDRESS;
import static org.mfc.fhir.core.legacy.LegacyNames.MAC_GW;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENTS;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENT_ID;
import static org.mfc.fhir.core.legacy.LegacyNames.WATCHES;
import static org.mfc.fhir.core.legacy.LegacyNames.WATCH_MAC_ADDRESS;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.ids.Identifiers;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * The registry documents that name a set of identifiers, read with one query per registry collection ({@code patients}
 * last: the documents naming an identifier and, in the same query, whether the patients the other collections point
 * at are live), then answering {@link PatientDirectory.Registry} exactly as the one-identifier queries would: a value counts
 * for an identifier when it matches that identifier's own pattern ({@link Identifiers#macRegex} and the like), the
 * first {@value PatientDirectory#MAX_CLAIMS} documents per identifier count, and pointed-at patients must exist and
 * not be deleted. A query whose answer reaches its bound may have cut an identifier's documents short: then
 * {@link #load} answers empty and the caller looks the identifiers up one at a time.
 */
final class RegistrySnapshot implements PatientDirectory.Registry {

    /** Documents read per {@code mac_gw} value by the one-identifier query. */
    static final int MAX_GATEWAY_LINKS = 50;

    /** The identifiers to read, by kind; {@code linkedBoxes} are gateways whose {@code amy_devices} links count. */
    record Wanted(Set<String> bleMacs, Set<String> boxMacs, Set<String> linkedBoxes, Set<String> imeis,
            Set<String> citizenIds) {

        Wanted() {
            this(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>(),
                    new LinkedHashSet<>());
        }

        int size() {
            return bleMacs.size() + boxMacs.size() + linkedBoxes.size() + imeis.size() + citizenIds.size();
        }
    }

    /** One identifier kind: how a registry value is normalised, and the pattern that confirms it. */
    private record Kind(String name, Function<String, Optional<String>> normalise, Function<String, String> regex,
            int flags) {
    }

    private static final Kind MAC = new Kind("mac", Identifiers::mac, Identifiers::macRegex,
            Pattern.CASE_INSENSITIVE);
    private static final Kind IMEI_KIND = new Kind("imei", Identifiers::imei, Identifiers::imeiRegex, 0);
    private static final Kind CITIZEN = new Kind("citizen",
            v -> Optional.of(org.mfc.fhir.core.ids.CitizenIds.normalise(v)), Identifiers::citizenIdRegex, 0);

    /** The documents of one identifier in one query, in the registry's order, and the patients they name. */
    private static final class Claims {
        int documents;
        final List<ObjectId> patients = new ArrayList<>();
    }

    /** Claims by identifier, before the live check. */
    private final Map<String, Claims> deviceClaims = new HashMap<>();
    private final Map<String, Claims> patientDeviceClaims = new HashMap<>();
    private final Map<String, Claims> boxClaims = new HashMap<>();
    private final Map<String, Claims> patientBoxClaims = new HashMap<>();
    private final Map<String, Claims> watchClaims = new HashMap<>();
    private final Map<String, Claims> patientWatchClaims = new HashMap<>();
    private final Map<String, Claims> citizenClaims = new HashMap<>();
    /** Gateway MAC to the {@code amy_devices} documents whose {@code mac_gw} names it. */
    private final Map<String, Claims> gatewayLinks = new HashMap<>();
    /** Live patients read, with their {@code ava_mac_address} value (null when absent). */
    private final Map<ObjectId, Object> live = new HashMap<>();
    private final Map<String, Pattern> patterns = new HashMap<>();

    private RegistrySnapshot() {
    }

    /**
     * Reads the registry documents of {@code wanted}: one query per collection.
     *
     * @return empty when a query reached its bound (the caller then reads the identifiers one at a time)
     */
    static Optional<RegistrySnapshot> load(MongoDatabase main, Wanted wanted) {
        RegistrySnapshot s = new RegistrySnapshot();
        int claims = PatientDirectory.MAX_CLAIMS;
        List<String> deviceFields = PatientDirectory.AMY_DEVICE_FIELDS;

        List<Bson> deviceOr = new ArrayList<>();
        if (!wanted.bleMacs().isEmpty()) {
            Pattern any = Pattern.compile(Identifiers.anyMacRegex(wanted.bleMacs()), Pattern.CASE_INSENSITIVE);
            deviceFields.forEach(f -> deviceOr.add(Filters.regex(f, any)));
        }
        if (!wanted.linkedBoxes().isEmpty()) {
            deviceOr.add(Filters.regex(MAC_GW, Pattern.compile(Identifiers.anyMacRegex(wanted.linkedBoxes()),
                    Pattern.CASE_INSENSITIVE)));
        }
        if (!deviceOr.isEmpty()) {
            List<String> projected = new ArrayList<>(deviceFields);
            projected.add(MAC_GW);
            projected.add(PATIENT_ID);
            int bound = claims * wanted.bleMacs().size() + MAX_GATEWAY_LINKS * wanted.linkedBoxes().size();
            List<Document> docs = read(main, AMY_DEVICES, Filters.or(deviceOr), projected, bound);
            if (docs == null) {
                return Optional.empty();
            }
            for (Document d : docs) {
                ObjectId patient = LegacyIds.objectId(d.get(PATIENT_ID));
                s.claim(s.deviceClaims, d, deviceFields, MAC, wanted.bleMacs(), patient, claims);
                s.claim(s.gatewayLinks, d, List.of(MAC_GW), MAC, wanted.linkedBoxes(), patient, MAX_GATEWAY_LINKS);
            }
        }
        if (!registry(main, s, AMY_BOXES, MAC_ADDRESS, MAC, wanted.boxMacs(), s.boxClaims)
                || !registry(main, s, WATCHES, IMEI, IMEI_KIND, wanted.imeis(), s.watchClaims)) {
            return Optional.empty();
        }

        List<Bson> patientOr = new ArrayList<>();
        if (!wanted.bleMacs().isEmpty()) {
            Pattern any = Pattern.compile(Identifiers.anyMacRegex(wanted.bleMacs()), Pattern.CASE_INSENSITIVE);
            PatientDirectory.PATIENT_DEVICE_FIELDS.forEach(f -> patientOr.add(Filters.regex(f, any)));
        }
        if (!wanted.boxMacs().isEmpty()) {
            patientOr.add(Filters.regex(AVA_MAC_ADDRESS, Pattern.compile(Identifiers.anyMacRegex(wanted.boxMacs()),
                    Pattern.CASE_INSENSITIVE)));
        }
        if (!wanted.imeis().isEmpty()) {
            patientOr.add(Filters.regex(WATCH_MAC_ADDRESS, Pattern.compile(Identifiers.anyImeiRegex(wanted.imeis()))));
        }
        if (!wanted.citizenIds().isEmpty()) {
            patientOr.add(Filters.regex(ID_CARD, Pattern.compile(Identifiers.anyCitizenIdRegex(wanted.citizenIds()))));
        }
        // The patients the other collections point at are checked live in the same query.
        Set<ObjectId> pointedAt = new LinkedHashSet<>();
        for (Map<String, Claims> claimed : List.of(s.deviceClaims, s.boxClaims, s.watchClaims)) {
            claimed.values().forEach(c -> pointedAt.addAll(c.patients));
        }
        if (!pointedAt.isEmpty()) {
            patientOr.add(Filters.in("_id", pointedAt));
        }
        if (!patientOr.isEmpty()) {
            List<String> projected = new ArrayList<>(PatientDirectory.PATIENT_DEVICE_FIELDS);
            projected.addAll(List.of("_id", AVA_MAC_ADDRESS, WATCH_MAC_ADDRESS, ID_CARD));
            int bound = claims * (wanted.bleMacs().size() + wanted.boxMacs().size() + wanted.imeis().size()
                    + wanted.citizenIds().size()) + pointedAt.size();
            List<Document> docs = read(main, PATIENTS, Filters.and(Filters.or(patientOr),
                    Filters.ne(IS_DELETED, true)), projected, bound);
            if (docs == null) {
                return Optional.empty();
            }
            for (Document d : docs) {
                ObjectId id = d.getObjectId("_id");
                s.live.put(id, d.get(AVA_MAC_ADDRESS));
                s.claim(s.patientDeviceClaims, d, PatientDirectory.PATIENT_DEVICE_FIELDS, MAC, wanted.bleMacs(), id,
                        claims);
                s.claim(s.patientBoxClaims, d, List.of(AVA_MAC_ADDRESS), MAC, wanted.boxMacs(), id, claims);
                s.claim(s.patientWatchClaims, d, List.of(WATCH_MAC_ADDRESS), IMEI_KIND, wanted.imeis(), id, claims);
                s.claim(s.citizenClaims, d, List.of(ID_CARD), CITIZEN, wanted.citizenIds(), id, claims);
            }
        }
        return Optional.of(s);
    }

    /** One registry collection holding one identifier field: its documents' patients by identifier. */
    private static boolean registry(MongoDatabase main, RegistrySnapshot s, String collection, String field, Kind kind,
            Set<String> wanted, Map<String, Claims> into) {
        if (wanted.isEmpty()) {
            return true;
        }
        String regex = kind == MAC ? Identifiers.anyMacRegex(wanted) : Identifiers.anyImeiRegex(wanted);
        List<Document> docs = read(main, collection, Filters.regex(field, Pattern.compile(regex, kind.flags())),
                List.of(field, PATIENT_ID), PatientDirectory.MAX_CLAIMS * wanted.size());
        if (docs == null) {
            return false;
        }
        for (Document d : docs) {
            s.claim(into, d, List.of(field), kind, wanted, LegacyIds.objectId(d.get(PATIENT_ID)),
                    PatientDirectory.MAX_CLAIMS);
        }
        return true;
    }

    /** The documents, or null when there are {@code bound} or more (some identifier's may be cut short). */
    private static List<Document> read(MongoDatabase main, String collection, Bson filter, List<String> fields,
            int bound) {
        List<Document> docs = new ArrayList<>();
        main.getCollection(collection).find(filter).projection(Projections.include(fields)).limit(bound + 1)
                .into(docs);
        return docs.size() > bound ? null : docs;
    }

    /**
     * Counts the document for each wanted identifier one of its {@code fields} names, within the first {@code max}
     * documents of that identifier (the one-identifier query's limit), whether or not it has a patient.
     */
    private void claim(Map<String, Claims> into, Document d, List<String> fields, Kind kind, Set<String> wanted,
            ObjectId patient, int max) {
        Set<String> named = new HashSet<>();
        for (String f : fields) {
            named.addAll(matches(d.get(f), kind, wanted));
        }
        for (String id : named) {
            Claims claims = into.computeIfAbsent(id, k -> new Claims());
            if (++claims.documents <= max && patient != null) {
                claims.patients.add(patient);
            }
        }
    }

    /** The wanted identifiers a registry value (a string, or an array of them, as MongoDB matches) names. */
    private Collection<String> matches(Object value, Kind kind, Set<String> wanted) {
        if (wanted.isEmpty() || value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            Set<String> out = new HashSet<>();
            list.forEach(v -> out.addAll(matches(v, kind, wanted)));
            return out;
        }
        if (!(value instanceof String text)) {
            return List.of();
        }
        Optional<String> id = kind.normalise().apply(text).filter(wanted::contains);
        if (id.isEmpty()) {
            return List.of();
        }
        Pattern own = patterns.computeIfAbsent(kind.name() + "|" + id.get(),
                k -> Pattern.compile(kind.regex().apply(id.get()), kind.flags()));
        return own.matcher(text).find() ? List.of(id.get()) : List.of();
    }

    @Override
    public Set<ObjectId> bySubDevice(String mac) {
        Set<ObjectId> out = livePatients(deviceClaims.get(mac));
        out.addAll(orEmpty(patientDeviceClaims.get(mac)));
        return out;
    }

    @Override
    public Set<ObjectId> byGateway(String mac) {
        Set<ObjectId> out = livePatients(boxClaims.get(mac));
        out.addAll(orEmpty(patientBoxClaims.get(mac)));
        return out;
    }

    @Override
    public Set<ObjectId> byWatch(String imei) {
        Set<ObjectId> out = livePatients(watchClaims.get(imei));
        out.addAll(orEmpty(patientWatchClaims.get(imei)));
        return out;
    }

    @Override
    public Set<ObjectId> byCitizenId(String citizenId) {
        return new LinkedHashSet<>(orEmpty(citizenClaims.get(citizenId)));
    }

    @Override
    public boolean linkedToGateway(ObjectId patient, String mac) {
        if (orEmpty(gatewayLinks.get(mac)).contains(patient)) {
            return true;
        }
        // The patient is a claim, so live and read with its ava_mac_address.
        return !matches(live.get(patient), MAC, Set.of(mac)).isEmpty();
    }

    private Set<ObjectId> livePatients(Claims claims) {
        Set<ObjectId> out = new LinkedHashSet<>();
        for (ObjectId id : orEmpty(claims)) {
            if (live.containsKey(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private static List<ObjectId> orEmpty(Claims claims) {
        return claims == null ? List.of() : claims.patients;
    }
}
