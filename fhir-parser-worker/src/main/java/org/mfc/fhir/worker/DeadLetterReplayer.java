package org.mfc.fhir.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.messaging.DeadLetterHeaders;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.messaging.TopicScan;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Re-publishes dead letters to the readings topic, typically after a parser or mapping fix. Reads the dead-letter
 * topic with its own consumer group ({@code worker.replay-group}), from that group's committed position up to the
 * end offsets seen when the replay starts, and re-sends each record that matches the operator's filter with its
 * original key and value (acks=all).
 *
 * <p>An unfiltered replay commits the group's position only after every re-sent record was acknowledged: an
 * interrupted replay is re-run from where it stopped, and a replayed record that fails again lands on the dead-letter
 * topic after the replay's stop point. A filtered replay (by stage or reason) leaves the position where it is, so the
 * letters it skipped are still there for a later replay; the ones it re-sent are sent again by the next unfiltered
 * replay, which stores nothing twice (writes are insert-if-absent). A dry run reads the same letters, sends nothing
 * and commits nothing. Runs one at a time.
 */
@ApplicationScoped
public class DeadLetterReplayer {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    /** Letters listed in a dry run's answer (the counts cover all of them). */
    static final int DRY_RUN_SAMPLE = 100;

    /**
     * What one replay did (or, in a dry run, would do): letters examined since the last unfiltered replay, those
     * matching the filter, counts per stage and reason, those of them sent without their value (not re-sent: the
     * value is on the original topic at the offset they name), and whether the group's position moved.
     */
    public record Report(boolean dryRun, int examined, int matched, int replayed, int withoutValue, int partitions,
            boolean positionAdvanced, Map<String, Integer> byStage, Map<String, Integer> byReason,
            List<DeadLetterTopic.Letter> sample, Instant finishedAt) {
    }

    @Inject
    WorkerConfig config;

    @Inject
    KafkaClients kafka;

    public synchronized Report replay(DeadLetterTopic.Filter filter, boolean dryRun) throws Exception {
        try (KafkaConsumer<String, String> consumer = DeadLetterTopic.consumer(kafka, config.replayGroup(),
                "fhir-parser-worker-dead-letter-replay");
                KafkaProducer<String, String> producer = dryRun ? null : producer()) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, config.deadLetterTopic(),
                    METADATA_TIMEOUT);
            if (partitions.isEmpty()) {
                return new Report(dryRun, 0, 0, 0, 0, 0, false, Map.of(), Map.of(), List.of(), Instant.now());
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions),
                    METADATA_TIMEOUT);
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                if (c == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, c.offset());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            Map<String, Integer> byStage = new TreeMap<>();
            Map<String, Integer> byReason = new TreeMap<>();
            List<DeadLetterTopic.Letter> sample = new ArrayList<>();
            int[] examined = {0};
            int[] withoutValue = {0};
            DeadLetterTopic.readTo(consumer, end, config.replayTimeout(), r -> {
                examined[0]++;
                next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                DeadLetterTopic.Letter letter = DeadLetterTopic.Letter.of(r);
                if (!filter.matches(letter)) {
                    return;
                }
                byStage.merge(String.valueOf(letter.stage()), 1, Integer::sum);
                byReason.merge(String.valueOf(letter.reason()), 1, Integer::sum);
                if (letter.withoutValue()) {
                    // Re-sending an empty value would only dead-letter it again; the value is on the original
                    // topic at the offset the letter names.
                    withoutValue[0]++;
                    LOG.warnf("dead-letter replay: letter %d/%d holds no value (%s bytes omitted); its record is at "
                            + "%s/%s/%s while that topic retains it", r.partition(), r.offset(), letter.valueOmitted(),
                            letter.originalTopic(), letter.originalPartition(), letter.originalOffset());
                }
                if (dryRun) {
                    if (sample.size() < DRY_RUN_SAMPLE) {
                        sample.add(letter);
                    }
                } else if (!letter.withoutValue()) {
                    sends.add(producer.send(replayOf(r)));
                }
            });
            int matched = byStage.values().stream().mapToInt(Integer::intValue).sum();
            if (dryRun) {
                return new Report(true, examined[0], matched, 0, withoutValue[0], partitions.size(), false, byStage,
                        byReason, sample, Instant.now());
            }
            producer.flush();
            for (Future<RecordMetadata> f : sends) {
                f.get(30, TimeUnit.SECONDS);
            }
            boolean advance = filter.isEmpty() && !next.isEmpty();
            if (advance) {
                consumer.commitSync(next);
            }
            LOG.infof("dead-letter replay: %d of %d letter(s) re-published to %s (stage=%s, reason filter %s)",
                    sends.size(), examined[0], config.readingsTopic(), filter.stage() == null ? "any" : filter.stage(),
                    filter.reason() == null ? "none" : "set");
            return new Report(false, examined[0], matched, sends.size(), withoutValue[0], partitions.size(), advance,
                    byStage, byReason, List.of(), Instant.now());
        }
    }

    private ProducerRecord<String, String> replayOf(ConsumerRecord<String, String> r) {
        ProducerRecord<String, String> out = new ProducerRecord<>(config.readingsTopic(), r.key(), r.value());
        for (Header h : r.headers()) {
            if (h.key().equals(DeadLetterHeaders.INGEST_ID)) {
                out.headers().add(h);
            }
        }
        DeadLetterHeaders.write(out.headers(), DeadLetterHeaders.REPLAYED_FROM,
                r.topic() + "/" + r.partition() + "/" + r.offset());
        return out;
    }

    private KafkaProducer<String, String> producer() {
        return kafka.producer(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "fhir-parser-worker-dead-letter-replay",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }
}
