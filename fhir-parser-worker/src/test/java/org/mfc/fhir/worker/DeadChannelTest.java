package org.mfc.fhir.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * If consumption stops anyway (an Error no processing code may catch), the worker says so: liveness DOWN (an
 * orchestrator restarts it), the consumer count 0, the lag unknown rather than 0, the failure counted.
 */
@QuarkusTest
@TestProfile(DeadChannelProfile.class)
@WithTestResource(value = PipelineInfraResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class DeadChannelTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    StatisticsLog statistics;

    @Inject
    WorkerMetrics metrics;

    @Test
    void givenTheChannelDies_whenProbed_thenLivenessDownConsumersZeroLagUnknownAndErrorCounted() throws Exception {
        given().get("/q/health/live").then().statusCode(200);
        statistics.refresh();
        assertThat(metrics.consumers()).isEqualTo(1);
        long errorsBefore = metrics.errors();

        TopicClient.send(bootstrap, DeadChannelProfile.TOPIC, "imei-865067123456789", TopicClient.json(
                TopicClient.record("t-dead", DeviceFamily.KATI, "SOS", "imei-865067123456789",
                        "2025-04-06T18:40:03Z", Fixtures.json("kati/sos.json"))));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/live").then()
                .statusCode(503).body(containsString("readings-consumer")));
        statistics.refresh();
        assertThat(metrics.consumers()).isZero();
        assertThat(metrics.channel()).isEqualTo("DOWN");
        assertThat(metrics.lag()).isEqualTo(-1);
        assertThat(metrics.errors()).isGreaterThan(errorsBefore);
        statistics.tick();
    }
}
