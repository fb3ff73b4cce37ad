package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * Two worker instances share the topic's partitions. One is killed with SIGKILL in the middle of the load (so in the
 * middle of a batch); the other takes its partitions over; then both are restarted. Every acknowledged reading must
 * be stored exactly once.
 */
class WorkerKillFaultIT extends FaultRunSupport {

    @TempDir
    Path dir;

    @Test
    void givenTwoWorkers_whenOneKilledMidBatchThenBothRestarted_thenEveryAcknowledgedReadingStoredOnce()
            throws Exception {
        try (FaultStack stack = FaultStack.start(dir, 2, fleet(), Map.of("FHIR_BATCH_SIZE", "50"))) {
            int third = LOAD_SECONDS / 3;
            AckAudit.Verdict v = run("one of two workers kill -9, then both restarted", stack, List.of(
                    new Step(Duration.ofSeconds(third), "kill worker 1", () -> stack.workers.get(0).kill()),
                    new Step(Duration.ofSeconds(2L * third), "restart both workers", () -> {
                        stack.workers.get(1).close();
                        stack.workers.set(0, stack.workers.get(0).restart());
                        stack.workers.set(1, stack.workers.get(1).restart());
                    })),
                    FaultStack.fleetHeaders());

            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }
}
