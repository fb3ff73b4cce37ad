package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfra;
import org.mfc.fhir.infra.PipelineInfraResource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(SyncStorageProfile.class)
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class SyncStorageTest {

    @BeforeAll
    static void seedRegistry() {
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            LegacyRegistry.seedBloodPressurePatient(mongo.getDatabase(SyncStorageProfile.MAIN_DB));
        }
    }

    private static List<String> observationPatients(String ingestId) {
        List<String> patients = new ArrayList<>();
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            mongo.getDatabase(SyncStorageProfile.FHIR_DB).getCollection("fhir_observations")
                    .find(Filters.eq("source_message_id", ingestId)).forEach(d -> patients.add(d.getString("patient_id")));
        }
        return patients;
    }

    @Test
    void givenBoxTokenNamingTheCuffOfAPatientOfAnotherBox_whenPosted_thenStoredForTheBoxPatientOnly() {
        org.bson.types.ObjectId neighbour = new org.bson.types.ObjectId("65f0000000000000000000ac");
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            var main = mongo.getDatabase(SyncStorageProfile.MAIN_DB);
            main.getCollection("patients").replaceOne(Filters.eq("_id", neighbour), new Document("_id", neighbour)
                    .append("is_deleted", false), new com.mongodb.client.model.ReplaceOptions().upsert(true));
            main.getCollection("amy_devices").replaceOne(Filters.eq("patient_id", neighbour),
                    new Document("patient_id", neighbour).append("mac_gw", "AA:BB:CC:00:00:02")
                            .append("mac_bps", "AA:BB:CC:DD:EE:01"), new com.mongodb.client.model.ReplaceOptions()
                                    .upsert(true));
        }
        // The sample box's payload names the neighbour's cuff.
        String body = Fixtures.text("ava4/bp_biolight.json").replace("d616f9641622", "aabbccddee01");
        String boxToken = TestJwt.shared().token("box-" + UUID.randomUUID(), TestJwt.WRITE_SCOPE,
                List.of("box-08F9E0D1F7B4"));

        String ingestId = IngestTests.as(boxToken).body(body).post("/api/v1/ava4").then().statusCode(201)
                .extract().path("ingest_id");

        assertThat(observationPatients(ingestId)).isNotEmpty()
                .containsOnly(LegacyRegistry.BP_PATIENT.toHexString());
    }

    /**
     * The legacy bucket of the reading's patient has the wrong shape (MongoDB refuses the push): the FHIR resources
     * are stored, and the legacy entry still owed is parked at stage LEGACY, never answered as an invalid reading.
     */
    @Test
    void givenALegacyBucketOfTheWrongShape_whenStoredSynchronously_thenStoredAndTheOwedLegacyEntryParked() {
        org.bson.types.ObjectId patient = new org.bson.types.ObjectId("65f0000000000000000000ad");
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            var main = mongo.getDatabase(SyncStorageProfile.MAIN_DB);
            var upsert = new com.mongodb.client.model.ReplaceOptions().upsert(true);
            main.getCollection("patients").replaceOne(Filters.eq("_id", patient), new Document("_id", patient)
                    .append("is_deleted", false), upsert);
            main.getCollection("amy_boxes").replaceOne(Filters.eq("patient_id", patient.toHexString()),
                    new Document("mac_address", "AA:BB:CC:00:00:03").append("patient_id", patient.toHexString()),
                    upsert);
            main.getCollection("amy_devices").replaceOne(Filters.eq("patient_id", patient), new Document(
                    "patient_id", patient).append("mac_gw", "AA:BB:CC:00:00:03").append("mac_bps",
                            "AA:BB:CC:DD:EE:03"), upsert);
            main.getCollection("blood_pressure_histories").replaceOne(Filters.eq("patient_id", patient),
                    new Document("patient_id", patient).append("data", "not an array"), upsert);
        }
        String body = Fixtures.text("ava4/bp_biolight.json").replace("08:F9:E0:D1:F7:B4", "AA:BB:CC:00:00:03")
                .replace("d616f9641622", "aabbccddee03");
        String client = "sync-legacy-" + UUID.randomUUID();

        var answer = IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null))
                .body(body).post("/api/v1/ava4").then().statusCode(201)
                .body("status", equalTo("stored"))
                .extract();
        String ingestId = answer.path("ingest_id");
        List<String> answered = answer.path("resource_ids");

        assertThat(observationPatients(ingestId)).hasSize(2).containsOnly(patient.toHexString());
        assertThat(answered).as("the stored Observations are answered").hasSize(2)
                .allMatch(id -> id.startsWith("Observation/"));
        IngestTests.admin().get("/admin/ingest/" + ingestId).then().statusCode(200)
                .body("status", equalTo("stored"))
                .body("parked[0].stage", equalTo("LEGACY"));
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            Document parked = mongo.getDatabase(SyncStorageProfile.FHIR_DB).getCollection("pipeline_parked_readings")
                    .find(Filters.eq("ingest_id", ingestId)).first();
            assertThat(parked).isNotNull();
            assertThat(parked.getString("reason")).startsWith("FHIR resources stored, legacy entry owed");
        }
    }

    @Test
    void givenAsyncDisabled_whenPosted_thenCreatedAndObservationsInFhirDatabase() {
        String client = "sync-" + UUID.randomUUID();
        var answer = IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null))
                .body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4")
                .then().statusCode(201)
                .body("status", equalTo("stored"))
                .body("readings", equalTo(1))
                .extract();
        String ingestId = answer.path("ingest_id");
        List<String> resourceIds = answer.path("resource_ids");
        assertThat(resourceIds).isNotEmpty();

        List<String> stored = new ArrayList<>();
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            for (Document d : mongo.getDatabase(SyncStorageProfile.FHIR_DB).getCollection("fhir_observations")
                    .find(Filters.eq("source_message_id", ingestId))) {
                stored.add("Observation/" + d.getString("_id"));
                assertThat(d.getString("patient_id")).isEqualTo(LegacyRegistry.BP_PATIENT.toHexString());
            }
        }
        // Blood pressure and the pulse as its own heart-rate Observation.
        assertThat(stored).hasSize(2).allMatch(resourceIds::contains);
        assertThat(IngestTests.countPublished("/client_id", client)).isZero();

        List<String> reported = IngestTests.admin().get("/admin/ingest/" + ingestId).then().statusCode(200)
                .body("status", equalTo("stored")).extract().path("resource_ids");
        assertThat(reported).containsExactlyInAnyOrderElementsOf(stored);

        // The same reading sent again: its Observations keep the first ingest id; the status of the second still
        // names them, through its own Provenance.
        String again = IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null))
                .body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4").then().statusCode(201)
                .extract().path("ingest_id");
        List<String> againReported = IngestTests.admin().get("/admin/ingest/" + again).then().statusCode(200)
                .body("status", equalTo("stored")).extract().path("resource_ids");
        assertThat(againReported).containsExactlyInAnyOrderElementsOf(stored);
    }

    @Test
    void givenOneBadItemBesideAGoodOne_whenStoredSynchronously_thenTheGoodOneIsStoredAndTheBadOneListed() {
        String client = "sync-item-" + UUID.randomUUID();
        // A value no other test sends, so the stored fact is this request's.
        String body = Fixtures.text("ava4/bp_biolight.json").replace("\"bp_high\":137", "\"bp_high\":133")
                .replace("\"PR\":74}]", "\"PR\":73},{\"scan_time\":1743963915,\"ble_addr\":\"d616f9641622\","
                        + "\"bp_high\":\"x\",\"bp_low\":95}]");
        var answer = IngestTests.as(TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null)).body(body)
                .post("/api/v1/ava4").then().statusCode(201)
                .body("readings", equalTo(1))
                .body("refused[0].item", equalTo("data.value.device_list[1]"))
                .extract();
        String ingestId = answer.path("ingest_id");

        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            List<Document> stored = mongo.getDatabase(SyncStorageProfile.FHIR_DB).getCollection("fhir_observations")
                    .find(Filters.eq("source_message_id", ingestId)).into(new ArrayList<>());
            // The good item's blood pressure and pulse; nothing of the refused one.
            assertThat(stored).hasSize(2).allMatch(d -> d.get("effective_datetime", Date.class)
                    .toInstant().getEpochSecond() == 1743963911L);
        }
    }

    /**
     * Requests stored at the same moment are stored together (group commit): each is still answered with its own
     * resources, and what landed for each is its own reading.
     */
    @Test
    void givenConcurrentRequests_whenStoredSynchronously_thenEachIsAnsweredWithItsOwnResources() throws Exception {
        double batchedBefore = syncBatchedRecords();
        int requests = 24;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<String[]>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            // A device time no other test sends: the stored Observations say whose reading they are.
            long scanTime = 1743900000L + i;
            String body = Fixtures.text("ava4/bp_biolight.json").replace("\"scan_time\":1743963911",
                    "\"scan_time\":" + scanTime);
            String token = TestJwt.shared().token("group-" + UUID.randomUUID(), TestJwt.FLEET_WRITE_SCOPE, null);
            answers.add(clients.submit(() -> {
                var answer = IngestTests.as(token).body(body).post("/api/v1/ava4").then().statusCode(201)
                        .body("status", equalTo("stored")).extract();
                List<String> ids = answer.path("resource_ids");
                return new String[] {answer.path("ingest_id"), String.valueOf(scanTime), String.join(",", ids)};
            }));
        }
        clients.shutdown();
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            var observations = mongo.getDatabase(SyncStorageProfile.FHIR_DB).getCollection("fhir_observations");
            for (var future : answers) {
                String[] a = future.get(60, TimeUnit.SECONDS);
                List<Document> stored = observations.find(Filters.eq("source_message_id", a[0]))
                        .into(new ArrayList<>());
                assertThat(stored).hasSize(2).allMatch(d -> d.get("effective_datetime", Date.class)
                        .toInstant().getEpochSecond() == Long.parseLong(a[1]));
                // The answer lists the request's Observations (and the Devices a first reading of a device wrote).
                assertThat(List.of(a[2].split(",")).stream().filter(id -> id.startsWith("Observation/")))
                        .containsExactlyInAnyOrderElementsOf(
                        stored.stream().map(d -> "Observation/" + d.getString("_id")).toList());
            }
        }
        // Every record went through a synchronous batch.
        assertThat(syncBatchedRecords() - batchedBefore).isEqualTo(requests);
    }

    /**
     * Well-formed but odd requests stored in the same batches as ordinary ones ($ keys, long strings and deep
     * objects in fields nobody reads, a batch of many messages): nothing they carry stops the batch or takes an
     * ordinary request's reading with it.
     */
    @Test
    void givenOddRequestsAmongOrdinaryOnes_whenStoredTogether_thenEveryOrdinaryReadingIsStoredWithItsOwnTime()
            throws Exception {
        String junk = "x".repeat(20_000);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<Object[]>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            long scanTime = 1743800000L + i;
            String reading = Fixtures.text("ava4/bp_biolight.json").replace("\"scan_time\":1743963911",
                    "\"scan_time\":" + scanTime);
            boolean odd = i % 2 == 1;
            String body = !odd ? reading
                    : i % 4 == 1
                            ? reading.replace("\"from\":\"BLE\"", "\"from\":\"BLE\",\"$where\":\"1\",\"a.b\":{\"$gt\":"
                                    + "[[[[{\"$ne\":null}]]]]},\"note\":\"" + junk + "\"")
                                    .replace("\"PR\":74", "\"PR\":74,\"$set\":{\"x\":1},\"extra\":\"" + junk + "\"")
                            : "[" + String.join(",", Collections.nCopies(200, reading)) + "]";
            String token = TestJwt.shared().token("odd-" + UUID.randomUUID(), TestJwt.FLEET_WRITE_SCOPE, null);
            answers.add(clients.submit(() -> {
                var answer = IngestTests.as(token).body(body).post("/api/v1/ava4").then().extract();
                return new Object[] {answer.statusCode(), answer.path("ingest_id"), scanTime, odd};
            }));
        }
        clients.shutdown();
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            var observations = mongo.getDatabase(SyncStorageProfile.FHIR_DB).getCollection("fhir_observations");
            for (var future : answers) {
                Object[] a = future.get(120, TimeUnit.SECONDS);
                int status = (int) a[0];
                // The ones with $ keys are refused whole at validation (422); the batches and the ordinary ones stored.
                boolean dollarKeys = (boolean) a[3] && ((long) a[2]) % 4 == 1;
                assertThat(status).as("status of the request with device time %s", a[2])
                        .isEqualTo(dollarKeys ? 422 : 201);
                if (status == 201) {
                    List<Document> stored = observations.find(Filters.eq("source_message_id", a[1]))
                            .into(new ArrayList<>());
                    assertThat(stored).isNotEmpty().allMatch(d -> d.get("effective_datetime", Date.class)
                            .toInstant().getEpochSecond() == (long) a[2]);
                }
            }
        }
    }

    /** The sum of {@code ingest_sync_batch_records}: records stored synchronously so far. */
    private static double syncBatchedRecords() {
        String metrics = Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("ingest_sync_batch_records_sum")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Test
    void givenClientOverItsRateLimit_whenPosting_thenTooManyRequestsWithRetryAfter() {
        var token = TestJwt.shared().token("rate-" + UUID.randomUUID(), TestJwt.FLEET_WRITE_SCOPE, null);
        for (int i = 0; i < 3; i++) {
            IngestTests.as(token).body(Fixtures.text("kati/online_trigger.json")).post("/api/v1/kati/onlineTrigger")
                    .then().statusCode(org.hamcrest.Matchers.not(429));
        }
        String retryAfter = IngestTests.as(token).body(Fixtures.text("kati/online_trigger.json"))
                .post("/api/v1/kati/onlineTrigger")
                .then().statusCode(429).contentType("application/problem+json")
                .body("error_code", equalTo("RATE_LIMITED"))
                .extract().header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isPositive();

        // Another client is not affected.
        IngestTests.as(TestJwt.shared().token("rate-other-" + UUID.randomUUID(), TestJwt.FLEET_WRITE_SCOPE, null))
                .body(Fixtures.text("kati/online_trigger.json")).post("/api/v1/kati/onlineTrigger")
                .then().statusCode(org.hamcrest.Matchers.not(429));
    }

    @Test
    void givenAsyncDisabled_whenQueueStatsAsked_thenDisabled() {
        IngestTests.admin().get("/admin/queue/stats").then().statusCode(200)
                .body("enabled", equalTo(false)).body("status", equalTo("disabled"));
    }
}
