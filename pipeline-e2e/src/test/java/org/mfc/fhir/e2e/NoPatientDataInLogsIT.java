package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.DeviceFamily;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.bench.ConsumerLag;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

/**
 * README, "fhir-parser-worker": no log line carries patient values, names or citizen ids. Readings of every family
 * with planted values that cannot collide with timestamps, ports or offsets go through the PACKAGED services along
 * every path (stored, parked for an unknown device, dead-lettered as impossible, refused by the API); then both
 * services' logs are searched for every planted value and identifier.
 */
class NoPatientDataInLogsIT {

    private static final String TOPIC = "fhir.readings.e2e-logs";
    private static final String DLQ = "fhir.readings.e2e-logs.dlq";
    private static final String GROUP = "fhir-parser-worker-e2e-logs";
    private static final String MAIN_DB = "AMY_E2E_LOGS";
    private static final String FHIR_DB = "MFC_FHIR_R5_E2E_LOGS";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Values and identifiers planted in the requests below; none may reach a log. */
    private static final List<String> PLANTED = List.of(
            "173.29", "104.83", "97.31",                  // stored AVA4 blood pressure
            "987.65",                                     // impossible systolic: refused, and dead-lettered
            "253.17", "0A:1B:2C:3D:4E:5F", "a1b2c3d4e5f6", // glucose from an unknown box: parked
            "865067246813579", "131.73", "91.73", "38.917", "161.37", "99.73", // unknown watch: parked
            "13.98761", "100.12347",                      // SOS position
            "97531",                                      // generic steps
            "3987654321097", "Zyxwv", "Qvbnm", "25190229", "83.417", // Qube-Vital walk-in (unknown kiosk)
            "3987654321101", "183.77", "Ywxzv");           // refused by the API
    /** The normalised forms the pipeline derives from planted identifiers. */
    private static final List<String> DERIVED = List.of("0A1B2C3D4E5F", "A1B2C3D4E5F6");

