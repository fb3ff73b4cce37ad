package org.mfc.fhir.worker;

import java.time.Instant;

import org.jboss.logging.Logger;
import org.mfc.fhir.core.process.Pipeline;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A day's step count is stored {@code preliminary} while the day runs (the watch keeps counting); every
 * {@code worker.finalize-interval} ({@code FHIR_FINALIZE_INTERVAL}, 5 min) the counts of days that have ended become
 * {@code final}. Idempotent, so every worker instance may run it; a database outage only delays it.
 */
@ApplicationScoped
public class PeriodFinalizer {

    private static final Logger LOG = Logger.getLogger(PeriodFinalizer.class);

    @Inject
    Pipeline pipeline;

    @Scheduled(every = "${worker.finalize-interval}", delayed = "${worker.finalize-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            long finalized = pipeline.fhirStore().finalizeEndedPeriods(Instant.now());
            if (finalized > 0) {
                LOG.debugf("finalized %d daily counts whose day ended", finalized);
            }
        } catch (RuntimeException e) {
            LOG.warnf("finalizing ended days failed (%s); retried at the next tick", e.getClass().getSimpleName());
        }
    }
}
