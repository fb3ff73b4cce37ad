package org.mfc.fhir.core.legacy;

import static org.mfc.fhir.core.legacy.LegacyNames.AMY_BOXES;
import static org.mfc.fhir.core.legacy.LegacyNames.AMY_DEVICES;
import static org.mfc.fhir.core.legacy.LegacyNames.AVA_MAC_ADDRESS;
import static org.mfc.fhir.core.legacy.LegacyNames.BIRTH_DATE_PARTIAL;
import static org.mfc.fhir.core.legacy.LegacyNames.HOSPITAL_ID;
import static org.mfc.fhir.core.legacy.LegacyNames.ID_CARD;
import static org.mfc.fhir.core.legacy.LegacyNames.IMEI;
import static org.mfc.fhir.core.legacy.LegacyNames.IS_DELETED;
import static org.mfc.fhir.core.legacy.LegacyNames.KIOSK_BOXES;
import static org.mfc.fhir.core.legacy.LegacyNames.KIOSK_BOX_MAC;
import static org.mfc.fhir.core.legacy.LegacyNames.MAC_ADDRESS;
import static org.mfc.fhir.core.legacy.LegacyNames.MAC_GW;
import static org.mfc.fhir.core.legacy.LegacyNames.NEW_HOSPITAL_IDS;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENTS;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENT_ID;
import static org.mfc.fhir.core.legacy.LegacyNames.REGISTRATION_STATUS;
import static org.mfc.fhir.core.legacy.LegacyNames.UNREGISTERED;
import static org.mfc.fhir.core.legacy.LegacyNames.WATCHES;
import static org.mfc.fhir.core.legacy.LegacyNames.WATCH_MAC_ADDRESS;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.ids.Identifiers;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.PatientHint;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.parse.ThaiTime;
import org.mfc.fhir.core.store.ExpiringCache;
import org.mfc.fhir.core.store.MongoErrors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;

/**
 * Device to patient, by the resolution order of legacy-db.md section 1, over a registry whose identifiers are
 * noisy (case, separators, surrounding spaces): look-ups match every spelling of the normalised id. Results,
 * including "unknown", are cached for {@code ttl}, which is therefore the longest time a registry change takes to
 * be noticed. A device that keeps sending is looked up again in the background before its answer expires (one
 * thread, {@link ExpiringCache}), so readings do not wait for the registry once it is known: a match by pattern
 * reads the whole registry collection, and a fleet's worth of them expiring together stalled the worker.
 */
public final class PatientDirectory {

    /**
     * How a reading was tied to its patient; {@code via} names the rule, for operators (never patient data).
     * {@code fallback} is null when the measuring device itself names the patient, else why another rule was used
     * ({@value #GATEWAY_OWNER}), which the reading's resources then say. An ambiguous answer has no patient and
     * lists the {@code candidates}: the reading is parked, never guessed (docs/decisions.md, "Wrong patient").
     */
    public record Resolution(ObjectId patientId, String via, String fallback, List<ObjectId> candidates) {

        public Resolution(ObjectId patientId, String via) {
            this(patientId, via, null, List.of());
        }

        static Resolution ambiguous(String via, java.util.Collection<ObjectId> candidates) {
            return new Resolution(null, via, null, List.copyOf(new java.util.TreeSet<>(candidates)));
        }

        public boolean ambiguous() {
            return patientId == null;
        }
    }

    /** Fallback: the reporting gateway's owner, because the measuring device names no single patient. */
    public static final String GATEWAY_OWNER = "gateway-owner";
    /** Most registry documents read for one identifier: a device claimed more often than this is ambiguous anyway. */
    static final int MAX_CLAIMS = 10;
    /** Most look-ups read from the registry together: bounds the size of one query's patterns. */
    static final int MAX_PREFETCH = 250;

    /** {@code amy_devices} fields that hold a measuring device's MAC (one document per patient). */
    static final List<String> AMY_DEVICE_FIELDS = DeviceSlot.bleAmyDevicesFields();
    /** {@code patients} fields that hold a measuring device's MAC. */
    static final List<String> PATIENT_DEVICE_FIELDS = DeviceSlot.blePatientFields();

    private final MongoDatabase main;
    private final ExpiringCache<String, Optional<Resolution>> cache;
    private final Cache<String, Boolean> kiosks;
    private final Registry direct = new Direct();

    public PatientDirectory(MongoDatabase main, Duration ttl, int maxEntries, Clock clock) {
        this.main = main;
        this.cache = new ExpiringCache<>(maxEntries, ttl, clock, refresher(maxEntries));
        this.kiosks = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
    }

