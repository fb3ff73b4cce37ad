package org.mfc.fhir.migrator.rederive;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.messaging.ReadingsCodec;
import org.mfc.fhir.core.messaging.TopicScan;
import org.mfc.fhir.core.model.Stage;

/**
 * Reads the readings topic from where the re-derivation's consumer group left it (the earliest retained record the
 * first time, or with {@code restart}) up to the end offsets at the start of the run, hands every record to a
 * handler, and commits after each poll's records are handled: a killed run resumes after the last committed
 * record and redoes at most one poll, whose records are idempotent. Records appended after the start were written by
 * the current mapping and are not read.
 */
public final class TopicPass {

    private static final Logger LOG = Logger.getLogger(TopicPass.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaClients kafka;
    private final String topic;
    private final String group;

    /** @param kafka the migrator's full {@code kafka.*} configuration (a secured cluster's settings included) */
    public TopicPass(KafkaClients kafka, String topic, String group) {
        this.kafka = kafka;
        this.topic = topic;
        this.group = group;
    }

    /** @return records read, and records whose value was not an ingest record (skipped) */
    public long[] run(boolean restart, Consumer<IngestRecord> handler) {
        long read = 0;
        long unreadable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(group, Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, topic, Duration.ofSeconds(30));
            if (partitions.isEmpty()) {
                return new long[] {0, 0};
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                if (restart || c == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, c.offset());
                }
            }
            while (!TopicScan.reachedEnd(consumer, end)) {
                Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    read++;
                    IngestRecord record = parse(r.value());
                    if (record == null) {
                        unreadable++;
                    } else {
                        handler.accept(record);
                    }
                    handled.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
                if (!handled.isEmpty()) {
                    consumer.commitSync(handled);
                }
            }
        }
        LOG.infof("%s rederive read %d records of %s (%d unreadable)", Stage.MIGRATE, read, topic, unreadable);
        return new long[] {read, unreadable};
    }

    private static IngestRecord parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return ReadingsCodec.decode(value);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
