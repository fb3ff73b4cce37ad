package org.mfc.fhir.worker;

import java.time.Duration;
import java.time.Instant;

import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.process.Pipeline;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The operator's pulse of the worker: every {@code worker.stats-interval} (60 s) one INFO line with uptime, the
 * consuming channel's state and consumer count, messages processed, errors, consumer lag, parked readings and the
 * time of the last stored batch. Counts only: no patient data. The gauges behind it (consumers, lag over every
 * partition of every consumer thread, parked) are refreshed every {@code worker.metrics-refresh-interval} (5 s).
 */
@ApplicationScoped
public class StatisticsLog {

    private static final Logger LOG = Logger.getLogger(StatisticsLog.class);

    private volatile boolean stopping;

    @Inject
    WorkerMetrics metrics;

    @Inject
    @Liveness
    ConsumerChannel channel;

    @Inject
    Pipeline pipeline;

    @Scheduled(every = "${worker.stats-interval}", delayed = "${worker.stats-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        Instant last = metrics.lastProcessed();
        long lag = metrics.lag();
        LOG.infof("stats uptime=%s channel=%s consumers=%d processed=%d errors=%d lag=%s parked=%d "
                + "last_processed=%s", Duration.between(metrics.started(), Instant.now()).withNanos(0),
                metrics.channel(), metrics.consumers(), metrics.processed(), metrics.errors(),
                lag < 0 ? "unknown" : Long.toString(lag), metrics.parked(), last == null ? "never" : last.toString());
    }

    @Scheduled(every = "${worker.metrics-refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshGauges() {
        refresh();
    }

    /**
     * A refresh that runs while the application stops finds the messaging beans being destroyed: it is skipped, not
     * logged as an ERROR with a stack trace on every normal stop.
     */
    void stopping(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Updates the channel, consumer, lag and parked gauges; a failure leaves the previous values. */
    void refresh() {
        if (stopping) {
            return;
        }
        try {
            metrics.parked(pipeline.parked().count());
        } catch (RuntimeException e) {
            LOG.debugf("parked count unavailable: %s", e.getClass().getSimpleName());
        }
        try {
            channel.refresh();
        } catch (RuntimeException e) {
            if (!stopping) {
                throw e;
            }
            LOG.debugf("channel gauges not refreshed while stopping: %s", e.getClass().getSimpleName());
        }
    }
}
