package org.mfc.fhir.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.process.Pipeline;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The operator's pulse of the worker: every {@code worker.stats-interval} (60 s) one INFO line with uptime, messages
 * processed, errors, consumer lag, parked readings and the time of the last stored batch. Counts only: no patient
 * data. The same tick refreshes the lag and parked gauges.
 */
@ApplicationScoped
public class StatisticsLog {

    private static final Logger LOG = Logger.getLogger(StatisticsLog.class);

    @Inject
    WorkerMetrics metrics;

    @Inject
    KafkaClientService kafka;

    @Inject
    Pipeline pipeline;

    @Scheduled(every = "${worker.stats-interval}", delayed = "${worker.stats-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        refresh();
        Instant last = metrics.lastProcessed();
        LOG.infof("stats uptime=%s processed=%d errors=%d lag=%d parked=%d last_processed=%s",
                Duration.between(metrics.started(), Instant.now()).withNanos(0), metrics.processed(),
                metrics.errors(), metrics.lag(), metrics.parked(), last == null ? "never" : last.toString());
    }

    /** Updates the lag and parked gauges; a failure leaves the previous values (and is itself not fatal). */
    void refresh() {
        try {
            metrics.parked(pipeline.parked().count());
        } catch (RuntimeException e) {
            LOG.debugf("parked count unavailable: %s", e.getClass().getSimpleName());
        }
        try {
            KafkaConsumer<Object, Object> consumer = kafka.getConsumer("readings-in");
            if (consumer != null) {
                Long lag = consumer.runOnPollingThread(StatisticsLog::lag).await().atMost(Duration.ofSeconds(5));
                metrics.lag(lag);
            }
        } catch (RuntimeException e) {
            LOG.debugf("consumer lag unavailable: %s", e.getClass().getSimpleName());
        }
    }

    /** Records behind the log end, summed over this instance's assigned partitions. */
    private static Long lag(Consumer<Object, Object> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        long total = 0;
        for (TopicPartition tp : assigned) {
            total += consumer.currentLag(tp).orElse(0);
        }
        return total;
    }
}
