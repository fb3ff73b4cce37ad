package org.mfc.fhir.ingest;

import java.util.List;
import java.util.Map;

import org.mfc.fhir.infra.MqttInfraResource;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The MQTT ingress on, against the JVM-wide broker child ({@link MqttInfraResource}); a small per-device burst so the
 * rate limit can be exercised, and an own rejects topic.
 */
public class MqttProfile implements QuarkusTestProfile {

    static final String REJECTS_TOPIC = "fhir.mqtt.rejects.test";
    static final String RATE_LIMITED_BOX = "0A:0B:0C:0D:0E:0F";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "ingest.mqtt.rejects-topic", REJECTS_TOPIC,
                "ingest.mqtt.device-rate.per-second", "0.001",
                "ingest.mqtt.device-rate.burst", "3");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MqttInfraResource.class));
    }
}
