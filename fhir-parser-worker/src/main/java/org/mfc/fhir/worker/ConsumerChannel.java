package org.mfc.fhir.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The truth about the consuming channel {@value #CHANNEL}: whether it is alive, how many consumer threads it runs
 * and their lag over every assigned partition. A channel that died (SmallRye stops delivering for good once a
 * channel fails) makes liveness DOWN, so an orchestrator restarts the instance; and, after
 * {@code worker.dead-channel-exit-after}, the process exits by itself (status 3) for hosts without liveness probes
 * (Compose, systemd), which restart it. Nothing a message contains can fail the channel (poison is isolated); what
 * remains is an error from the JVM or the Kafka client, which a restart clears.
 */
@Liveness
@ApplicationScoped
public class ConsumerChannel implements HealthCheck {

    static final String CHANNEL = "readings-in";
    private static final Logger LOG = Logger.getLogger(ConsumerChannel.class);
    /** Exit status of a worker that stopped because its consuming channel died. */
    static final int DEAD_CHANNEL_EXIT_STATUS = 3;

    @Inject
    HealthCenter health;

    @Inject
    KafkaClientService kafka;

    @Inject
    WorkerMetrics metrics;

    @Inject
    WorkerConfig config;

    private volatile Instant deadSince;

    /**
     * The messaging state as SmallRye's own liveness report gives it: null when alive, else why not. Any failed
     * entry counts: a failure of the consuming method is reported under the method's name, not the channel's, and
     * a failed outgoing channel (alerts, dead letters) stops consumption as surely.
     */
    String failure() {
        HealthReport liveness = health.getLiveness();
        for (HealthReport.ChannelInfo info : liveness.getChannels()) {
            if (!info.isOk()) {
                return info.getChannel() + ": " + (info.getMessage() == null ? "failed" : info.getMessage());
            }
        }
        return null;
    }

    @Override
    public HealthCheckResponse call() {
        String failure = failure();
        return HealthCheckResponse.named("readings-consumer").status(failure == null)
                .withData("channel", CHANNEL)
                .withData("consumers", metrics.consumers())
                .withData("reason", failure == null ? "consuming" : "channel stopped: " + shorten(failure)).build();
    }

    /**
     * Refreshes the consumer count, channel state and lag gauges; counts a channel that just died as an error and
     * exits the process once it stayed dead past the configured time.
     */
    void refresh() {
        String failure = failure();
        if (failure != null) {
            if (deadSince == null) {
                deadSince = Instant.now();
                metrics.channelFailure();
                LOG.errorf("the %s channel stopped consuming: %s; liveness is DOWN", CHANNEL, shorten(failure));
            }
            metrics.consumers(0, "DOWN");
            metrics.lag(-1);
            exitIfDeadTooLong();
            return;
        }
        deadSince = null;
        List<KafkaConsumer<Object, Object>> consumers = kafka.getConsumers(CHANNEL);
        metrics.consumers(consumers.size(), "UP");
        long total = 0;
        boolean known = true;
        for (KafkaConsumer<Object, Object> consumer : consumers) {
            try {
                Long lag = consumer.runOnPollingThread(ConsumerChannel::lag).await().atMost(Duration.ofSeconds(5));
                if (lag == null || lag < 0) {
                    known = false;
                } else {
                    total += lag;
                }
            } catch (RuntimeException e) {
                known = false;
                LOG.debugf("consumer lag unavailable: %s", e.getClass().getSimpleName());
            }
        }
        metrics.lag(known ? total : -1);
    }

    private void exitIfDeadTooLong() {
        Duration limit = config.deadChannelExitAfter();
        if (limit.isZero() || limit.isNegative() || deadSince == null) {
            return;
        }
        if (Duration.between(deadSince, Instant.now()).compareTo(limit) >= 0) {
            LOG.errorf("the %s channel has been dead for %s: exiting with status %d so that the instance is "
                    + "restarted", CHANNEL, limit, DEAD_CHANNEL_EXIT_STATUS);
            Quarkus.asyncExit(DEAD_CHANNEL_EXIT_STATUS);
        }
    }

    /**
     * Records behind the log end over this consumer's assigned partitions: the consumer's own lag where it has
     * fetched, else end offset minus position; -1 when neither is known yet.
     */
    private static Long lag(Consumer<Object, Object> consumer) {
        long total = 0;
        var assigned = consumer.assignment();
        var ends = assigned.isEmpty() ? java.util.Map.<TopicPartition, Long>of()
                : consumer.endOffsets(assigned, Duration.ofSeconds(2));
        for (TopicPartition tp : assigned) {
            var current = consumer.currentLag(tp);
            if (current.isPresent()) {
                total += current.getAsLong();
                continue;
            }
            Long end = ends.get(tp);
            if (end == null) {
                return -1L;
            }
            total += Math.max(0, end - consumer.position(tp, Duration.ofSeconds(2)));
        }
        return total;
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
