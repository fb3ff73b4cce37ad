package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * The Kafka broker is killed with SIGKILL under steady load and restarted. While it is down the ingest API stores
 * synchronously (201); afterwards it queues again (202). Every acknowledged reading must be stored exactly once.
 */
class BrokerKillFaultIT extends FaultRunSupport {

    @TempDir
    Path dir;

    @Test
    void givenSteadyLoad_whenBrokerKilledAndRestarted_thenEveryAcknowledgedReadingStoredOnce() throws Exception {
        try (FaultStack stack = FaultStack.start(dir, 1, fleet(), FAST_FALLBACK)) {
            int third = LOAD_SECONDS / 3;
            AckAudit.Verdict v = run("Kafka broker kill -9, restart 6 s later", stack, List.of(
                    new Step(Duration.ofSeconds(third), "kill the broker", stack.kafka::kill),
                    new Step(Duration.ofSeconds(third + 6), "restart the broker", stack.kafka::restart)),
                    FaultStack.fleetHeaders());

            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }
}
