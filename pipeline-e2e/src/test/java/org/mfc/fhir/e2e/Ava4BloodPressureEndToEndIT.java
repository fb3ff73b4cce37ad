package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mfc.fhir.bench.ConsumerLag;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.core.testing.TestJwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * The foundation slice: the AVA4 blood-pressure sample POSTed to the packaged ingest API travels over the real
 * broker to the packaged parser worker, which stores the R5 Observations, Devices, Patient and the legacy entry.
 * Asserts the stored documents field by field, then replays the payload and checks nothing was duplicated.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ava4BloodPressureEndToEndIT {

    private static final String TOPIC = "fhir.readings.e2e-slice";
    private static final String GROUP = "fhir-parser-worker-e2e-slice";
    private static final String MAIN_DB = "AMY_E2E_SLICE";
    private static final String FHIR_DB = "MFC_FHIR_R5_E2E_SLICE";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static PackagedPipeline pipeline;
    private static MongoDatabase fhir;
    private static MongoDatabase main;
    private static ServiceProcess ingest;
    private static String firstIngestId;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = PackagedPipeline.start(new PackagedPipeline.Settings(MAIN_DB, FHIR_DB, TOPIC, GROUP,
                List.of(new NewTopic(TOPIC, 3, (short) 1)), Map.of(), LegacyRegistry::seedBloodPressurePatient));
        main = pipeline.main;
        fhir = pipeline.fhir;
        ingest = pipeline.ingest;
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void givenAva4BloodPressure_whenPosted_thenR5ResourcesAndLegacyEntryStoredFieldByField() throws Exception {
        HttpResponse<String> response = post(Fixtures.text("ava4/bp_biolight.json"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = Json.mapper().readTree(response.body());
        assertThat(answer.get("status").asText()).isEqualTo("queued");
        String ingestId = answer.get("ingest_id").asText();
        assertThat(ingestId).isNotBlank();
        firstIngestId = ingestId;

        await().atMost(Duration.ofSeconds(60)).until(() -> fhir.getCollection("fhir_observations")
                .countDocuments(Filters.eq("source_message_id", ingestId)) == 2);
        // The legacy entry is appended after the Observations are written (a new bucket is created, then pushed to).
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Document b = main.getCollection("blood_pressure_histories")
                    .find(Filters.eq("patient_id", LegacyRegistry.BP_PATIENT)).first();
            return b != null && !b.getList("data", Document.class).isEmpty();
        });

        String patientId = LegacyRegistry.BP_PATIENT.toHexString();
        Document bp = fhir.getCollection("fhir_observations").find(Filters.eq("code", "85354-9")).first();
        assertThat(bp).isNotNull();
        assertThat(bp.getString("resource_type")).isEqualTo("Observation");
        assertThat(bp.getString("fhir_version")).isEqualTo("5.0.0");
        assertThat(bp.getString("_id")).isEqualTo(bp.getString("resource_id"));
        assertThat(bp.getString("patient_id")).isEqualTo(patientId);
        assertThat(bp.getString("device_id")).isEqualTo("ble-D616F9641622");
        assertThat(bp.getString("source_system")).isEqualTo("fhir-parser-worker");
        assertThat(bp.getDate("effective_datetime")).isEqualTo(Date.from(java.time.Instant.ofEpochSecond(1743963911)));
        JsonNode bpRes = resource(bp);
        assertThat(bpRes.at("/resourceType").asText()).isEqualTo("Observation");
        assertThat(bpRes.at("/id").asText()).isEqualTo(bp.getString("_id"));
        assertThat(bpRes.at("/status").asText()).isEqualTo("final");
        assertThat(bpRes.at("/category/0/coding/0/code").asText()).isEqualTo("vital-signs");
        assertThat(bpRes.at("/code/coding/0/system").asText()).isEqualTo("http://loinc.org");
        assertThat(bpRes.at("/code/coding/0/code").asText()).isEqualTo("85354-9");
        assertThat(bpRes.at("/effectiveDateTime").asText()).isEqualTo("2025-04-06T18:25:11Z");
        assertThat(bpRes.at("/issued").asText()).endsWith("Z");
        assertThat(bpRes.at("/component/0/code/coding/0/code").asText()).isEqualTo("8480-6");
        assertThat(bpRes.at("/component/0/valueQuantity/value").asInt()).isEqualTo(137);
        assertThat(bpRes.at("/component/0/valueQuantity/system").asText()).isEqualTo("http://unitsofmeasure.org");
        assertThat(bpRes.at("/component/0/valueQuantity/code").asText()).isEqualTo("mm[Hg]");
        assertThat(bpRes.at("/component/1/code/coding/0/code").asText()).isEqualTo("8462-4");
        assertThat(bpRes.at("/component/1/valueQuantity/value").asInt()).isEqualTo(95);
        assertThat(bpRes.at("/component/1/valueQuantity/code").asText()).isEqualTo("mm[Hg]");
        assertThat(bpRes.at("/meta/profile").toString()).contains("http://hl7.org/fhir/StructureDefinition/bp");

        Document hr = fhir.getCollection("fhir_observations").find(Filters.eq("code", "8867-4")).first();
        assertThat(hr).isNotNull();
        JsonNode hrRes = resource(hr);
        assertThat(hrRes.at("/code/coding/0/code").asText()).isEqualTo("8867-4");
        assertThat(hrRes.at("/valueQuantity/value").asInt()).isEqualTo(74);
        assertThat(hrRes.at("/valueQuantity/code").asText()).isEqualTo("/min");
        assertThat(hrRes.at("/valueQuantity/system").asText()).isEqualTo("http://unitsofmeasure.org");
        assertThat(hrRes.at("/effectiveDateTime").asText()).isEqualTo("2025-04-06T18:25:11Z");

        // Every reference resolves to a stored resource.
        for (JsonNode obs : List.of(bpRes, hrRes)) {
            assertThat(obs.at("/subject/reference").asText()).isEqualTo("Patient/" + patientId);
            assertThat(stored("fhir_patients", obs.at("/subject/reference").asText())).isNotNull();
            Document device = stored("fhir_devices", obs.at("/device/reference").asText());
            assertThat(device).isNotNull();
            assertThat(resource(device).at("/identifier/0/system").asText())
                    .isEqualTo("http://hl7.org/fhir/sid/eui-48/bluetooth");
            assertThat(resource(device).at("/identifier/0/value").asText()).isEqualTo("D6:16:F9:64:16:22");
            String gatewayRef = resource(device).at("/gateway/0/reference/reference").asText();
            assertThat(gatewayRef).isEqualTo("Device/box-08F9E0D1F7B4");
            assertThat(stored("fhir_devices", gatewayRef)).isNotNull();
        }

        Document bucket = main.getCollection("blood_pressure_histories")
                .find(Filters.eq("patient_id", LegacyRegistry.BP_PATIENT)).first();
        assertThat(bucket).isNotNull();
        List<Document> entries = bucket.getList("data", Document.class);
        assertThat(entries).hasSize(1);
        Document entry = entries.get(0);
        assertThat(entry.getInteger("sys_data")).isEqualTo(137);
        assertThat(entry.getInteger("dia_data")).isEqualTo(95);
        assertThat(entry.getInteger("pr_data")).isEqualTo(74);
        assertThat(entry.getDate("blood_pressure_import_date"))
                .isEqualTo(Date.from(java.time.Instant.ofEpochSecond(1743963911)));
        assertThat(entry.getInteger("blood_pressure_source")).isEqualTo(1);
        assertThat(entry.getString("fhir_observation_id")).isEqualTo(bp.getString("_id"));
    }

    @Test
    @Order(2)
    void givenSamePayloadAgain_whenProcessed_thenNoDuplicates() throws Exception {
        List<Document> before = snapshot();

        for (int i = 0; i < 2; i++) {
            assertThat(post(Fixtures.text("ava4/bp_biolight.json")).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(60)).until(Ava4BloodPressureEndToEndIT::workerCaughtUp);

        assertThat(snapshot()).isEqualTo(before);
        assertThat(fhir.getCollection("fhir_observations").countDocuments()).isEqualTo(2);
        assertThat(fhir.getCollection("fhir_devices").countDocuments()).isEqualTo(2);
        assertThat(fhir.getCollection("fhir_patients").countDocuments()).isEqualTo(1);
        Document bucket = main.getCollection("blood_pressure_histories")
                .find(Filters.eq("patient_id", LegacyRegistry.BP_PATIENT)).first();
        assertThat(bucket.getList("data", Document.class)).hasSize(1);
        assertThat(main.getCollection("blood_pressure_histories").countDocuments()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void givenWorkerCaughtUp_whenOperatorAsks_thenQueueHealthyAndRequestStored() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(Ava4BloodPressureEndToEndIT::workerCaughtUp);
        String admin = TestJwt.shared().token("e2e-operator", "admin", null);

        JsonNode stats = Json.mapper().readTree(get("/admin/queue/stats", admin).body());
        assertThat(stats.get("status").asText()).isEqualTo("healthy");
        assertThat(stats.get("queue_name").asText()).isEqualTo(TOPIC);
        assertThat(stats.get("consumer_group").asText()).isEqualTo(GROUP);
        assertThat(stats.get("queue_size").asLong()).isZero();
        assertThat(stats.get("consumer_count").asInt()).isPositive();
        assertThat(stats.get("partitions")).hasSize(3);

        JsonNode status = Json.mapper().readTree(get("/admin/ingest/" + firstIngestId, admin).body());
        assertThat(status.get("status").asText()).isEqualTo("stored");
        assertThat(status.get("resource_ids")).hasSize(2);
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static List<Document> snapshot() {
        return List.of("fhir_observations", "fhir_devices", "fhir_patients").stream()
                .flatMap(c -> fhir.getCollection(c).find().sort(new Document("_id", 1)).into(new java.util.ArrayList<>())
                        .stream())
                .collect(Collectors.toList());
    }

    /** The worker's group has committed every record of the topic. */
    private static boolean workerCaughtUp() {
        try (Admin admin = pipeline.admin()) {
            return ConsumerLag.of(admin, TOPIC, GROUP) == 0;
        }
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/api/v1/ava4"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestJwt.shared().token("e2e-ava4-gateway", TestJwt.WRITE_SCOPE,
                        List.of("box-08F9E0D1F7B4")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Document stored(String collection, String reference) {
        return fhir.getCollection(collection).find(Filters.eq("_id", reference.substring(reference.indexOf('/') + 1)))
                .first();
    }

    private static JsonNode resource(Document envelope) throws Exception {
        return Json.mapper().readTree(envelope.get("resource_data", Document.class).toJson());
    }
}
