package org.mfc.fhir.infra;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} of the ingest API at the JVM-wide {@link MqttInfra} broker with the MQTT ingress
 * enabled under the shipped {@code ingest} account. {@link #stop()} leaves the broker to the next test class.
 */
public class MqttInfraResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        MqttInfra mqtt = MqttInfra.shared();
        return Map.of(
                "ingest.mqtt.enabled", "true",
                "ingest.mqtt.host", mqtt.host(),
                "ingest.mqtt.port", Integer.toString(mqtt.port()),
                "ingest.mqtt.username", MqttInfra.INGEST,
                "ingest.mqtt.password", MqttInfra.password(MqttInfra.INGEST),
                "ingest.mqtt.client-id", "ingest-api-test");
    }

    @Override
    public void stop() {
        // The broker serves the next test class too; the JVM's shutdown ends it.
    }
}
