package org.mfc.fhir.migrator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.legacy.PatientDevices;
import org.mfc.fhir.core.legacy.LegacyIds;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * Registry answers the history conversion needs per bucket: does the patient exist, and which devices does the
 * registry attribute to them. {@code amy_devices} and {@code watches} are indexed by patient once per run (their
 * size follows the number of patients, not of readings, and their {@code patient_id} comes in four shapes that a
 * query cannot match at once); patients are looked up by {@code _id} with a bounded cache.
 */
final class RegistryCache {

    private static final int PATIENT_CACHE = 20_000;

    private final MongoDatabase main;
    private final Map<String, Document> amyDevices = new HashMap<>();
    private final Map<String, List<Document>> watches = new HashMap<>();
    private final Map<ObjectId, Optional<PatientDevices>> patients = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectId, Optional<PatientDevices>> eldest) {
            return size() > PATIENT_CACHE;
        }
    };
    private final List<String> patientFields = new ArrayList<>();

    RegistryCache(MongoDatabase main) {
        this.main = main;
        for (Document d : main.getCollection(LegacyNames.AMY_DEVICES).find()) {
            ObjectId owner = LegacyIds.objectId(d.get("patient_id"));
            if (owner != null) {
                amyDevices.putIfAbsent(owner.toHexString(), d);
            }
        }
        for (Document w : main.getCollection(LegacyNames.WATCHES).find()) {
            ObjectId owner = LegacyIds.objectId(w.get("patient_id"));
            if (owner != null) {
                watches.computeIfAbsent(owner.toHexString(), k -> new ArrayList<>()).add(w);
            }
        }
        patientFields.add("_id");
        patientFields.add("ava_mac_address");
        for (DeviceSlot s : DeviceSlot.values()) {
            if (s.patientField != null) {
                patientFields.add(s.patientField);
            }
        }
    }

    LegacyEntryReader.Bucket bucket(String collection, Document bucket) {
        ObjectId patient = LegacyIds.objectId(bucket.get("patient_id"));
        String bucketId = bucket.get("_id") instanceof ObjectId oid ? oid.toHexString()
                : String.valueOf(bucket.get("_id"));
        if (patient == null) {
            return new LegacyEntryReader.Bucket(collection, bucketId, null, false, PatientDevices.NONE);
        }
        Optional<PatientDevices> devices = patients.computeIfAbsent(patient, this::load);
        return new LegacyEntryReader.Bucket(collection, bucketId, patient, devices.isPresent(),
                devices.orElse(PatientDevices.NONE));
    }

    private Optional<PatientDevices> load(ObjectId id) {
        Document patient = main.getCollection(LegacyNames.PATIENTS).find(Filters.eq("_id", id))
                .projection(Projections.include(patientFields)).first();
        if (patient == null) {
            return Optional.empty();
        }
        String hex = id.toHexString();
        return Optional.of(PatientDevices.of(amyDevices.get(hex), patient, watches.getOrDefault(hex, List.of())));
    }
}
