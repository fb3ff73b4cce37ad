package org.mfc.fhir.ingest;

import static io.restassured.RestAssured.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.messaging.Topics;
import org.mfc.fhir.core.process.RehearsalSamples;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.infra.PipelineInfraResource;
import org.mfc.fhir.ingest.publish.ReadingPublisher;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

@QuarkusTest
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class OperationsTest {

    @Inject
    ReadingPublisher publisher;

    @Test
    void givenKafkaAndMongoUp_whenHealthAsked_thenUpEverywhere() {
        IngestTests.awaitWarm();
        Management.request().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        Management.request().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'reading-storage' }.data.path", equalTo("queue"))
                .body("checks.find { it.name == 'reading-storage' }.data.queue", equalTo("UP"));
        Management.request().get("/health").then().statusCode(200).body("status", equalTo("UP")).body("async_enabled", equalTo(true))
                .body("checks.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }

    @Test
    void givenDevicesPort_whenAskedForOperatorEndpoints_thenNotFoundThereButServedOnTheManagementPort() {
        IngestTests.awaitWarm();
        for (String path : new String[] {"/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi",
                "/q/swagger-ui/", "/health"}) {
            get(path).then().statusCode(404);
            assertThat(Management.request().get(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void givenStarted_whenRequestPathRehearsed_thenReadyAndNothingPublishedOrStored() {
        IngestTests.awaitWarm();
        Management.request().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'hot-path-warm' }.data.warm-up",
                        org.hamcrest.Matchers.containsString("messages"))
                .body("checks.find { it.name == 'hot-path-warm' }.data.warm-up",
                        org.hamcrest.Matchers.containsString("records to fhir.rehearsal in"));
        assertThat(IngestTests.countPublished("/client_id", "rehearsal")).as("rehearsal records on the readings topic")
                .isZero();
        // The producer's send path was rehearsed on its own topic, which no consumer reads.
        assertThat(IngestTests.countPublished("fhir.rehearsal", "/client_id", "rehearsal"))
                .as("rehearsal records on the rehearsal topic").isPositive();
        try (var mongo = com.mongodb.client.MongoClients.create(
                org.mfc.fhir.infra.PipelineInfra.shared().mongoConnectionString())) {
            for (String db : mongo.listDatabaseNames()) {
                for (String collection : mongo.getDatabase(db).listCollectionNames()) {
                    assertThat(mongo.getDatabase(db).getCollection(collection).countDocuments(
                            com.mongodb.client.model.Filters.or(
                                    com.mongodb.client.model.Filters.eq("source_message_id", "rehearsal"),
                                    com.mongodb.client.model.Filters.eq("patient_id",
                                            "000000000000000000000000")))).as(db + "." + collection).isZero();
                }
            }
        }
    }

    @Test
    void givenReadingsTopic_whenRehearsalWouldPublishThere_thenRefusedBeforeAnythingIsSent() {
        List<IngestRecord> samples = RehearsalSamples.records(Instant.now());
        for (String topic : new String[] {Topics.READINGS, "", " "}) {
            assertThatThrownBy(() -> publisher.rehearse(samples, topic)).as("topic '%s'", topic)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(IngestTests.countPublished("/client_id", "rehearsal")).as("rehearsal records on the readings topic")
                .isZero();
    }

    @Test
    void givenRequests_whenMetricsScraped_thenRequestsPublishLatencyAndRejectsAreThere() {
        IngestTests.device().body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4").then().statusCode(202);
        IngestTests.device().body("{").post("/api/v1/ava4").then().statusCode(400);

        String metrics = Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern("ingest_requests_total\\{[^}]*family=\"AVA4\"[^}]*outcome=\"queued\"")
                .containsPattern("ingest_requests_total\\{[^}]*family=\"AVA4\"[^}]*outcome=\"INVALID_JSON\"")
                .containsPattern("ingest_rejects_total\\{[^}]*reason=\"INVALID_JSON\"")
                .contains("ingest_publish_latency_seconds_bucket");
    }

    @Test
    void givenBroker_whenQueueGaugesRefreshed_thenConsumersAndQueueSizeAreScraped() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Management.request().get("/q/metrics").then().statusCode(200).extract().asString())
                        .containsPattern("(?m)^ingest_queue_consumers(\\{[^}]*})? [0-9]")
                        .containsPattern("(?m)^ingest_queue_size(\\{[^}]*})? [0-9]")
                        .containsPattern("(?m)^ingest_queue_dead_letters(\\{[^}]*})? [0-9]"));
    }

    @Test
    void givenOpenApi_whenFetched_thenEveryEndpointIsDescribed() {
        String api = Management.request().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        assertThat(api).contains("/api/v1/ava4", "/api/v1/kati/{topic}", "/api/v1/qube-vital", "/api/ava4/data",
                "/api/kati/data", "/api/qube-vital/data", "/admin/queue/stats", "/admin/ingest/{ingest_id}",
                "bearer");
    }

    @Test
    void givenOpenApi_whenFetched_thenEachFamilyEndpointShowsItsFixtureSamples() throws Exception {
        var api = org.mfc.fhir.core.json.Json.mapper().readTree(
                Management.request().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        var kati = api.at("/paths/~1api~1v1~1kati~1{topic}/post/requestBody/content/application~1json/examples");
        assertThat(kati.get("vitalsign_full").get("value"))
                .isEqualTo(org.mfc.fhir.core.testing.Fixtures.json("kati/vitalsign_full.json"));
        for (String path : new String[] {"~1api~1v1~1ava4", "~1api~1v1~1qube-vital", "~1api~1ava4~1data",
                "~1api~1kati~1data", "~1api~1qube-vital~1data"}) {
            assertThat(api.at("/paths/" + path + "/post/requestBody/content/application~1json/examples").size())
                    .as(path).isPositive();
        }
    }
}
