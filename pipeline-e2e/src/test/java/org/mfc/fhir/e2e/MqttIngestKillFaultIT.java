package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * Devices publish over MQTT (QoS 1) while the ingest API is killed with SIGKILL and started again 2 s later under the
 * same client id: what it had received but not acknowledged, and what arrived while it was down, waits in its
 * persistent session and share group, and is stored once it is back. Every reading a device saw acknowledged must be
 * stored exactly once.
 */
class MqttIngestKillFaultIT extends MqttFaultRunSupport {

    @TempDir
    Path dir;

    @Test
    void givenDevicesPublishing_whenIngestKilledAndRestarted_thenEveryAcknowledgedReadingStoredOnce()
            throws Exception {
        try (FaultStack stack = FaultStack.startWithMqtt(dir, 1, fleet(), Map.of())) {
            int third = MQTT_LOAD_SECONDS / 3;
            AckAudit.Verdict v = runMqtt("MQTT: ingest API kill -9, restarted 2 s later, devices publish QoS 1",
                    stack, List.of(
                            new Step(Duration.ofSeconds(third), "kill the ingest API", () -> stack.ingest.kill()),
                            new Step(Duration.ofSeconds(third + 2), "restart the ingest API",
                                    () -> stack.ingest = stack.ingest.restart())));

            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }
}
