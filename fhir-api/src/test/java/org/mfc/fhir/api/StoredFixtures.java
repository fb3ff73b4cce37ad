package org.mfc.fhir.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.fhir.DeviceMapper;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.MappedResource;
import org.mfc.fhir.core.fhir.ObservationMapper;
import org.mfc.fhir.core.legacy.PatientMapper;
import org.mfc.fhir.core.fhir.ProvenanceMapper;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.store.FhirStore;

import com.mongodb.client.MongoDatabase;

/**
 * Two patients' data written the way the pipeline writes it (the core's mappers, envelope and store): patient A has
 * 30 blood pressures an hour apart (each with its heart rate), 5 SpO2 and 3 glucose readings; patient B has 5 blood
 * pressures on another cuff. Idempotent: the store inserts if absent.
 */
public final class StoredFixtures {

    public static final String PATIENT_A = "65fa00000000000000000001";
    public static final String PATIENT_B = "65fb00000000000000000002";
    public static final DeviceIdentity BOX = new DeviceIdentity(IdType.BOX_MAC, "0AA000000001", "AVA4");
    public static final DeviceIdentity CUFF_A = new DeviceIdentity(IdType.BLE_MAC, "0BA000000001", "WBP BIOLIGHT");
    public static final DeviceIdentity OXIMETER_A = new DeviceIdentity(IdType.BLE_MAC, "0CA000000001",
            "Oximeter JUMPER");
    public static final DeviceIdentity GLUCOMETER_A = new DeviceIdentity(IdType.BLE_MAC, "0DA000000001", "CONTOUR");
    public static final DeviceIdentity CUFF_B = new DeviceIdentity(IdType.BLE_MAC, "0BB000000002", "WBP BIOLIGHT");
    /** The first blood pressure of A; the others follow an hour apart. */
    public static final Instant START = Instant.parse("2025-03-01T00:00:00Z");
    public static final int BP_A = 30;

    private StoredFixtures() {
    }

    public static void seed(MongoDatabase fhir) {
        FhirStore store = new FhirStore(fhir);
        store.ensureIndexes();
        List<Document> docs = new ArrayList<>();
        docs.add(patient(PATIENT_A, "1100000000016"));
        docs.add(patient(PATIENT_B, "1100000000024"));
        for (int i = 0; i < BP_A; i++) {
            docs.addAll(reading(MeasurementKind.BLOOD_PRESSURE, CUFF_A, PATIENT_A, START.plusSeconds(3600L * i),
                    Map.of("systolic", 120 + i % 10, "diastolic", 80, "pulse", 70), "a-bp-" + i));
        }
        for (int i = 0; i < 5; i++) {
            docs.addAll(reading(MeasurementKind.SPO2, OXIMETER_A, PATIENT_A, START.plusSeconds(1800 + 7200L * i),
                    Map.of("value", 97, "pulse", 75), "a-spo2-" + i));
        }
        for (int i = 0; i < 3; i++) {
            docs.addAll(reading(MeasurementKind.BLOOD_GLUCOSE, GLUCOMETER_A, PATIENT_A,
                    START.plusSeconds(900 + 86_400L * i), Map.of("value", 100 + i), "a-glucose-" + i));
        }
        for (int i = 0; i < 5; i++) {
            docs.addAll(reading(MeasurementKind.BLOOD_PRESSURE, CUFF_B, PATIENT_B, START.plusSeconds(3600L * i),
                    Map.of("systolic", 130, "diastolic", 85, "pulse", 72), "b-bp-" + i));
        }
        store.insertIfAbsent(FhirStore.byCollection(docs));
    }

    private static List<Document> reading(MeasurementKind kind, DeviceIdentity device, String patient, Instant at,
            Map<String, Integer> values, String ingestId) {
        Map<String, BigDecimal> v = new java.util.LinkedHashMap<>();
        values.forEach((k, n) -> v.put(k, BigDecimal.valueOf(n)));
        Reading r = new Reading(DeviceFamily.AVA4, kind, device, BOX, null, at, null, v, Map.of());
        Instant received = at.plusSeconds(5);
        List<MappedResource> observations = new ObservationMapper().map(r, patient, received);
        List<Document> out = new ArrayList<>();
        for (MappedResource m : observations) {
            out.add(FhirEnvelope.wrap(m, received, "fixtures", ingestId));
        }
        for (MappedResource m : new DeviceMapper().map(r)) {
            out.add(FhirEnvelope.wrap(m, received, "fixtures", ingestId));
        }
        out.add(FhirEnvelope.wrap(new ProvenanceMapper().map(ingestId + ":0", ingestId, "fixtures-client",
                List.of(device), patient, observations.stream().map(MappedResource::id).toList(), received),
                received, "fixtures", ingestId));
        return out;
    }

    private static Document patient(String id, String citizenId) {
        Document legacy = new Document("_id", new ObjectId(id)).append("id_card", citizenId)
                .append("first_name", "Fixture").append("last_name", "Patient").append("gender", "female")
                .append("birth_date", Date.from(Instant.parse("1970-01-01T00:00:00Z")));
        return FhirEnvelope.wrap(new PatientMapper().map(legacy), START, "fixtures", "fixtures");
    }
}
