package org.mfc.fhir.migrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.testing.Fixtures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoDatabase;

/**
 * Writes {@code src/test/resources/v1-database/}: a legacy and a FHIR database as the pipeline and the migrator of
 * mapping version 1 left them (live readings through the worker's processor, old-system history through
 * {@code convert}), and the ingest records of the live readings, for the re-derive test. Run only on purpose:
 * {@code ./mvnw -pl fhir-migrator -am test -Dtest=V1FixtureGenerator -Dv1fixture.generate=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. It reproduces version 1 only on a checkout of that version.
 */
class V1FixtureGenerator {

    static final String MAIN = "AMY";
    static final String FHIR = "MFC_FHIR_R5";
    static final ObjectId PATIENT = new ObjectId("66c000000000000000000001");
    static final ObjectId HOSPITAL = new ObjectId("66c0000000000000000000a1");
    static final Instant RECEIVED = Instant.parse("2025-04-06T19:00:30Z");
    static final Path OUT = Path.of("src/test/resources/v1-database");

    @Test
    @EnabledIfSystemProperty(named = "v1fixture.generate", matches = "true")
    void generate(@TempDir Path reports) throws IOException {
        try (MigrationDatabases dbs = new MigrationDatabases()) {
            MongoDatabase main = dbs.db(MAIN);
            registry(main);
            Clock clock = Clock.fixed(Instant.parse("2025-04-07T01:00:00Z"), ZoneOffset.UTC);
            Pipeline pipeline = new Pipeline(dbs.client, new Pipeline.Settings(MAIN, FHIR, true,
                    Duration.ofMinutes(1), "fhir-parser-worker"), clock);
            pipeline.start();
            List<IngestRecord> records = records();
            for (IngestRecord r : records) {
                System.out.println(r.ingestId() + " " + pipeline.processor().process(List.of(r)).outcomes());
            }
            history(main);
            Clock migration = Clock.fixed(Instant.parse("2025-05-01T00:00:00Z"), ZoneOffset.UTC);
            MigrationSettings settings = MigrationDatabases.settings(MAIN, FHIR, reports, 100);
            new ConvertJob(dbs.client, settings, migration).run(false).printSummary(System.out);
            new VerifyJob(dbs.client, settings, migration).run(1).printSummary(System.out);

            Files.createDirectories(OUT);
            write(dbs, MAIN, OUT.resolve("AMY.json"));
            write(dbs, FHIR, OUT.resolve("MFC_FHIR_R5.json"));
            List<String> lines = new ArrayList<>();
            for (IngestRecord r : records) {
                lines.add(Json.mapper().writeValueAsString(r));
            }
            Files.write(OUT.resolve("records.jsonl"), lines);
        }
    }

