package org.mfc.fhir.ingest.mqtt;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The broker connection, in its own health group ({@code /q/health/group/mqtt}) and in the {@code /health} summary,
 * but not in readiness: when only MQTT is down, HTTP ingest stays in service. DOWN while MQTT is enabled and not
 * connected; UP (with {@code enabled: false}) when MQTT is off.
 */
@HealthGroup("mqtt")
@ApplicationScoped
public class MqttHealthCheck implements HealthCheck {

    public static final String NAME = "MQTT broker";

    @Inject
    MqttConfig config;

    @Inject
    MqttStats stats;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME).withData("enabled", config.enabled());
        if (!config.enabled()) {
            return b.up().build();
        }
        b.withData("broker", config.host() + ":" + config.port()).withData("state", stats.state())
                .withData("unacknowledged", stats.unacknowledgedCount());
        return stats.connected() ? b.up().build() : b.down().build();
    }
}
