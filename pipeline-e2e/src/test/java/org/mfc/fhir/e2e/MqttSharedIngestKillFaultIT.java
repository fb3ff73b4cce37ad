package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * Two ingest APIs share the device topics (one MQTT 5 share group); one is killed with SIGKILL mid-load and stays
 * down. The broker hands what it held unacknowledged, and everything after, to the other. Every reading a device saw
 * acknowledged must be stored exactly once.
 */
class MqttSharedIngestKillFaultIT extends MqttFaultRunSupport {

    @TempDir
    Path dir;

    @Test
    void givenTwoIngestsSharingTheSubscription_whenOneKilled_thenEveryAcknowledgedReadingStoredOnce()
            throws Exception {
        try (FaultStack stack = FaultStack.startWithMqtt(dir, 2, fleet(), Map.of())) {
            AckAudit.Verdict v = runMqtt("MQTT: one of two ingest APIs sharing the subscription kill -9, not restarted",
                    stack, List.of(new Step(Duration.ofSeconds(MQTT_LOAD_SECONDS / 3), "kill ingest API 2",
                            () -> stack.secondIngest.kill())));

            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }
}
