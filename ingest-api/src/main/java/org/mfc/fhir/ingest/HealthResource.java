package org.mfc.fhir.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.mfc.fhir.ingest.mqtt.MqttHealthCheck;

import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A one-glance summary for humans and simple probes: the readiness checks ({@code /q/health/ready}: Kafka channel
 * and MongoDB) as {@code name: UP|DOWN}, plus whether publishing is on, and the MQTT broker connection under
 * {@code mqtt} (not part of the status). 200 when every readiness check is UP, else 503.
 */
@Path("/health")
@Tag(name = "operations")
@PermitAll
public class HealthResource {

    @Inject
    SmallRyeHealthReporter reporter;

    @Inject
    IngestConfig config;

    @Inject
    @HealthGroup("mqtt")
    MqttHealthCheck mqtt;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "health", summary = "Summary of the readiness checks (Kafka, MongoDB)")
    public Response health() {
        SmallRyeHealth health = reporter.getReadiness();
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
        return Response.status(health.isDown() ? 503 : 200).entity(body).build();
    }
}
