package org.mfc.fhir.worker;

import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The worker with an alert publisher that fails with an {@link Error} (what the JVM or a library may throw and no
 * processing code should catch), on its own topic and group: the consuming channel dies for real.
 */
public class DeadChannelProfile implements QuarkusTestProfile {

    static final String TOPIC = "fhir.readings.dead-channel";

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(FailingAlertPublisher.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("worker.readings-topic", TOPIC,
                "mp.messaging.incoming.readings-in.group.id", "fhir-parser-worker-dead-channel",
                "mp.messaging.incoming.readings-in.partitions", "1",
                "worker.metrics-refresh-interval", "1h");
    }
}
