package org.mfc.fhir.ingest.admin;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.mfc.fhir.ingest.config.IngestConfig;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The readings queue as the broker sees it, as gauges: members of the worker group ({@code ingest_queue_consumers}),
 * records not yet committed by it ({@code ingest_queue_size}) and dead letters retained
 * ({@code ingest_queue_dead_letters}). The consumer count can only come from the broker (a worker that is gone
 * reports nothing), so an alert on "no worker consumes" needs it. Refreshed every {@code INGEST_QUEUE_GAUGE_INTERVAL}
 * on one background thread, never on the scrape; NaN while the broker does not answer or async is off.
 */
@ApplicationScoped
public class QueueGauges {

    private static final Logger LOG = Logger.getLogger(QueueGauges.class);

    @Inject
    QueueStatsService queue;

    @Inject
    IngestConfig config;

    @Inject
    MeterRegistry registry;

    private volatile QueueStats last;
    private ScheduledExecutorService refresher;

    void start(@Observes StartupEvent event) {
        Gauge.builder("ingest.queue.consumers", this, g -> value(g.last == null ? null : g.last.consumerCount()))
                .description("Members of the worker consumer group, as the broker reports them").strongReference(true)
                .register(registry);
        Gauge.builder("ingest.queue.size", this, g -> value(g.last == null ? null : g.last.queueSize()))
                .description("Records on the readings topic the worker group has not committed yet")
                .strongReference(true).register(registry);
        Gauge.builder("ingest.queue.dead.letters", this, g -> value(g.last == null ? null : g.last.deadLetterCount()))
                .description("Records retained on the dead-letter topic").strongReference(true).register(registry);
        long every = config.queueGaugeInterval().toMillis();
        if (!config.asyncEnabled() || every <= 0) {
            return;
        }
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "queue-gauges");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, 0, every, TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            QueueStats stats = queue.stats();
            last = "error".equals(stats.status()) ? null : stats;
        } catch (RuntimeException e) {
            last = null;
            LOG.debugf("queue gauges not refreshed: %s", e.getClass().getSimpleName());
        }
    }

    private static double value(Number n) {
        return n == null ? Double.NaN : n.doubleValue();
    }

    @PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
