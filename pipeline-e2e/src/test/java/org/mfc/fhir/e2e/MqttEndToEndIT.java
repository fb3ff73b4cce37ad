package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.NewTopic;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mfc.fhir.core.ids.DeterministicIds;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.infra.ChildProcess;
import org.mfc.fhir.infra.MqttInfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;

/**
 * Every family's sample published on its real MQTT topic by a real MQTT client, under the family's account of the
 * shipped access file, to the packaged broker; the packaged ingest API takes it from its shared subscription and the
 * packaged worker stores it. Asserts the R5 Observations and the legacy entries field by field, as the HTTP slice
 * ({@link Ava4BloodPressureEndToEndIT}) does, then publishes the same messages again and finds nothing doubled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MqttEndToEndIT {

    private static final String TOPIC = "fhir.readings.e2e-mqtt";
    private static final String GROUP = "fhir-parser-worker-e2e-mqtt";
    private static final String MAIN_DB = "AMY_E2E_MQTT";
    private static final String FHIR_DB = "MFC_FHIR_R5_E2E_MQTT";
    private static final String WATCH_IMEI = "865067123456789";
    private static final String CITIZEN_ID = "1234567890121";

    private static ChildProcess broker;
    private static PackagedPipeline pipeline;
    private static MongoDatabase fhir;
    private static MongoDatabase main;

    @BeforeAll
    static void startPipeline() throws Exception {
        broker = MqttInfra.brokerIn(Files.createTempDirectory("e2e-mqtt")).start();
        Map<String, String> mqtt = Map.of("MQTT_ENABLED", "true", "MQTT_HOST", "127.0.0.1",
                "MQTT_PORT", Integer.toString(MqttInfra.portOf(broker)),
                "MQTT_PASSWORD", MqttInfra.password(MqttInfra.INGEST), "MQTT_CLIENT_ID", "ingest-api-e2e",
                "MQTT_REJECTS_TOPIC", "fhir.mqtt.rejects.e2e");
        pipeline = PackagedPipeline.start(new PackagedPipeline.Settings(MAIN_DB, FHIR_DB, TOPIC, GROUP,
                List.of(new NewTopic(TOPIC, 3, (short) 1)), mqtt, db -> {
                    LegacyRegistry.seedBloodPressurePatient(db);
                    db.getCollection("watches").replaceOne(Filters.eq("imei", WATCH_IMEI), new Document("imei",
                            WATCH_IMEI).append("patient_id", LegacyRegistry.BP_PATIENT),
                            new ReplaceOptions().upsert(true));
                }));
        main = pipeline.main;
        fhir = pipeline.fhir;
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void givenEveryFamilyOnItsTopic_whenPublished_thenObservationsAndLegacyEntriesStoredFieldByField()
            throws Exception {
        publishSamples();

        await().atMost(Duration.ofSeconds(90)).until(() -> observations("ble-D616F9641622") == 2
                && observations("imei-" + WATCH_IMEI) == 4 && observations("ble-FF2209083131") == 2);
        // The worker appends the legacy entries after the FHIR writes and commits the batch after both.
        await().atMost(Duration.ofSeconds(60)).until(MqttEndToEndIT::workerCaughtUp);

        // AVA4 on dusun_pub: the blood-pressure cuff behind the box.
        String patient = LegacyRegistry.BP_PATIENT.toHexString();
        JsonNode bp = resource(observation("ble-D616F9641622", "85354-9"));
        assertThat(bp.at("/status").asText()).isEqualTo("final");
        assertThat(bp.at("/subject/reference").asText()).isEqualTo("Patient/" + patient);
        assertThat(bp.at("/effectiveDateTime").asText()).isEqualTo("2025-04-06T18:25:11Z");
        assertThat(bp.at("/component/0/code/coding/0/code").asText()).isEqualTo("8480-6");
        assertThat(bp.at("/component/0/valueQuantity/value").asInt()).isEqualTo(137);
        assertThat(bp.at("/component/0/valueQuantity/code").asText()).isEqualTo("mm[Hg]");
        assertThat(bp.at("/component/1/code/coding/0/code").asText()).isEqualTo("8462-4");
        assertThat(bp.at("/component/1/valueQuantity/value").asInt()).isEqualTo(95);
        assertThat(bp.at("/meta/profile").toString()).contains("http://hl7.org/fhir/StructureDefinition/bp");
        JsonNode pulse = resource(observation("ble-D616F9641622", "8867-4"));
        assertThat(pulse.at("/valueQuantity/value").asInt()).isEqualTo(74);
        assertThat(pulse.at("/valueQuantity/code").asText()).isEqualTo("/min");
        assertThat(resource(stored("fhir_devices", bp.at("/device/reference").asText()))
                .at("/gateway/0/reference/reference").asText()).isEqualTo("Device/box-08F9E0D1F7B4");
        Document cuffEntry = entry("blood_pressure_histories", LegacyRegistry.BP_PATIENT,
                observation("ble-D616F9641622", "85354-9").getString("_id"));
        assertThat(cuffEntry.getInteger("sys_data")).isEqualTo(137);
        assertThat(cuffEntry.getInteger("dia_data")).isEqualTo(95);
        assertThat(cuffEntry.getInteger("pr_data")).isEqualTo(74);
        assertThat(cuffEntry.getDate("blood_pressure_import_date")).isEqualTo(Date.from(Instant.ofEpochSecond(
                1743963911)));
        assertThat(cuffEntry.getInteger("blood_pressure_source")).isEqualTo(1);

        // Kati on iMEDE_watch/VitalSign: every vital of the spot measurement, each its own Observation.
        Instant watchTime = Instant.parse("2025-04-06T18:25:11Z");
        JsonNode hr = resource(observation("imei-" + WATCH_IMEI, "8867-4"));
        assertThat(hr.at("/valueQuantity/value").asInt()).isEqualTo(72);
        assertThat(hr.at("/effectiveDateTime").asText()).isEqualTo(watchTime.toString());
        assertThat(hr.at("/subject/reference").asText()).isEqualTo("Patient/" + patient);
        JsonNode watchBp = resource(observation("imei-" + WATCH_IMEI, "85354-9"));
        assertThat(watchBp.at("/component/0/valueQuantity/value").asInt()).isEqualTo(122);
        assertThat(watchBp.at("/component/1/valueQuantity/value").asInt()).isEqualTo(78);
        // A watch measures skin temperature at the wrist, not body temperature (issue 15).
        JsonNode temperature = resource(observation("imei-" + WATCH_IMEI, "39106-0"));
        assertThat(temperature.at("/valueQuantity/value").asDouble()).isEqualTo(36.6);
        assertThat(temperature.at("/valueQuantity/code").asText()).isEqualTo("Cel");
        JsonNode spo2 = resource(observation("imei-" + WATCH_IMEI, "2708-6"));
        assertThat(spo2.at("/valueQuantity/value").asInt()).isEqualTo(97);
        assertThat(spo2.at("/valueQuantity/code").asText()).isEqualTo("%");
        Document hrEntry = entry("heart_rate_histories", LegacyRegistry.BP_PATIENT,
                observation("imei-" + WATCH_IMEI, "8867-4").getString("_id"));
        assertThat(hrEntry.getInteger("heart_rate_data")).isEqualTo(72);
        assertThat(hrEntry.getInteger("heart_rate_source")).isEqualTo(2);
        assertThat(hrEntry.getDate("heart_rate_import_date")).isEqualTo(Date.from(watchTime));
        assertThat(entry("temprature_data_histories", LegacyRegistry.BP_PATIENT,
                observation("imei-" + WATCH_IMEI, "39106-0").getString("_id")).get("temprature_data", Number.class)
                .doubleValue()).isEqualTo(36.6);
        assertThat(entry("spo2_histories", LegacyRegistry.BP_PATIENT,
                observation("imei-" + WATCH_IMEI, "2708-6").getString("_id")).getInteger("spo2_data"))
                .isEqualTo(97);

        // Qube-Vital on CM4_BLE_GW_TX: a walk-in patient, created from the kiosk's demographics.
        ObjectId walkIn = DeterministicIds.walkInPatientId(CITIZEN_ID);
        Document walkInPatient = main.getCollection("patients").find(Filters.eq("_id", walkIn)).first();
        assertThat(walkInPatient).isNotNull();
        assertThat(walkInPatient.getString("id_card")).isEqualTo(CITIZEN_ID);
        assertThat(walkInPatient.getString("registration_status")).isEqualTo("unregistered");
        JsonNode kioskBp = resource(observation("ble-FF2209083131", "85354-9"));
        assertThat(kioskBp.at("/subject/reference").asText()).isEqualTo("Patient/" + walkIn.toHexString());
        assertThat(kioskBp.at("/effectiveDateTime").asText()).isEqualTo("2025-04-06T18:25:11Z");
        assertThat(kioskBp.at("/component/0/valueQuantity/value").asInt()).isEqualTo(120);
        assertThat(kioskBp.at("/component/1/valueQuantity/value").asInt()).isEqualTo(78);
        assertThat(resource(observation("ble-FF2209083131", "8867-4")).at("/valueQuantity/value").asInt())
                .isEqualTo(71);
        Document kioskEntry = entry("blood_pressure_histories", walkIn,
                observation("ble-FF2209083131", "85354-9").getString("_id"));
        assertThat(kioskEntry.getInteger("sys_data")).isEqualTo(120);
        assertThat(kioskEntry.getInteger("dia_data")).isEqualTo(78);
        assertThat(kioskEntry.getInteger("pr_data")).isEqualTo(71);
        assertThat(kioskEntry.getInteger("blood_pressure_source")).isEqualTo(1);

        // Provenance names the broker account the message came from, as it names the token's client over HTTP.
        assertThat(fhir.getCollection("fhir_provenance").find().into(new ArrayList<>()).stream()
                .map(d -> d.get("resource_data", Document.class).toJson()).collect(Collectors.joining()))
                .contains("mqtt:ava4", "mqtt:kati", "mqtt:qube-vital");
    }

    @Test
    @Order(2)
    void givenSameMessagesPublishedAgain_whenProcessed_thenNothingDoubled() throws Exception {
        List<Document> before = snapshot();
        long entriesBefore = legacyEntries();

        publishSamples();

        // The second copies are through once the ingest API counted them and the worker caught up.
        await().atMost(Duration.ofSeconds(60)).until(() -> queuedByIngest() >= 6 && workerCaughtUp());
        assertThat(snapshot()).isEqualTo(before);
        assertThat(legacyEntries()).isEqualTo(entriesBefore);
    }

    private static void publishSamples() {
        publish(MqttInfra.AVA4, "dusun_pub", Fixtures.text("ava4/bp_biolight.json"));
        publish(MqttInfra.KATI, "iMEDE_watch/VitalSign", Fixtures.text("kati/vitalsign_full.json"));
        publish(MqttInfra.QUBE_VITAL, "CM4_BLE_GW_TX", Fixtures.text("qube-vital/bp_wbp_jumper.json"));
    }

    private static void publish(String account, String topic, String payload) {
        Mqtt5BlockingClient device = MqttClient.builder().useMqttVersion5().identifier("e2e-" + account)
                .serverHost("127.0.0.1").serverPort(MqttInfra.portOf(broker)).simpleAuth().username(account)
                .password(MqttInfra.password(account).getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
        device.connect();
        try {
            device.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
        } finally {
            device.disconnect();
        }
    }

    private static long queuedByIngest() throws Exception {
        String admin = org.mfc.fhir.core.testing.TestJwt.shared().token("e2e-operator", "admin", null);
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(pipeline.ingest.baseUrl() + "/admin/mqtt/stats"))
                .header("Authorization", "Bearer " + admin).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body()).path("queued").asLong();
    }

    private static boolean workerCaughtUp() {
        try (var admin = pipeline.admin()) {
            return org.mfc.fhir.bench.ConsumerLag.of(admin, TOPIC, GROUP) == 0;
        }
    }

    private static long observations(String device) {
        return fhir.getCollection("fhir_observations").countDocuments(Filters.eq("device_id", device));
    }

    private static Document observation(String device, String code) {
        Document d = fhir.getCollection("fhir_observations").find(Filters.and(Filters.eq("device_id", device),
                Filters.eq("code", code))).first();
        assertThat(d).as(device + " " + code).isNotNull();
        return d;
    }

    /** The legacy entry carrying {@code observationId} in {@code patient}'s bucket of {@code collection}. */
    private static Document entry(String collection, ObjectId patient, String observationId) {
        Document bucket = main.getCollection(collection).find(Filters.eq("patient_id", patient)).first();
        assertThat(bucket).as(collection).isNotNull();
        List<Document> entries = bucket.getList("data", Document.class).stream()
                .filter(e -> observationId.equals(e.getString("fhir_observation_id"))).toList();
        assertThat(entries).as(collection + " entries of " + observationId).hasSize(1);
        return entries.get(0);
    }

    private static long legacyEntries() {
        long n = 0;
        for (String c : List.of("blood_pressure_histories", "heart_rate_histories", "temprature_data_histories",
                "spo2_histories")) {
            for (Document bucket : main.getCollection(c).find()) {
                n += bucket.getList("data", Document.class).size();
            }
        }
        return n;
    }

    private static List<Document> snapshot() {
        return List.of("fhir_observations", "fhir_devices", "fhir_patients").stream()
                .flatMap(c -> fhir.getCollection(c).find().sort(new Document("_id", 1))
                        .into(new ArrayList<>()).stream())
                .collect(Collectors.toList());
    }

    private static Document stored(String collection, String reference) {
        return fhir.getCollection(collection).find(Filters.eq("_id", reference.substring(reference.indexOf('/') + 1)))
                .first();
    }

    private static JsonNode resource(Document envelope) throws Exception {
        return Json.mapper().readTree(envelope.get("resource_data", Document.class).toJson());
    }
}
