package org.mfc.fhir.core.host;

import java.util.concurrent.TimeUnit;

/**
 * One step of a service's start-up rehearsal (the ingest API's request path, the worker's batch path): it runs, and
 * its outcome and duration go into the rehearsal's summary line. A failing step is skipped, never fatal: a service
 * that cannot rehearse still starts, only colder.
 */
@FunctionalInterface
public interface WarmupStep {

    /** What the step did, for the summary ("20000 messages", "connected"). */
    String run() throws Exception;

    /** Runs {@code step}: its outcome, or why it was skipped, and how long it took. */
    static String timed(WarmupStep step) {
        long start = System.nanoTime();
        String outcome;
        try {
            outcome = step.run();
        } catch (Exception e) {
            outcome = "skipped (" + e.getClass().getSimpleName() + ")";
        }
        return outcome + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
    }
}