    private static PackagedPipeline pipeline;
    private static PipelineInfra infra;
    private static MongoClient mongo;
    private static ServiceProcess worker;
    private static ServiceProcess ingest;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = PackagedPipeline.start(new PackagedPipeline.Settings(MAIN_DB, FHIR_DB, TOPIC, GROUP,
                List.of(new NewTopic(TOPIC, 2, (short) 1), new NewTopic(DLQ, 1, (short) 1)),
                Map.of("FHIR_DEAD_LETTER_TOPIC", DLQ), LegacyRegistry::seedBloodPressurePatient));
        infra = pipeline.infra;
        mongo = pipeline.mongo;
        worker = pipeline.worker;
        ingest = pipeline.ingest;
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void givenReadingsOfEveryFamilyStoredParkedDeadLetteredAndRefused_whenProcessed_thenNoPlantedValueIsLogged()
            throws Exception {
        List<String> bodies = new ArrayList<>();
        String bp = Fixtures.text("ava4/bp_biolight.json");
        String stored = bp.replace("\"bp_high\":137", "\"bp_high\":173.29").replace("\"bp_low\":95",
                "\"bp_low\":104.83").replace("\"PR\":74", "\"PR\":97.31");
        String impossible = bp.replace("\"bp_high\":137", "\"bp_high\":987.65").replace("1743963911", "1743967511");
        String glucose = "{\"from\":\"BLE\",\"to\":\"CLOUD\",\"time\":1743963911,\"mac\":\"0A:1B:2C:3D:4E:5F\","
                + "\"type\":\"reportAttribute\",\"data\":{\"attribute\":\"Contour_Elite\",\"mac\":\"0A:1B:2C:3D:4E:5F\","
                + "\"value\":{\"device_list\":[{\"scan_time\":1743963911,\"ble_addr\":\"a1b2c3d4e5f6\","
                + "\"blood_glucose\":\"253.17\",\"marker\":\"After Meal\"}]}}}";
        expect(202, "/api/v1/ava4", stored, bodies);
        // The API refuses an impossible value (422); the same message queued before that check existed (a replay of an
        // old record) is dead-lettered by the worker: both paths must keep the value out of the logs.
        expect(422, "/api/v1/ava4", impossible, bodies);
        queueDirectly(impossible);
        expect(202, "/api/v1/ava4", glucose, bodies);

        String watch = "865067246813579";
        String vitals = Fixtures.text("kati/vitalsign_full.json").replace("865067123456789", watch)
                .replace("\"heartRate\": 72", "\"heartRate\": 131.73").replace("\"spO2\": 97", "\"spO2\": 91.73")
                .replace("\"bodyTemperature\": 36.6", "\"bodyTemperature\": 38.917")
                .replace("\"bp_sys\": 122", "\"bp_sys\": 161.37").replace("\"bp_dia\": 78", "\"bp_dia\": 99.73");
        String sos = Fixtures.text("kati/sos.json").replace("865067123456789", watch)
                .replace("13.7563", "13.98761").replace("100.5018", "100.12347");
        String steps = Fixtures.text("generic/kati_steps.json").replace("865067123456789", watch)
                .replace("\"8000\"", "97531");
        expect(202, "/api/v1/kati/VitalSign", vitals, bodies);
        expect(202, "/api/v1/kati/SOS", sos, bodies);
        expect(202, "/api/kati/data", steps, bodies);

        String qube = Fixtures.text("qube-vital/weight_bodyscale.json");
        String walkIn = qube.replace("1234567890121", "3987654321097").replaceAll("\"nameEN\": \"[^\"]*\"",
                "\"nameEN\": \"Mr.#Zyxwv##Qvbnm\"").replaceAll("\"nameTH\": \"[^\"]*\"",
                "\"nameTH\": \"นาย#Zyxwv##Qvbnm\"").replaceAll("\"brith\": \"[^\"]*\"", "\"brith\": \"25190229\"")
                .replace("\"weight\": \"65.4\"", "\"weight\": 83.417");
        expect(202, "/api/v1/qube-vital", walkIn, bodies);

        String refusedQube = walkIn.replace("3987654321097", "3987654321101").replace("Zyxwv", "Ywxzv")
                .replace("\"weight\": 83.417", "\"weight\": \"Ywxzv 183.77\"");
        expect(422, "/api/v1/qube-vital", refusedQube, bodies);
        expect(400, "/api/v1/qube-vital", refusedQube.replace("\"Ywxzv 183.77\"", "Ywxzv"), bodies);
        expect(422, "/api/v1/ava4", stored.replace("\"bp_high\":173.29", "\"bp_high\":\"183.77 Ywxzv\""), bodies);

        // Every planted value really was sent, so a clean log means it was kept out, not never given.
        String sent = String.join("\n", bodies);
        assertThat(PLANTED).allSatisfy(v -> assertThat(sent).contains(v));

        await().atMost(Duration.ofSeconds(90)).until(NoPatientDataInLogsIT::workerCaughtUp);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters() >= 1);
        MongoDatabase fhir = mongo.getDatabase(FHIR_DB);
        assertThat(fhir.getCollection("fhir_observations").countDocuments()).as("the stored reading").isPositive();
        assertThat(fhir.getCollection("pipeline_parked_readings").countDocuments()).as("the parked readings")
                .isPositive();

        for (ServiceProcess service : List.of(ingest, worker)) {
            String log = Files.readString(service.log(), StandardCharsets.UTF_8);
            assertThat(log).as("%s log", service.log()).isNotBlank();
            for (String value : java.util.stream.Stream.concat(PLANTED.stream(), DERIVED.stream()).toList()) {
                assertThat(log).as("%s must not log the planted %s", service.log().getFileName(), value)
                        .doesNotContain(value);
            }
        }
    }

    private static void expect(int status, String path, String body, List<String> sent) throws Exception {
        sent.add(body);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestJwt.shared().token("e2e-logs-client", TestJwt.FLEET_WRITE_SCOPE,
                        null))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s", path, response.body()).isEqualTo(status);
    }

    /** Publishes a message as the API would have queued it, bypassing the API's validation. */
    private static void queueDirectly(String payload) throws Exception {
        IngestRecord record = new IngestRecord("e2e-logs-replayed", 0, DeviceFamily.AVA4, null,
                "box-08F9E0D1F7B4", "e2e-logs-client", java.time.Instant.now().toString(),
                Json.mapper().readTree(payload));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, record.deviceKey(), Json.mapper().writeValueAsString(record)))
                    .get();
        }
    }

    private static boolean workerCaughtUp() {
        try (Admin admin = pipeline.admin()) {
            return ConsumerLag.of(admin, TOPIC, GROUP) == 0;
        }
    }

    private static long deadLetters() throws Exception {
        try (Admin admin = pipeline.admin()) {
            return admin.listOffsets(Map.of(new TopicPartition(DLQ, 0), OffsetSpec.latest())).all().get().values()
                    .stream().mapToLong(o -> o.offset()).sum();
        }
    }
}
