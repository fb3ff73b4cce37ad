package org.mfc.fhir.ingest.admin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mfc.fhir.core.host.KafkaClientSettings;
import org.mfc.fhir.ingest.config.IngestConfig;

import io.smallrye.common.annotation.Identifier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Finds the dead letters of one request on the worker's dead-letter topic by their {@code ingest-id} header (the
 * worker keeps no other record of them). The topic is read from the beginning within {@code ingest.admin-timeout}
 * and at most {@link #MAX_SCANNED} records: a dead-letter topic is meant to stay small, and the answer says when the
 * scan was cut short.
 */
@ApplicationScoped
public class DeadLetterLookup {

    static final int MAX_SCANNED = 100_000;

    /** What was found; {@code complete} is false when the scan stopped before the end of the topic. */
    public record Result(List<IngestStatus.DeadLetter> letters, boolean complete) {
    }

    @Inject
    IngestConfig config;

    @Inject
    QueueStatsService queue;

    /** The full {@code kafka.*} configuration the channels get (security settings included). */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    public Result find(String ingestId) {
        long deadline = System.nanoTime() + config.adminTimeout().toNanos();
        List<IngestStatus.DeadLetter> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.deadLetterTopic(), config.adminTimeout())
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                return new Result(found, true);
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, config.adminTimeout());
            consumer.seekToBeginning(partitions);
            int scanned = 0;
            while (!reachedEnd(consumer, partitions, ends)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || scanned >= MAX_SCANNED) {
                    return new Result(found, false);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000)))) {
                    scanned++;
                    if (ingestId.equals(header(r, "ingest-id"))) {
                        found.add(new IngestStatus.DeadLetter(header(r, "dlq-stage"), header(r, "dlq-reason"),
                                r.partition(), r.offset()));
                    }
                }
            }
            return new Result(found, true);
        } catch (TimeoutException e) {
            return new Result(found, false);
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> ends) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < ends.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        int timeout = (int) config.adminTimeout().toMillis();
        Properties p = KafkaClientSettings.consumer(kafkaConfig, Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, queue.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "ingest-api-dead-letter-lookup",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                // A look-up must not create the dead-letter topic as a side effect.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout,
                ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(timeout, 1000),
                ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(timeout, 2000)));
        // A look-up reads by assignment and commits nothing: the shared configuration's group id does not apply.
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(p);
    }
}
