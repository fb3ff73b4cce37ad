package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.Map;

import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** MQTT enabled but its broker unreachable: the MQTT health group says so, HTTP ingest stays ready and serving. */
@QuarkusTest
@TestProfile(MqttDownTest.BrokerAbsent.class)
class MqttDownTest {

    public static class BrokerAbsent implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try (ServerSocket s = new ServerSocket(0)) {
                // A port nobody listens on once this socket is closed.
                return Map.of("ingest.mqtt.enabled", "true", "ingest.mqtt.host", "127.0.0.1",
                        "ingest.mqtt.port", Integer.toString(s.getLocalPort()), "ingest.mqtt.client-id", "down-test");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void givenBrokerUnreachable_whenHealthAsked_thenMqttDownButReadinessUpAndHttpServes() throws Exception {
        IngestTests.awaitWarm();
        Management.request().get("/q/health/group/mqtt").then().statusCode(503);
        Management.request().get("/q/health/ready").then().statusCode(200);
        JsonNode health = Json.mapper().readTree(Management.request().get("/health").then().statusCode(200).extract()
                .asString());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.at("/mqtt/status").asText()).isEqualTo("DOWN");
        assertThat(health.at("/mqtt/enabled").asBoolean()).isTrue();

        IngestTests.device().body(Fixtures.text("ava4/bp_biolight.json")).post("/api/v1/ava4").then()
                .statusCode(202);
        JsonNode stats = Json.mapper().readTree(IngestTests.admin().get("/admin/mqtt/stats").then().statusCode(200)
                .extract().asString());
        assertThat(stats.get("connected").asBoolean()).isFalse();
        assertThat(stats.get("client_id").asText()).isEqualTo("down-test");
    }
}
