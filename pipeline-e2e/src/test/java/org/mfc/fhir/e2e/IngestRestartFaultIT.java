package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * The ingest API is killed while devices keep sending and started again on the same port; devices retry what was
 * not acknowledged. Every acknowledged reading must be stored exactly once; readings whose answer was lost with the
 * process may be stored without an acknowledgement (their device retried them, harmlessly).
 */
class IngestRestartFaultIT extends FaultRunSupport {

    @TempDir
    Path dir;

    @Test
    void givenDevicesSending_whenIngestApiKilledAndRestarted_thenEveryAcknowledgedReadingStoredOnce()
            throws Exception {
        try (FaultStack stack = FaultStack.start(dir, 1, fleet(), Map.of())) {
            int third = LOAD_SECONDS / 3;
            AckAudit.Verdict v = run("ingest API kill -9 and restart while devices send", stack, List.of(
                    new Step(Duration.ofSeconds(third), "kill the ingest API", () -> stack.ingest.kill()),
                    new Step(Duration.ofSeconds(third + 2), "restart the ingest API",
                            () -> stack.ingest = stack.ingest.restart())),
                    FaultStack.fleetHeaders());

            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }
}
