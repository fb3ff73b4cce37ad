package org.mfc.fhir.ingest.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.mqtt.MqttHealthCheck;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.vertx.http.ManagementInterface;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * A one-glance summary for humans and simple probes on the management port, next to {@code /q/health}: the readiness
 * checks ({@code /q/health/ready}: Kafka channel and MongoDB) as {@code name: UP|DOWN}, plus whether publishing is on,
 * and the MQTT broker connection under {@code mqtt} (not part of the status). 200 when every readiness check is UP,
 * else 503.
 */
@ApplicationScoped
public class HealthResource {

    @Inject
    SmallRyeHealthReporter reporter;

    @Inject
    IngestConfig config;

    @Inject
    @HealthGroup("mqtt")
    MqttHealthCheck mqtt;

    void register(@Observes ManagementInterface management) {
        // Blocking: the readiness checks ask the broker and the database.
        management.router().get("/health").blockingHandler(ctx -> {
            SmallRyeHealth health = reporter.getReadiness();
            try {
                ctx.response().setStatusCode(health.isDown() ? 503 : 200)
                        .putHeader("Content-Type", "application/json")
                        .end(Json.mapper().writeValueAsString(summary(health)));
            } catch (JsonProcessingException e) {
                ctx.fail(e);
            }
        });
    }

    private Map<String, Object> summary(SmallRyeHealth health) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.isDown() ? "DOWN" : "UP");
        body.put("async_enabled", config.asyncEnabled());
        body.put("queue_name", config.topic());
        Map<String, String> checks = new LinkedHashMap<>();
        JsonValue list = health.getPayload().get("checks");
        if (list != null && list.getValueType() == JsonValue.ValueType.ARRAY) {
            for (JsonValue v : list.asJsonArray()) {
                JsonObject check = v.asJsonObject();
                checks.put(check.getString("name", "?"), check.getString("status", "?"));
            }
        }
        body.put("checks", checks);
        // Reported beside readiness, never in it: when only the MQTT broker is down, HTTP ingest stays in service.
        HealthCheckResponse broker = mqtt.call();
        Map<String, Object> mqttSummary = new LinkedHashMap<>();
        mqttSummary.put("status", broker.getStatus().name());
        broker.getData().ifPresent(mqttSummary::putAll);
        body.put("mqtt", mqttSummary);
        return body;
    }
}
