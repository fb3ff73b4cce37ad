package org.mfc.fhir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.bench.AckAudit;

/**
 * The MongoDB wire server is stopped while the worker is writing and restarted 8 s later. The ingest API keeps
 * queueing (the broker is up); the worker holds its batch uncommitted, retries with backoff, and drains once the
 * database is back. Every acknowledged reading must be stored exactly once.
 */
class MongoOutageFaultIT extends FaultRunSupport {

    @TempDir
    Path dir;

    @Test
    void givenSteadyLoad_whenDatabaseStoppedAndRestarted_thenEveryAcknowledgedReadingStoredOnce() throws Exception {
        Map<String, String> env = Map.of("FHIR_RETRY_MAX_BACKOFF", "2s", "FHIR_RETRIES_BEFORE_UNHEALTHY", "3");
        try (FaultStack stack = FaultStack.start(dir, 1, fleet(), env)) {
            int third = LOAD_SECONDS / 3;
            AckAudit.Verdict v = run("MongoDB wire server stopped for 8 s while the worker writes", stack, List.of(
                    new Step(Duration.ofSeconds(third), "stop MongoDB", stack.mongo::stop),
                    new Step(Duration.ofSeconds(third + 8), "restart MongoDB", stack.mongo::restart)),
                    FaultStack.fleetHeaders());

            assertEveryAcknowledgedReadingStoredOnce(v);
        }
    }
}
