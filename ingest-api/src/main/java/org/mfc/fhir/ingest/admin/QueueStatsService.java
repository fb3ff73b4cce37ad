package org.mfc.fhir.ingest.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.problem.ProblemException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads the queue's state from the broker with a Kafka Admin client whose every call is bounded by
 * {@code ingest.admin-timeout}, so an unreachable broker gives {@code status: error} quickly instead of a hung
 * request.
 */
@ApplicationScoped
public class QueueStatsService {

    private static final Logger LOG = Logger.getLogger(QueueStatsService.class);

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    KafkaClients kafka;

    /** The readings channel's own broker address when it has one: the queue is where readings are published. */
    @ConfigProperty(name = "mp.messaging.outgoing.readings-out.bootstrap.servers")
    java.util.Optional<String> channelBootstrapServers;

    private Admin admin;

    public QueueStats stats() {
        long threshold = config.lagDegradedThreshold();
        try {
            Admin a = admin();
            List<QueueStats.PartitionLag> partitions = lags(a);
            long queueSize = partitions.stream().mapToLong(QueueStats.PartitionLag::lag).sum();
            int consumers = consumers(a);
            long deadLetters = deadLetters(a);
            String status = !config.asyncEnabled() ? "disabled"
                    : queueSize > threshold || consumers == 0 ? "degraded" : "healthy";
            return new QueueStats(config.asyncEnabled(), status, config.topic(), queueSize, config.consumerGroup(),
                    consumers, partitions, config.deadLetterTopic(), deadLetters, threshold, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted", 1);
        } catch (Exception e) {
            String error = "broker not reachable within " + config.adminTimeout().toMillis() + " ms ("
                    + (e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e).getClass()
                            .getSimpleName() + ")";
            LOG.warnf("queue stats: %s", error);
            return new QueueStats(config.asyncEnabled(), "error", config.topic(), null, config.consumerGroup(), null,
                    null, config.deadLetterTopic(), null, threshold, error);
        }
    }

    /** Whether the broker answers within the admin timeout (health checks). */
    public boolean brokerReachable() {
        try {
            admin().describeCluster().nodes().get(timeoutMs(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private List<QueueStats.PartitionLag> lags(Admin a) throws Exception {
        Set<TopicPartition> partitions = partitions(a, config.topic());
        if (partitions.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(a, partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> begins = offsets(a, partitions, OffsetSpec.earliest());
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = a.listConsumerGroupOffsets(config.consumerGroup()).partitionsToOffsetAndMetadata()
                    .get(timeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
            committed = Map.of();
        }
        List<QueueStats.PartitionLag> out = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long end = ends.get(tp).offset();
            OffsetAndMetadata c = committed.get(tp);
            // Never committed: everything still retained is waiting.
            long from = c != null ? c.offset() : begins.get(tp).offset();
            out.add(new QueueStats.PartitionLag(tp.partition(), end, c == null ? null : c.offset(),
                    Math.max(0, end - from)));
        }
        out.sort(Comparator.comparingInt(QueueStats.PartitionLag::partition));
        return out;
    }

    private int consumers(Admin a) throws Exception {
        try {
            ConsumerGroupDescription group = a.describeConsumerGroups(List.of(config.consumerGroup()))
                    .describedGroups().get(config.consumerGroup()).get(timeoutMs(), TimeUnit.MILLISECONDS);
            return group.members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    private long deadLetters(Admin a) throws Exception {
        Set<TopicPartition> partitions = partitions(a, config.deadLetterTopic());
        if (partitions.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(a, partitions, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResultInfo> begins = offsets(a, partitions, OffsetSpec.earliest());
        return partitions.stream().mapToLong(tp -> ends.get(tp).offset() - begins.get(tp).offset()).sum();
    }

    private Set<TopicPartition> partitions(Admin a, String topic) throws Exception {
        try {
            TopicDescription d = a.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(timeoutMs(), TimeUnit.MILLISECONDS);
            return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toSet());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Set.of();
            }
            throw e;
        }
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin a, Set<TopicPartition> partitions,
            OffsetSpec spec) throws Exception {
        return a.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec))).all()
                .get(timeoutMs(), TimeUnit.MILLISECONDS);
    }

    /** The broker of the readings queue (and of its dead-letter topic). */
    String bootstrapServers() {
        return channelBootstrapServers.orElse(bootstrapServers);
    }

    private long timeoutMs() {
        return config.adminTimeout().toMillis();
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> settings = new HashMap<>(KafkaClients.bounded(config.adminTimeout()));
            settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "ingest-api-admin");
            settings.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
            admin = kafka.admin(settings);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }
}