    private static void write(MigrationDatabases dbs, String db, Path file) throws IOException {
        Document all = new Document();
        dbs.snapshot(db).forEach((collection, docs) -> all.append(collection, docs));
        Files.writeString(file, all.toJson(JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).indent(true)
                .build()) + "\n");
    }

    private static void registry(MongoDatabase main) {
        main.getCollection("hospitals").insertOne(new Document("_id", HOSPITAL).append("code", "H00001")
                .append("name", List.of(new Document("code", "en").append("name", "Synthetic Hospital"))));
        main.getCollection("patients").insertOne(new Document("_id", PATIENT).append("first_name", "Fixture")
                .append("last_name", "Person-One").append("gender", "female").append("id_card", "1100000000008")
                .append("hn_id_no", "HN-0001").append("birth_date", Date.from(Instant.parse("1960-01-31T17:00:00Z")))
                .append("new_hospital_ids", List.of(HOSPITAL)).append("is_active", true).append("is_deleted", false));
        main.getCollection("amy_boxes").insertOne(new Document("_id", new ObjectId("66c0000000000000000000b1"))
                .append("mac_address", "08:F9:E0:D1:F7:B4").append("patient_id", PATIENT));
        main.getCollection("amy_devices").insertOne(new Document("_id", new ObjectId("66c0000000000000000000d1"))
                .append("patient_id", PATIENT).append("mac_gw", "08:F9:E0:D1:F7:B4")
                .append("mac_bps", "D6:16:F9:64:16:22").append("mac_oxymeter", "C0:A1:B2:C3:D4:E5")
                .append("mac_ua", "C0:A1:B2:C3:D4:E9").append("mac_chol", "C0:A1:B2:C3:D4:E8"));
        main.getCollection("watches").insertOne(new Document("_id", new ObjectId("66c0000000000000000000c1"))
                .append("imei", "865067123456789").append("patient_id", PATIENT));
    }

    private static IngestRecord record(String id, DeviceFamily family, String topic, String key, Instant received,
            JsonNode payload) {
        return new IngestRecord(id, 0, family, topic, key, "fixture-client", received.toString(), payload);
    }

    private static ObjectNode ava4(String attribute, long time, String item) {
        try {
            return (ObjectNode) Json.mapper().readTree("{\"from\":\"BLE\",\"to\":\"CLOUD\",\"time\":" + time
                    + ",\"mac\":\"08:F9:E0:D1:F7:B4\",\"type\":\"reportAttribute\",\"data\":{\"attribute\":\""
                    + attribute + "\",\"mac\":\"08:F9:E0:D1:F7:B4\",\"value\":{\"device_list\":[" + item + "]}}}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The live readings: one message of each shape the mapping of version 1 got wrong, and some it got right. */
    static List<IngestRecord> records() {
        String box = "box-08F9E0D1F7B4";
        String watch = "imei-865067123456789";
        long t = 1743963911L;
        List<IngestRecord> out = new ArrayList<>();
        out.add(record("v1-bp", DeviceFamily.AVA4, null, box, RECEIVED, Fixtures.json("ava4/bp_biolight.json")));
        out.add(record("v1-spo2", DeviceFamily.AVA4, null, box, RECEIVED, ava4("Oximeter JUMPER", t,
                "{\"scan_time\":" + t + ",\"ble_addr\":\"c0a1b2c3d4e5\",\"spo2\":96,\"pulse\":81,\"pi\":5.2}")));
        out.add(record("v1-uric", DeviceFamily.AVA4, null, box, RECEIVED, ava4("MGSS_REF_UA", t,
                "{\"scan_time\":" + t + ",\"ble_addr\":\"c0a1b2c3d4e9\",\"uric_acid\":\"517.5\"}")));
        out.add(record("v1-chol", DeviceFamily.AVA4, null, box, RECEIVED, ava4("MGSS_REF_CHOL", t,
                "{\"scan_time\":" + t + ",\"ble_addr\":\"c0a1b2c3d4e8\",\"cholesterol\":\"4.3\"}")));
        out.add(record("v1-object-temp", DeviceFamily.AVA4, null, box, RECEIVED, ava4("IR_TEMO_JUMPER", t,
                "{\"scan_time\":" + t + ",\"ble_addr\":\"c0a1b2c3d4e6\",\"temp\":25.5,\"mode\":\"Object\"}")));
        out.add(record("v1-vitalsign", DeviceFamily.KATI, "VitalSign", watch, RECEIVED,
                Fixtures.json("kati/vitalsign_full.json")));
        out.add(record("v1-ap55", DeviceFamily.KATI, "AP55", watch, RECEIVED, Fixtures.json("kati/ap55_batch.json")));
        out.add(record("v1-ap55-same-second", DeviceFamily.KATI, "AP55", watch, RECEIVED, json(
                "{\"IMEI\":\"865067123456789\",\"num_datas\":1,\"data\":[{\"timestamp\":" + t
                        + ",\"heartRate\":75}],\"timeStamps\":\"06/04/2025 19:00:05\"}")));
        out.add(record("v1-clock-ahead", DeviceFamily.KATI, "VitalSign", watch, Instant.parse("2025-04-06T18:25:40Z"),
                json("{\"IMEI\":\"865067123456789\",\"heartRate\":66,\"timeStamps\":\"07/04/2025 01:25:11\"}")));
        out.add(record("v1-weight", DeviceFamily.GENERIC, "AVA4", box, RECEIVED, json(
                "{\"timestamp\":\"2025-04-06T18:25:11Z\",\"device_id\":\"08:F9:E0:D1:F7:B4\",\"type\":\"WEIGHT\","
                        + "\"data\":{\"weight\":65.4,\"height\":170,\"bmi\":22.6}}")));
        out.add(record("v1-steps", DeviceFamily.KATI, "hb", watch, RECEIVED, Fixtures.json("kati/hb_steps.json")));
        out.add(record("v1-sleep", DeviceFamily.KATI, "sleepdata", watch, Instant.parse("2025-04-07T00:10:30Z"),
                Fixtures.json("kati/sleepdata_night.json")));
        return out;
    }

    /** Old-system history entries (no Observation id): what {@code convert} of version 1 converted. */
    private static void history(MongoDatabase main) {
        Date t = Date.from(Instant.parse("2025-03-04T05:06:07Z"));
        Date t2 = Date.from(Instant.parse("2025-03-05T05:06:07Z"));
        append(main, "creatinine_histories", new Document("cretinines", 1.1).append("uric", 6.5).append("bun", 14)
                .append("cretinines_import_date", t).append("cretinines_source", 0));
        append(main, "lipid_histories", new Document("lipids", 190).append("ldl_lipids", 110).append("hdl_lipids", 45)
                .append("tri_lipids", 150).append("lipids_import_date", t).append("lipids_source", 0));
        append(main, "spo2_histories", new Document("spo2_data", 97).append("spo2_pr_data", 66)
                .append("spo2_pi_data", 2.5).append("spo2_import_date", t).append("spo2_source", 1));
        append(main, "body_data_histories", new Document("weight", 61.5).append("height", 170).append("waist", 32)
                .append("body_data_import_date", t).append("body_data_source", 1));
        append(main, "temprature_data_histories", new Document("temprature_data", 36.6)
                .append("temprature_import_date", t).append("temprature_source", 1));
        append(main, "blood_sugar_histories", new Document("dtx_type", 2).append("fasting_dtx", "96")
                .append("blood_sugar_marker", "Fasting").append("blood_sugar_import_date", t)
                .append("blood_sugar_source", 1));
        // Several counts of one day in one monthly bucket (normal: the watch reports through the day).
        main.getCollection("step_histories").insertOne(new Document("_id", new ObjectId("66c0000000000000000000e1"))
                .append("patient_id", PATIENT).append("date_tag", "03-2025").append("data", List.of(
                        new Document("step", 1000).append("date_tag", "04032025").append("step_import_date", t)
                                .append("step_source", 2),
                        new Document("step", 5000).append("date_tag", "04032025").append("step_import_date", t)
                                .append("step_source", 2),
                        new Document("step", 3000).append("date_tag", "04032025").append("step_import_date", t)
                                .append("step_source", 2),
                        new Document("step", 2000).append("date_tag", "05032025").append("step_import_date", t2)
                                .append("step_source", 2))));
        // Earlier, lower counts of the day the live pipeline stored (a day both the old system and the watch saw).
        Date liveDay = Date.from(Instant.parse("2025-04-06T12:00:00Z"));
        for (int count : new int[] {3000, 1200}) {
            main.getCollection("step_histories").updateOne(new Document("patient_id", PATIENT).append("date_tag",
                    "04-2025"), new Document("$push", new Document("data", new Document("step", count)
                            .append("date_tag", "07042025").append("step_import_date", liveDay)
                            .append("step_source", 2))));
        }
        main.getCollection("sleep_data_histories").insertOne(new Document("_id",
                new ObjectId("66c0000000000000000000e2")).append("patient_id", PATIENT).append("date_tag", "03-2025")
                .append("data", List.of(new Document("sleep_data", "0112220").append("sleep_num", 7)
                        .append("sleep_time", "2200@0600").append("sleep_timestamp", "04/03/2025 06:30:00")
                        .append("sleep_data_import_date", t).append("sleep_data_source", 2))));
    }

    /** Appends to the patient's bucket (creating it): the live pipeline may have created it already. */
    private static void append(MongoDatabase main, String collection, Document entry) {
        main.getCollection(collection).updateOne(new Document("patient_id", PATIENT),
                new Document("$push", new Document("data", entry)),
                new com.mongodb.client.model.UpdateOptions().upsert(true));
    }
}
