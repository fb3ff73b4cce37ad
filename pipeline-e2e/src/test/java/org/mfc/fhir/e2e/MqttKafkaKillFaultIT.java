package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * Devices publish over MQTT while the Kafka broker is killed with SIGKILL and restarted 6 s later: the ingest API
 * stores what it cannot queue synchronously, and acknowledges each MQTT message only once it is queued or stored.
 * Every reading a device saw acknowledged must be stored exactly once.
 */
class MqttKafkaKillFaultIT extends MqttFaultRunSupport {

    @TempDir
    Path dir;

    @Test
    void givenDevicesPublishing_whenKafkaKilledAndRestarted_thenEveryAcknowledgedReadingStoredOnce()
            throws Exception {
        try (FaultStack stack = FaultStack.startWithMqtt(dir, 1, fleet(), FaultRunSupport.FAST_FALLBACK)) {
            int third = MQTT_LOAD_SECONDS / 3;
            AckAudit.Verdict v = runMqtt("MQTT: Kafka broker kill -9, restarted 6 s later", stack, List.of(
                    new Step(Duration.ofSeconds(third), "kill the Kafka broker", stack.kafka::kill),
                    new Step(Duration.ofSeconds(third + 6), "restart the Kafka broker", stack.kafka::restart)));

            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }
}
