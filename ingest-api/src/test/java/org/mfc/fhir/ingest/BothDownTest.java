package org.mfc.fhir.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The queue and the database both unavailable: a truthful 503, never a 500, and not ready. */
@QuarkusTest
@TestProfile(BothDownProfile.class)
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class BothDownTest {

    @Test
    void givenBrokerAndDatabaseDown_whenPosted_thenServiceUnavailableWithRetryAfter() {
        IngestTests.device().body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4")
                .then().statusCode(503)
                .header("Retry-After", notNullValue())
                .contentType("application/problem+json");
    }

    @Test
    void givenBrokerAndDatabaseDown_whenReadinessProbed_thenDownWithNeitherPath() {
        Management.request().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'reading-storage' }.data.path", equalTo("none"));
        Management.request().get("/q/health/live").then().statusCode(200);
    }

    /** The producer retries the broker about once a second; an attempt in progress is not a path that can store. */
    @Test
    void givenBrokerAndDatabaseDown_whenProbedThroughReconnectAttempts_thenNeverReady() {
        org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(3))
                .atMost(java.time.Duration.ofMillis(3500)).pollInterval(java.time.Duration.ofMillis(5))
                .until(() -> Management.request().get("/q/health/ready").statusCode() == 503);
    }
}
