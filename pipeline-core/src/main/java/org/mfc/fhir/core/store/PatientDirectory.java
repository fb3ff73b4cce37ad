package org.mfc.fhir.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.Reading;

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

    /** How a reading was tied to its patient; {@code via} names the rule, for operators (never patient data). */
    public record Resolution(ObjectId patientId, String via) {
    }

    /** {@code amy_devices} fields that hold a measuring device's MAC (one document per patient). */
    static final List<String> AMY_DEVICE_FIELDS = List.of("mac_bps", "mac_dusun_bps", "mac_oxymeter",
            "mac_mgss_oxymeter", "mac_body_temp", "mac_weight", "mac_gluc", "mac_chol", "mac_ua", "mac_salt_meter");
    /** {@code patients} fields that hold a measuring device's MAC. */
    static final List<String> PATIENT_DEVICE_FIELDS = List.of("blood_pressure_mac_address",
            "fingertip_pulse_oximeter_mac_address", "body_temperature_mac_address", "weight_scale_mac_address",
            "blood_glucose_mac_address", "uric_mac_address", "cholesterol_mac_address");

    private final MongoDatabase main;
    private final ExpiringCache<String, Optional<Resolution>> cache;

    public PatientDirectory(MongoDatabase main, Duration ttl, int maxEntries, Clock clock) {
        this.main = main;
        this.cache = new ExpiringCache<>(maxEntries, ttl, clock, refresher(maxEntries));
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

    public Optional<Resolution> resolve(Reading reading) {
        return resolve(reading.family(), reading.device(), reading.gateway(), reading.patientHint());
    }

    /**
     * As {@link #resolve(Reading)}, for a message posted with a token bound to its gateway (an AVA4 box's own
     * token): a sub-device counts only when the registry links its patient to that gateway (the box's owner,
     * {@code patients.ava_mac_address}, or an {@code amy_devices} document whose {@code mac_gw} is the box).
     * Otherwise the reading belongs to the gateway's owner, as for a sub-device the registry does not know: a box's
     * token never writes into the record of a patient the box is not linked to, whatever address the payload names.
     */
    public Optional<Resolution> resolveForGateway(Reading reading) {
        DeviceIdentity gateway = reading.gateway();
        if (gateway == null || gateway.type() != IdType.BOX_MAC || reading.device().type() != IdType.BLE_MAC) {
            return resolve(reading);
        }
        return cache.get("gateway-bound|" + cacheKey(reading.family(), reading.device(), gateway, null),
                k -> MongoErrors.call("resolve patient", () -> lookUpWithinGateway(reading.device(), gateway)));
    }

    /** The patient of a device (and its gateway, and the kiosk's patient hint), by the legacy resolution order. */
    public Optional<Resolution> resolve(DeviceFamily family, DeviceIdentity device, DeviceIdentity gateway,
            PatientHint hint) {
        return cache.get(cacheKey(family, device, gateway, hint),
                k -> MongoErrors.call("resolve patient", () -> lookUp(device, gateway, hint)));
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
        Document fields = new Document("id_card", hint.citizenId())
                .append("registration_status", "unregistered")
                .append("is_active", true)
                .append("is_deleted", false)
                .append("created_at", created)
                .append("updated_at", created);
        if (hint.firstName() != null) {
            fields.append("first_name", hint.firstName());
        }
        if (hint.lastName() != null) {
            fields.append("last_name", hint.lastName());
        }
        if (hint.gender() != null) {
            fields.append("gender", legacyGender(hint.gender()));
        }
        if (hint.birthDate() != null) {
            fields.append("birth_date", Date.from(hint.birthDate().atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (reading.gateway() != null) {
            ObjectId hospital = kioskHospital(reading.gateway());
            if (hospital != null) {
                fields.append("new_hospital_ids", List.of(hospital));
            }
        }
        MongoErrors.call("register walk-in patient", () -> {
            try {
                return main.getCollection("patients").updateOne(Filters.eq("_id", id),
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
        Document box = MongoErrors.call("read kiosk", () -> main.getCollection("mfc_hv01_boxes")
                .find(Filters.regex("imei_of_hv01_box", re)).projection(Projections.include("hospital_id")).first());
        return box == null ? null : LegacyIds.objectId(box.get("hospital_id"));
    }

    /** Forget cached answers, e.g. before re-processing parked readings after a registry fix. */
    public void invalidate() {
        cache.invalidateAll();
    }

    /** The legacy patient document, or null. */
    public Document patient(ObjectId id) {
        return MongoErrors.call("read patient", () -> main.getCollection("patients").find(Filters.eq("_id", id))
                .first());
    }

    private Optional<Resolution> lookUp(DeviceIdentity device, DeviceIdentity gateway, PatientHint hint) {
        if (hint != null && hint.citizenId() != null) {
            return byCitizenId(hint.citizenId());
        }
        if (device.type() == IdType.IMEI) {
            return byWatch(device.id());
        }
        Optional<Resolution> r = device.type() == IdType.BLE_MAC ? bySubDevice(device.id()) : Optional.empty();
        if (r.isEmpty() && device.type() == IdType.BOX_MAC) {
            r = byGateway(device.id());
        }
        if (r.isEmpty() && gateway != null && gateway.type() == IdType.BOX_MAC) {
            r = byGateway(gateway.id());
        }
        return r;
    }

    private Optional<Resolution> lookUpWithinGateway(DeviceIdentity device, DeviceIdentity gateway) {
        Optional<Resolution> owner = byGateway(gateway.id());
        Optional<Resolution> bySubDevice = bySubDevice(device.id());
        if (bySubDevice.isPresent() && (owner.map(o -> o.patientId().equals(bySubDevice.get().patientId()))
                .orElse(false) || linkedToGateway(bySubDevice.get().patientId(), gateway.id()))) {
            return bySubDevice;
        }
        return owner.map(o -> new Resolution(o.patientId(), o.via() + " (sub-device not linked to the box)"));
    }

    /** Whether the registry links the patient to the box by another rule than the box's owner. */
    private boolean linkedToGateway(ObjectId patient, String mac) {
        Pattern re = Pattern.compile(Identifiers.macRegex(mac), Pattern.CASE_INSENSITIVE);
        for (Document d : main.getCollection("amy_devices").find(Filters.regex("mac_gw", re))
                .projection(Projections.include("patient_id")).limit(50)) {
            if (patient.equals(LegacyIds.objectId(d.get("patient_id")))) {
                return true;
            }
        }
        return main.getCollection("patients").find(Filters.and(Filters.eq("_id", patient),
                Filters.regex("ava_mac_address", re))).projection(Projections.include("_id")).first() != null;
    }

    private Optional<Resolution> bySubDevice(String mac) {
        Pattern re = Pattern.compile(Identifiers.macRegex(mac), Pattern.CASE_INSENSITIVE);
        Optional<Resolution> r = patientField(main.getCollection("amy_devices"), anyOf(AMY_DEVICE_FIELDS, re),
                "patient_id", "amy_devices");
        return r.isPresent() ? r : patientDocument(anyOf(PATIENT_DEVICE_FIELDS, re), "patients.device_mac");
    }

    private Optional<Resolution> byGateway(String mac) {
        Pattern re = Pattern.compile(Identifiers.macRegex(mac), Pattern.CASE_INSENSITIVE);
        Optional<Resolution> r = patientField(main.getCollection("amy_boxes"), Filters.regex("mac_address", re),
                "patient_id", "amy_boxes");
        return r.isPresent() ? r : patientDocument(Filters.regex("ava_mac_address", re), "patients.ava_mac_address");
    }

    private Optional<Resolution> byWatch(String imei) {
        Pattern re = Pattern.compile(Identifiers.imeiRegex(imei));
        Optional<Resolution> r = patientField(main.getCollection("watches"), Filters.regex("imei", re), "patient_id",
                "watches");
        return r.isPresent() ? r : patientDocument(Filters.regex("watch_mac_address", re),
                "patients.watch_mac_address");
    }

    private Optional<Resolution> byCitizenId(String citizenId) {
        Pattern re = Pattern.compile("^\\s*" + Pattern.quote(citizenId) + "\\s*$");
        return patientDocument(Filters.regex("id_card", re), "patients.id_card");
    }

    /** A registry document that points at a patient; the patient must exist and not be deleted. */
    private Optional<Resolution> patientField(MongoCollection<Document> registry, Bson filter, String field,
            String via) {
        for (Document d : registry.find(filter).projection(Projections.include(field)).limit(10)) {
            ObjectId id = LegacyIds.objectId(d.get(field));
            if (id != null && livePatient(id)) {
                return Optional.of(new Resolution(id, via));
            }
        }
        return Optional.empty();
    }

    private Optional<Resolution> patientDocument(Bson filter, String via) {
        Bson live = Filters.and(filter, Filters.ne("is_deleted", true));
        Document d = main.getCollection("patients").find(live).projection(Projections.include("_id")).first();
        return d == null ? Optional.empty() : Optional.of(new Resolution(d.getObjectId("_id"), via));
    }

    private boolean livePatient(ObjectId id) {
        // find, not countDocuments: a count is an aggregation, heavier than the one-document read it needs.
        return main.getCollection("patients").find(Filters.and(Filters.eq("_id", id),
                Filters.ne("is_deleted", true))).projection(Projections.include("_id")).first() != null;
    }

    private static Bson anyOf(List<String> fields, Pattern re) {
        List<Bson> ors = new ArrayList<>(fields.size());
        for (String f : fields) {
            ors.add(Filters.regex(f, re));
        }
        return Filters.or(ors);
    }
}
