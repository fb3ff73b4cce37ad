package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;

import com.mongodb.client.MongoDatabase;

/**
 * One hand-written legacy entry per history collection, converted, and the resulting Observations checked field by
 * field: id (deterministic, from the registered device or the documented placeholder), code, value, unit, device,
 * subject, effective time.
 */
class ConvertGoldenTest {

    private static final String MAIN = "AMY_GOLDEN";
    private static final String FHIR = "FHIR_GOLDEN";
    private static final ObjectId PATIENT = new ObjectId("66a000000000000000000001");
    private static final String PID = PATIENT.toHexString();
    private static final Instant T = Instant.parse("2025-03-04T05:06:07Z");
    private static final String CUFF = "A1B2C3D4E5F6";
    private static final String OXIMETER = "0A0B0C0D0E0F";
    private static final String IMEI = "356000000000001";

    private static MigrationDatabases dbs;
    private static RunReport report;

    @BeforeAll
    static void convert(@TempDir Path reports) {
        dbs = new MigrationDatabases();
        MongoDatabase main = dbs.db(MAIN);
        main.getCollection("patients").insertOne(new Document("_id", PATIENT).append("first_name", "Golden")
                .append("last_name", "Synthetic").append("gender", "male").append("id_card", "9000000000004"));
        // Registry noise: lower case with separators, surrounding spaces, an IMEI with a leading ':'.
        main.getCollection("amy_devices").insertOne(new Document("patient_id", PID)
                .append("mac_gw", " 11:22:33:44:55:66 ").append("mac_bps", "a1-b2-c3-d4-e5-f6")
                .append("mac_oxymeter", " 0a0b0c0d0e0f").append("mac_watch", ":" + IMEI));
        main.getCollection("hospitals").insertOne(new Document("_id", new ObjectId("66b000000000000000000001"))
                .append("name", List.of(new Document("code", "th").append("name", "โรงพยาบาลทดสอบ")))
                .append("en_name", "Fallback Name"));
        Date at = Date.from(T);
        bucket(main, "blood_pressure_histories", new Document("sys_data", "128").append("dia_data", 84)
                .append("pr_data", 71.0).append("blood_pressure_import_date", at).append("blood_pressure_source", 1));
        bucket(main, "spo2_histories", new Document("spo2_data", 97).append("spo2_pr_data", "66")
                .append("spo2_pi_data", 2.5).append("spo2_resp_data", 16).append("spo2_import_date", at));
        bucket(main, "temprature_data_histories", new Document("temprature_data", "36.6")
                .append("temprature_import_date", at));
        bucket(main, "body_data_histories", new Document("weight", 61.5).append("height", 170).append("bmi", null)
                .append("waist", 32).append("body_data_import_date", at));
        bucket(main, "blood_sugar_histories", new Document("blood_sugar_marker", "None").append("no_marker_dtx", "110")
                .append("pre_meal_dtx", null).append("blood_sugar_import_date", at));
        bucket(main, "creatinine_histories", new Document("cretinines", 1.1).append("uric", 350).append("bun", 14)
                .append("cretinines_import_date", at));
        bucket(main, "lipid_histories", new Document("lipids", 190).append("ldl_lipids", 110)
                .append("hdl_lipids", 45).append("tri_lipids", 150).append("lipids_import_date", at)
                .append("lipids_source", 0));
        bucket(main, "heart_rate_histories", new Document("heart_rate_data", 77).append("heart_rate_import_date", at));
        bucket(main, "step_histories", new Document("step", 8123).append("date_tag", "04032025")
                .append("step_import_date", at));
        bucket(main, "sleep_data_histories", new Document("sleep_data", "0112220").append("sleep_num", 7)
                .append("sleep_time", "2200@0600").append("sleep_timestamp", "04/03/2025 06:30:00"));
        report = new ConvertJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100),
                Clock.systemUTC()).run(false);
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    private static void bucket(MongoDatabase main, String collection, Document entry) {
        main.getCollection(collection).insertOne(new Document("patient_id", PATIENT).append("data", List.of(entry)));
    }

    private static Document observation(String deviceKey, MeasurementKind kind, Instant time) {
        List<Document> docs = dbs.db(FHIR).getCollection("fhir_observations").find(new Document("patient_id", PID)
                .append("device_id", deviceKey).append("code", kind.code).append("effective_datetime",
                        java.util.Date.from(time))).into(new ArrayList<>());
        assertThat(docs).as("Observation %s %s %s", deviceKey, kind, time).hasSize(1);
        Document doc = docs.get(0);
        Document r = doc.get("resource_data", Document.class);
        assertThat(r.get("subject", Document.class).getString("reference")).isEqualTo("Patient/" + PID);
        assertThat(r.get("device", Document.class).getString("reference")).isEqualTo("Device/" + deviceKey);
        assertThat(codes(r.get("code", Document.class))).contains(kind.code);
        assertThat(doc.getString("source_system")).isEqualTo("fhir-migrator");
        // The identity of the fact: device, patient, code, time and (but for period facts) the value.
        String identity = r.getList("identifier", Document.class).get(0).getString("value");
        assertThat(identity).startsWith(deviceKey + "|" + PID + "|" + kind.code + "|" + time.getEpochSecond());
        assertThat(doc.getString("_id")).isEqualTo(DeterministicIds.observationId(identity));
        // When the legacy application received the reading is not known: no invented issued.
        assertThat(r).doesNotContainKey("issued");
        return r;
    }

    private static List<String> codes(Document concept) {
        List<String> out = new ArrayList<>();
        concept.getList("coding", Document.class).forEach(c -> out.add(c.getString("code")));
        return out;
    }

    private static BigDecimal value(Document quantityHolder, String unit) {
        Document q = quantityHolder.get("valueQuantity", Document.class);
        assertThat(q.getString("code")).isEqualTo(unit);
        return new BigDecimal(q.get("value").toString());
    }

    private static BigDecimal component(Document r, String loinc) {
        for (Document c : r.getList("component", Document.class)) {
            if (codes(c.get("code", Document.class)).contains(loinc)) {
                return new BigDecimal(c.get("valueQuantity", Document.class).get("value").toString());
            }
        }
        throw new AssertionError("no component " + loinc);
    }

    @Test
    void givenBloodPressureEntry_whenConverted_thenPanelAndPulseFromTheRegisteredCuff() {
        Document bp = observation("ble-" + CUFF, MeasurementKind.BLOOD_PRESSURE, T);
        assertThat(component(bp, "8480-6")).isEqualByComparingTo("128");
        assertThat(component(bp, "8462-4")).isEqualByComparingTo("84");
        assertThat(bp.getString("effectiveDateTime")).isEqualTo("2025-03-04T05:06:07Z");
        assertThat(value(observation("ble-" + CUFF, MeasurementKind.HEART_RATE, T), "/min"))
                .isEqualByComparingTo("71");
        Document cuff = dbs.db(FHIR).getCollection("fhir_devices").find(new Document("_id", "ble-" + CUFF)).first();
        assertThat(cuff.get("resource_data", Document.class).getList("gateway", Document.class)).isNotEmpty();
    }

    @Test
    void givenSpo2Entry_whenConverted_thenSaturationWithPerfusionIndexPulseAndRespiratoryRate() {
        Document spo2 = observation("ble-" + OXIMETER, MeasurementKind.SPO2, T);
        assertThat(value(spo2, "%")).isEqualByComparingTo("97");
        assertThat(component(spo2, "61006-3")).isEqualByComparingTo("2.5");
        assertThat(codes(spo2.get("code", Document.class))).contains("59408-5");
        assertThat(value(observation("ble-" + OXIMETER, MeasurementKind.HEART_RATE, T), "/min"))
                .isEqualByComparingTo("66");
        assertThat(value(observation("ble-" + OXIMETER, MeasurementKind.RESPIRATORY_RATE, T), "/min"))
                .isEqualByComparingTo("16");
    }

    @Test
    void givenKindsWithoutRegisteredDevice_whenConverted_thenThePerPatientPlaceholderDevice() {
        assertThat(value(observation("legacy-thermometer-" + PID, MeasurementKind.BODY_TEMPERATURE, T), "Cel"))
                .isEqualByComparingTo("36.6");
        assertThat(value(observation("legacy-scale-" + PID, MeasurementKind.BODY_WEIGHT, T), "kg"))
                .isEqualByComparingTo("61.5");
        assertThat(value(observation("legacy-scale-" + PID, MeasurementKind.BODY_HEIGHT, T), "cm"))
                .isEqualByComparingTo("170");
        assertThat(dbs.db(FHIR).getCollection("fhir_observations")
                .countDocuments(new Document("code", MeasurementKind.BMI.code))).isZero();
        assertThat(value(observation("legacy-glucometer-" + PID, MeasurementKind.BLOOD_GLUCOSE, T), "mg/dL"))
                .isEqualByComparingTo("110");
        assertThat(value(observation("legacy-lab-" + PID, MeasurementKind.CREATININE, T), "mg/dL"))
                .isEqualByComparingTo("1.1");
        // 350 can only be umol/L (a meter's value written into the mg/dL field): read as such, and said so.
        Document uric = observation("legacy-uric-meter-" + PID, MeasurementKind.URIC_ACID, T);
        assertThat(value(uric, "umol/L")).isEqualByComparingTo("350");
        assertThat(uric.get("meta", Document.class).toJson()).contains("unit-by-magnitude");
        assertThat(value(observation("legacy-lab-" + PID, MeasurementKind.BUN, T), "mg/dL"))
                .isEqualByComparingTo("14");
        assertThat(value(observation("legacy-manual-" + PID, MeasurementKind.WAIST_INCHES, T), "[in_i]"))
                .isEqualByComparingTo("32");
        Document placeholder = dbs.db(FHIR).getCollection("fhir_devices")
                .find(new Document("_id", "legacy-scale-" + PID)).first();
        assertThat(placeholder).isNotNull();
    }

    @Test
    void givenManualLipidEntry_whenConverted_thenFourLabObservationsOnTheManualPlaceholder() {
        String manual = "legacy-manual-" + PID;
        assertThat(value(observation(manual, MeasurementKind.LIPID_TOTAL, T), "mg/dL")).isEqualByComparingTo("190");
        assertThat(value(observation(manual, MeasurementKind.LIPID_LDL, T), "mg/dL")).isEqualByComparingTo("110");
        assertThat(value(observation(manual, MeasurementKind.LIPID_HDL, T), "mg/dL")).isEqualByComparingTo("45");
        assertThat(value(observation(manual, MeasurementKind.TRIGLYCERIDES, T), "mg/dL")).isEqualByComparingTo("150");
    }

    @Test
    void givenWatchKinds_whenConverted_thenHeartRateStepsDayAndSleepNightOnTheWatch() {
        String watch = new DeviceIdentity(IdType.IMEI, IMEI, null).key();
        assertThat(value(observation(watch, MeasurementKind.HEART_RATE, T), "/min")).isEqualByComparingTo("77");
        Instant day = Instant.parse("2025-03-03T17:00:00Z");
        Document steps = observation(watch, MeasurementKind.STEPS, day);
        assertThat(value(steps, "/d")).isEqualByComparingTo("8123");
        assertThat(steps.get("effectivePeriod", Document.class).getString("end")).isEqualTo("2025-03-04T17:00:00Z");
        Instant night = Instant.parse("2025-03-03T15:00:00Z");
        Document sleep = observation(watch, MeasurementKind.SLEEP, night);
        assertThat(value(sleep, "min")).isEqualByComparingTo("25");
        assertThat(component(sleep, "93831-6")).isEqualByComparingTo("15");
        assertThat(component(sleep, "93830-8")).isEqualByComparingTo("10");
    }

    @Test
    void givenRegistry_whenConverted_thenPatientOrganizationAndNormalisedDevices() {
        MongoDatabase fhir = dbs.db(FHIR);
        assertThat(fhir.getCollection("fhir_patients").countDocuments(new Document("_id", PID))).isOne();
        Document org = fhir.getCollection("fhir_organizations")
                .find(new Document("_id", "66b000000000000000000001")).first();
        assertThat(org.get("resource_data", Document.class).getString("name")).isEqualTo("โรงพยาบาลทดสอบ");
        for (String id : List.of("box-112233445566", "ble-" + CUFF, "ble-" + OXIMETER, "imei-" + IMEI)) {
            assertThat(fhir.getCollection("fhir_devices").countDocuments(new Document("_id", id))).as(id).isOne();
        }
        assertThat(report.total().rejectCount()).isZero();
        assertThat(report.total().entries).isEqualTo(10);
    }
}