    /**
     * Whether {@code mfc_hv01_boxes} lists this box as a Qube-Vital kiosk (answers kept as long as the patients'
     * look-ups). A token bound to a box may post kiosk readings only for a kiosk: a kiosk reading names its patient
     * by citizen id, so a home AVA4 box's token would otherwise write into any citizen's record.
     */
    public boolean registeredKiosk(DeviceIdentity box) {
        return kiosks.get(box.key(), k -> {
            Pattern re = Pattern.compile(Identifiers.macRegex(box.id()), Pattern.CASE_INSENSITIVE);
            return MongoErrors.call("read kiosk", () -> main.getCollection(KIOSK_BOXES)
                    .find(Filters.regex(KIOSK_BOX_MAC, re)).projection(Projections.include("_id")).first()) != null;
        });
    }

    /** One daemon thread that reloads answers ahead of their expiry; at most {@code queued} waiting. */
    private static ThreadPoolExecutor refresher(int queued) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queued), r -> {
                    Thread t = new Thread(r, "registry-refresh");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * A look-up a batch will make, for {@link #prefetch}: a reading's ({@link #lookup(Reading, boolean)}) or a watch
     * alarm's ({@link #lookup(DeviceFamily, DeviceIdentity)}).
     *
     * @param gatewayBound the message was posted with a token bound to its AVA4 box: see {@link #resolveForGateway}
     */
    public record Lookup(DeviceFamily family, DeviceIdentity device, DeviceIdentity gateway, PatientHint hint,
            boolean gatewayBound) {

        String key() {
            return gatewayBound ? "gateway-bound|" + cacheKey(family, device, gateway, null)
                    : cacheKey(family, device, gateway, hint);
        }
    }

    /**
     * The look-up of {@link #resolveForGateway} when {@code deviceBound}, else of {@link #resolve(Reading)}. Only an
     * AVA4 reading is held to its box's patients: a kiosk reading names its patient (citizen id), a kiosk serves
     * whoever walks in, and holding it to the box's owner filed one citizen's measurement in another's record.
     */
    public static Lookup lookup(Reading reading, boolean deviceBound) {
        DeviceIdentity gateway = reading.gateway();
        boolean gatewayBound = deviceBound && reading.family() == DeviceFamily.AVA4 && gateway != null
                && gateway.type() == IdType.BOX_MAC && reading.device().type() == IdType.BLE_MAC;
        return new Lookup(reading.family(), reading.device(), gateway, gatewayBound ? null : reading.patientHint(),
                gatewayBound);
    }

    /** The look-up of a device with neither gateway nor hint (a watch's alarm). */
    public static Lookup lookup(DeviceFamily family, DeviceIdentity device) {
        return new Lookup(family, device, null, null, false);
    }

    public Optional<Resolution> resolve(Reading reading) {
        return resolve(lookup(reading, false));
    }

    /**
     * As {@link #resolve(Reading)}, for a message posted with a token bound to its gateway (an AVA4 box's own
     * token): a sub-device counts only when the registry links its patient to that gateway (the box's owner,
     * {@code patients.ava_mac_address}, or an {@code amy_devices} document whose {@code mac_gw} is the box).
     * Otherwise the reading belongs to the gateway's owner, as for a sub-device the registry does not know: a box's
     * token never writes into the record of a patient the box is not linked to, whatever address the payload names.
     */
    public Optional<Resolution> resolveForGateway(Reading reading) {
        return resolve(lookup(reading, true));
    }

    /** The patient of a device (and its gateway, and the kiosk's patient hint), by the legacy resolution order. */
    public Optional<Resolution> resolve(DeviceFamily family, DeviceIdentity device, DeviceIdentity gateway,
            PatientHint hint) {
        return resolve(new Lookup(family, device, gateway, hint, false));
    }

    /** The answer to a look-up: cached, else read from the registry for this look-up alone. */
    public Optional<Resolution> resolve(Lookup lookup) {
        return cache.get(lookup.key(), k -> MongoErrors.call("resolve patient", () -> answer(lookup, direct)));
    }

    /**
     * Reads the registry for a batch's look-ups together, so that the {@link #resolve} calls that follow are answered
     * from the cache: the look-ups not cached are read now with one query per registry collection (per
     * {@value #MAX_PREFETCH} look-ups), those due for refresh the same way on the refresh
     * thread. The answers are those of the one-at-a-time look-up ({@link RegistrySnapshot}); when a query reaches its
     * bound (identifiers claimed by many documents), the look-ups are left to {@link #resolve}.
     */
    public void prefetch(java.util.Collection<Lookup> lookups) {
        java.util.Map<String, Lookup> byKey = new java.util.LinkedHashMap<>();
        lookups.forEach(l -> byKey.putIfAbsent(l.key(), l));
        List<String> keys = new ArrayList<>(byKey.keySet());
        for (int from = 0; from < keys.size(); from += MAX_PREFETCH) {
            cache.preload(keys.subList(from, Math.min(keys.size(), from + MAX_PREFETCH)),
                    wantedKeys -> MongoErrors.call("resolve patients", () -> answers(wantedKeys, byKey)));
        }
    }

    /** The registry's answers to the look-ups read together, by {@link Lookup#key}; empty when left to one at a time. */
    java.util.Map<String, Optional<Resolution>> answersTogether(java.util.Collection<Lookup> lookups) {
        java.util.Map<String, Lookup> byKey = new java.util.LinkedHashMap<>();
        lookups.forEach(l -> byKey.putIfAbsent(l.key(), l));
        return answers(byKey.keySet(), byKey);
    }

    /** The registry's answer to the look-up read alone, uncached. */
    Optional<Resolution> answerAlone(Lookup lookup) {
        return answer(lookup, direct);
    }

    private java.util.Map<String, Optional<Resolution>> answers(java.util.Set<String> keys,
            java.util.Map<String, Lookup> byKey) {
        RegistrySnapshot.Wanted wanted = new RegistrySnapshot.Wanted();
        for (String key : keys) {
            Lookup l = byKey.get(key);
            if (l.hint() != null && l.hint().citizenId() != null && !l.gatewayBound()) {
                wanted.citizenIds().add(l.hint().citizenId());
            } else if (l.device().type() == IdType.IMEI) {
                wanted.imeis().add(l.device().id());
            } else if (l.device().type() == IdType.BOX_MAC) {
                wanted.boxMacs().add(l.device().id());
            } else {
                wanted.bleMacs().add(l.device().id());
                if (l.gateway() != null && l.gateway().type() == IdType.BOX_MAC) {
                    wanted.boxMacs().add(l.gateway().id());
                    if (l.gatewayBound()) {
                        wanted.linkedBoxes().add(l.gateway().id());
                    }
                }
            }
        }
        Optional<RegistrySnapshot> snapshot = RegistrySnapshot.load(main, wanted);
        if (snapshot.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, Optional<Resolution>> out = new java.util.HashMap<>();
        for (String key : keys) {
            out.put(key, answer(byKey.get(key), snapshot.get()));
        }
        return out;
    }

    private static Optional<Resolution> answer(Lookup lookup, Registry registry) {
        return lookup.gatewayBound() ? lookUpWithinGateway(registry, lookup.device(), lookup.gateway())
                : lookUp(registry, lookup.device(), lookup.gateway(), lookup.hint());
    }

    /**
     * A kiosk walk-in the registry does not know (legacy-db.md section 1, devices.md section 3): creates the legacy
     * {@code patients} document with {@code registration_status: "unregistered"}, the id derived from the citizen id
     * ({@link DeterministicIds#walkInPatientId}) and the demographics of the hint, unless it exists. Idempotent: a
     * second reading or a replay finds the same document and changes nothing.
     */
    public Resolution registerWalkIn(Reading reading, Instant now) {
        PatientHint hint = reading.patientHint();
        ObjectId id = DeterministicIds.walkInPatientId(hint.citizenId());
        Date created = Date.from(now);
        Document fields = new Document(ID_CARD, hint.citizenId())
                .append(REGISTRATION_STATUS, UNREGISTERED)
                .append("is_active", true)
                .append(IS_DELETED, false)
                .append("created_at", created)
                .append("updated_at", created);
        fields.putAll(demographics(hint));
        if (reading.gateway() != null) {
            ObjectId hospital = kioskHospital(reading.gateway());
            if (hospital != null) {
                fields.append(NEW_HOSPITAL_IDS, List.of(hospital));
            }
        }
        MongoErrors.call("register walk-in patient", () -> {
            try {
                return main.getCollection(PATIENTS).updateOne(Filters.eq("_id", id),
                        new Document("$setOnInsert", fields), new UpdateOptions().upsert(true));
            } catch (MongoWriteException e) {
                // Another worker inserted the same walk-in first: the document exists, which is all we need.
                if (e.getError().getCode() == MongoErrors.DUPLICATE_KEY) {
                    return null;
                }
                throw e;
            }
        });
        Resolution resolution = new Resolution(id, "walk-in");
        cache.put(cacheKey(reading.family(), reading.device(), reading.gateway(), hint), Optional.of(resolution));
        return resolution;
    }

    /**
     * A walk-in the registry has not registered yet takes the demographics of a later kiosk reading (a name or
     * birth date the first card read lacked, a corrected one); a patient the legacy application registered is
     * never touched. Writes only when something differs.
     *
     * @return true when the patient document changed
     */
    public boolean completeWalkIn(ObjectId patientId, PatientHint hint, Instant now) {
        Document demographics = demographics(hint);
        if (demographics.isEmpty()) {
            return false;
        }
        List<Bson> differs = new ArrayList<>();
        demographics.forEach((k, v) -> differs.add(Filters.ne(k, v)));
        Bson filter = Filters.and(Filters.eq("_id", patientId), Filters.eq(REGISTRATION_STATUS, UNREGISTERED),
                Filters.or(differs));
        Document update = new Document("$set", new Document(demographics).append("updated_at", Date.from(now)));
        if (demographics.containsKey("birth_date")) {
            update.append("$unset", new Document(BIRTH_DATE_PARTIAL, ""));
        }
        return MongoErrors.call("complete walk-in patient", () -> main.getCollection(PATIENTS)
                .updateOne(filter, update).getModifiedCount() > 0);
    }

    /**
     * The legacy fields a kiosk hint fills: names, gender, and the birth date at Thai midnight (the legacy
     * application's zone); a partial birth date (year, or year and month) goes to {@code birth_date_partial}, as
     * the legacy {@code birth_date} holds only whole dates.
     */
    private static Document demographics(PatientHint hint) {
        Document fields = new Document();
        if (hint.firstName() != null) {
            fields.append("first_name", hint.firstName());
        }
        if (hint.lastName() != null) {
            fields.append("last_name", hint.lastName());
        }
        if (hint.gender() != null && !"unknown".equals(legacyGender(hint.gender()))) {
            fields.append("gender", legacyGender(hint.gender()));
        }
        if (hint.birthDate() != null) {
            if (hint.birthDate().length() == 10) {
                fields.append("birth_date", Date.from(java.time.LocalDate.parse(hint.birthDate())
                        .atStartOfDay(ThaiTime.ZONE).toInstant()));
            } else {
                fields.append(BIRTH_DATE_PARTIAL, hint.birthDate());
            }
        }
        return fields;
    }

    private static String cacheKey(DeviceFamily family, DeviceIdentity device, DeviceIdentity gateway,
            PatientHint hint) {
        return family + "|" + device.key() + "|" + (gateway == null ? "" : gateway.key()) + "|"
                + (hint == null ? "" : hint.citizenId());
    }

    /** Legacy {@code gender} values are words; kiosks send {@code "1"} male and {@code "0"} female. */
    static String legacyGender(String raw) {
        return switch (raw.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "m", "male" -> "male";
            case "0", "f", "female" -> "female";
            default -> "unknown";
        };
    }

    /** The hospital of a Qube kiosk ({@code mfc_hv01_boxes.imei_of_hv01_box} holds the box MAC), or null. */
    private ObjectId kioskHospital(DeviceIdentity kiosk) {
        Pattern re = Pattern.compile(Identifiers.macRegex(kiosk.id()), Pattern.CASE_INSENSITIVE);
        Document box = MongoErrors.call("read kiosk", () -> main.getCollection(KIOSK_BOXES)
                .find(Filters.regex(KIOSK_BOX_MAC, re)).projection(Projections.include(HOSPITAL_ID)).first());
        return box == null ? null : LegacyIds.objectId(box.get(HOSPITAL_ID));
    }

    /** Forget cached answers, e.g. before re-processing parked readings after a registry fix. */
    public void invalidate() {
        cache.invalidateAll();
        kiosks.invalidateAll();
    }

    /** The legacy patient documents of the ids that exist, by id: one query. */
    public java.util.Map<ObjectId, Document> patients(java.util.Collection<ObjectId> ids) {
        java.util.Map<ObjectId, Document> out = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<Document> docs = MongoErrors.call("read patients", () -> main.getCollection(PATIENTS)
                .find(Filters.in("_id", ids)).into(new ArrayList<>()));
        docs.forEach(d -> out.put(d.getObjectId("_id"), d));
        return out;
    }

    /** The legacy {@code hospitals} documents of the ids that exist, by id: one query. */
    public java.util.Map<ObjectId, Document> hospitals(java.util.Collection<ObjectId> ids) {
        java.util.Map<ObjectId, Document> out = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<Document> docs = MongoErrors.call("read hospitals", () -> main.getCollection(LegacyNames.HOSPITALS)
                .find(Filters.in("_id", ids)).into(new ArrayList<>()));
        docs.forEach(d -> out.put(d.getObjectId("_id"), d));
        return out;
    }

    /**
     * The registry's answer, every claim considered (legacy-db.md section 1): the measuring device's claims, the
     * reporting gateway's owners. One patient from the device: that patient, unless the gateway has one owner who is
     * someone else (then the gateway's owner). A device claimed by several patients: the gateway's owner when there
     * is exactly one, else ambiguous. No claim on the device: the gateway's owner, when there is one.
     */
    private static Optional<Resolution> lookUp(Registry registry, DeviceIdentity device, DeviceIdentity gateway,
            PatientHint hint) {
        if (hint != null && hint.citizenId() != null) {
            return decide(registry.byCitizenId(hint.citizenId()), "patients.id_card");
        }
        if (device.type() == IdType.IMEI) {
            return decide(registry.byWatch(device.id()), WATCHES);
        }
        if (device.type() == IdType.BOX_MAC) {
            return decide(registry.byGateway(device.id()), AMY_BOXES);
        }
        java.util.Set<ObjectId> claims = registry.bySubDevice(device.id());
        java.util.Set<ObjectId> owners = gateway != null && gateway.type() == IdType.BOX_MAC
                ? registry.byGateway(gateway.id()) : java.util.Set.of();
        if (claims.size() == 1 && (owners.size() != 1 || owners.equals(claims))) {
            return Optional.of(new Resolution(claims.iterator().next(), AMY_DEVICES));
        }
        if (owners.size() == 1) {
            return Optional.of(new Resolution(owners.iterator().next(), AMY_BOXES, GATEWAY_OWNER, List.of()));
        }
        java.util.Set<ObjectId> all = new java.util.LinkedHashSet<>(claims);
        all.addAll(owners);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Resolution.ambiguous(claims.size() > 1 ? AMY_DEVICES : AMY_BOXES, all));
    }

    /**
     * The registry's answer for a box-bound token (see {@link #resolveForGateway}): of the measuring device's claims,
     * only patients the registry links to this box count; one such patient is the answer, else the box's single
     * owner (a gateway-owner fallback), else ambiguous.
     */
    private static Optional<Resolution> lookUpWithinGateway(Registry registry, DeviceIdentity device,
            DeviceIdentity gateway) {
        java.util.Set<ObjectId> owners = registry.byGateway(gateway.id());
        java.util.Set<ObjectId> linked = new java.util.LinkedHashSet<>();
        for (ObjectId claim : registry.bySubDevice(device.id())) {
            if (owners.contains(claim) || registry.linkedToGateway(claim, gateway.id())) {
                linked.add(claim);
            }
        }
        if (linked.size() == 1) {
            return Optional.of(new Resolution(linked.iterator().next(), AMY_DEVICES));
        }
        if (owners.size() == 1) {
            return Optional.of(new Resolution(owners.iterator().next(), AMY_BOXES, GATEWAY_OWNER, List.of()));
        }
        java.util.Set<ObjectId> all = new java.util.LinkedHashSet<>(linked);
        all.addAll(owners);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Resolution.ambiguous(linked.size() > 1 ? AMY_DEVICES : AMY_BOXES, all));
    }

    private static Optional<Resolution> decide(java.util.Set<ObjectId> patients, String via) {
        if (patients.isEmpty()) {
            return Optional.empty();
        }
        if (patients.size() > 1) {
            return Optional.of(Resolution.ambiguous(via, patients));
        }
        return Optional.of(new Resolution(patients.iterator().next(), via));
    }

    /** The registry's answers for one identifier, by kind: read one at a time, or together ({@link RegistrySnapshot}). */
    interface Registry {

        /** Live patients claiming a measuring device ({@code amy_devices}, {@code patients}). */
        java.util.Set<ObjectId> bySubDevice(String mac);

        /** Live owners of a gateway ({@code amy_boxes}, {@code patients.ava_mac_address}). */
        java.util.Set<ObjectId> byGateway(String mac);

        /** Live wearers of a watch ({@code watches}, {@code patients.watch_mac_address}). */
        java.util.Set<ObjectId> byWatch(String imei);

        /** Live patients with the citizen id. */
        java.util.Set<ObjectId> byCitizenId(String citizenId);

        /** Whether the registry links the (live) patient to the box by another rule than the box's owner. */
        boolean linkedToGateway(ObjectId patient, String mac);
    }

    /** One identifier per query. */
    private final class Direct implements Registry {

        /** Whether the registry links the patient to the box by another rule than the box's owner. */
        @Override
        public boolean linkedToGateway(ObjectId patient, String mac) {
            Pattern re = Pattern.compile(Identifiers.macRegex(mac), Pattern.CASE_INSENSITIVE);
            for (Document d : main.getCollection(AMY_DEVICES).find(Filters.regex(MAC_GW, re))
                    .projection(Projections.include(PATIENT_ID)).limit(50)) {
                if (patient.equals(LegacyIds.objectId(d.get(PATIENT_ID)))) {
                    return true;
                }
            }
            return main.getCollection(PATIENTS).find(Filters.and(Filters.eq("_id", patient),
                    Filters.regex(AVA_MAC_ADDRESS, re))).projection(Projections.include("_id")).first() != null;
        }

        @Override
        public java.util.Set<ObjectId> bySubDevice(String mac) {
            Pattern re = Pattern.compile(Identifiers.macRegex(mac), Pattern.CASE_INSENSITIVE);
            java.util.Set<ObjectId> out = patientField(main.getCollection(AMY_DEVICES), anyOf(AMY_DEVICE_FIELDS, re),
                    PATIENT_ID);
            out.addAll(patientDocuments(anyOf(PATIENT_DEVICE_FIELDS, re)));
            return out;
        }

        @Override
        public java.util.Set<ObjectId> byGateway(String mac) {
            Pattern re = Pattern.compile(Identifiers.macRegex(mac), Pattern.CASE_INSENSITIVE);
            java.util.Set<ObjectId> out = patientField(main.getCollection(AMY_BOXES), Filters.regex(MAC_ADDRESS, re),
                    PATIENT_ID);
            out.addAll(patientDocuments(Filters.regex(AVA_MAC_ADDRESS, re)));
            return out;
        }

        @Override
        public java.util.Set<ObjectId> byWatch(String imei) {
            Pattern re = Pattern.compile(Identifiers.imeiRegex(imei));
            java.util.Set<ObjectId> out = patientField(main.getCollection(WATCHES), Filters.regex(IMEI, re),
                    PATIENT_ID);
            out.addAll(patientDocuments(Filters.regex(WATCH_MAC_ADDRESS, re)));
            return out;
        }

        @Override
        public java.util.Set<ObjectId> byCitizenId(String citizenId) {
            Pattern re = Pattern.compile(Identifiers.citizenIdRegex(citizenId));
            return patientDocuments(Filters.regex(ID_CARD, re));
        }

        /** The live patients registry documents point at (the patient must exist and not be deleted). */
        private java.util.Set<ObjectId> patientField(MongoCollection<Document> registry, Bson filter, String field) {
            java.util.Set<ObjectId> out = new java.util.LinkedHashSet<>();
            for (Document d : registry.find(filter).projection(Projections.include(field)).limit(MAX_CLAIMS)) {
                ObjectId id = LegacyIds.objectId(d.get(field));
                if (id != null && !out.contains(id) && livePatient(id)) {
                    out.add(id);
                }
            }
            return out;
        }

        private java.util.Set<ObjectId> patientDocuments(Bson filter) {
            Bson live = Filters.and(filter, Filters.ne(IS_DELETED, true));
            java.util.Set<ObjectId> out = new java.util.LinkedHashSet<>();
            for (Document d : main.getCollection(PATIENTS).find(live).projection(Projections.include("_id"))
                    .limit(MAX_CLAIMS)) {
                out.add(d.getObjectId("_id"));
            }
            return out;
        }

        private boolean livePatient(ObjectId id) {
            // find, not countDocuments: a count is an aggregation, heavier than the one-document read it needs.
            return main.getCollection(PATIENTS).find(Filters.and(Filters.eq("_id", id),
                    Filters.ne(IS_DELETED, true))).projection(Projections.include("_id")).first() != null;
        }
    }

    private static Bson anyOf(List<String> fields, Pattern re) {
        List<Bson> ors = new ArrayList<>(fields.size());
        for (String f : fields) {
            ors.add(Filters.regex(f, re));
        }
        return Filters.or(ors);
    }
}
