package org.mfc.fhir.ingest.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mfc.fhir.core.messaging.DeadLetterHeaders;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.messaging.TopicScan;
import org.mfc.fhir.ingest.config.IngestConfig;

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

    @Inject
    KafkaClients kafka;

    public Result find(String ingestId) {
        long deadline = System.nanoTime() + config.adminTimeout().toNanos();
        List<IngestStatus.DeadLetter> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, config.deadLetterTopic(),
                    config.adminTimeout());
            if (partitions.isEmpty()) {
                return new Result(found, true);
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, config.adminTimeout());
            consumer.seekToBeginning(partitions);
            int scanned = 0;
            while (!TopicScan.reachedEnd(consumer, ends)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || scanned >= MAX_SCANNED) {
                    return new Result(found, false);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000)))) {
                    scanned++;
                    if (ingestId.equals(DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.INGEST_ID))) {
                        found.add(new IngestStatus.DeadLetter(DeadLetterHeaders.read(r.headers(),
                                DeadLetterHeaders.STAGE), DeadLetterHeaders.read(r.headers(), DeadLetterHeaders.REASON),
                                r.partition(), r.offset()));
                    }
                }
            }
            return new Result(found, true);
        } catch (TimeoutException e) {
            return new Result(found, false);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> settings = new HashMap<>(KafkaClients.bounded(config.adminTimeout()));
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, queue.bootstrapServers());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "ingest-api-dead-letter-lookup");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A look-up must not create the dead-letter topic as a side effect.
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // A look-up reads by assignment and commits nothing: no group.
        return kafka.consumer(null, settings);
    }
}
