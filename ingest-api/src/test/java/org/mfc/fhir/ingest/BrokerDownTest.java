package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.infra.PipelineInfra;
import org.mfc.fhir.infra.PipelineInfraResource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(BrokerDownProfile.class)
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class BrokerDownTest {

    @BeforeAll
    static void seedRegistry() {
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            LegacyRegistry.seedBloodPressurePatient(mongo.getDatabase(BrokerDownProfile.MAIN_DB));
        }
    }

    @Test
    void givenBrokerUnreachable_whenPosted_thenStoredSynchronouslyWithinThePublishTimeout() {
        // Timed from a ready instance, as a device behind a load balancer meets it: not beside the start-up rehearsal.
        IngestTests.awaitWarm();
        Instant start = Instant.now();
        String ingestId = IngestTests.device().body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4")
                .then().statusCode(201).body("status", equalTo("stored")).extract().path("ingest_id");

        // A generous bound against a hang: that the request did not wait for the publish timeout is what the
        // fallback reasons below show, independent of how loaded the machine running the test is.
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            assertThat(mongo.getDatabase(BrokerDownProfile.FHIR_DB).getCollection("fhir_observations")
                    .countDocuments(Filters.eq("source_message_id", ingestId))).isEqualTo(2);
        }
        String metrics = Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
        // The producer never had a broker connection: the request skipped it instead of waiting for it to give up.
        assertThat(metrics).containsPattern(
                "ingest_sync_fallbacks_total\\{[^}]*reason=\"(broker-unavailable|circuit-open)\"");
        assertThat(metrics).doesNotContainPattern("ingest_sync_fallbacks_total\\{[^}]*reason=\"timeout\"");
    }

    @Test
    void givenBrokerUnreachableButDatabaseUp_whenReadinessProbed_thenReadyOnTheSynchronousPath() {
        IngestTests.awaitWarm();
        Management.request().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'reading-storage' }.data.path", equalTo("synchronous"))
                .body("checks.find { it.name == 'reading-storage' }.data.queue", equalTo("DOWN"));
    }

    @Test
    void givenBrokerUnreachable_whenQueueStatsAsked_thenErrorWithoutSizes() {
        IngestTests.admin().get("/admin/queue/stats").then().statusCode(200)
                .body("status", equalTo("error"))
                .body("enabled", equalTo(true))
                .body("queue_size", nullValue())
                .body("error", org.hamcrest.Matchers.startsWith("broker not reachable"));
    }
}
