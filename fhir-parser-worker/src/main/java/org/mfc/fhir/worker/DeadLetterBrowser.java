package org.mfc.fhir.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.messaging.TopicScan;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Lists dead letters for an operator: counts per stage and reason over the whole retained topic, and the newest
 * letters matching a filter with their headers (never the payload, which is the device's message). Each letter says
 * whether a replay has already passed it. The scan reads at most {@link #MAX_SCANNED} letters within
 * {@code worker.replay-timeout}; {@code complete} says whether it reached the end.
 */
@ApplicationScoped
public class DeadLetterBrowser {

    static final int MAX_SCANNED = 200_000;
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    /** One listing. {@code letters} are the newest matching ones, oldest of them first. */
    public record Listing(String topic, int scanned, boolean complete, int matched, Map<String, Integer> byStage,
            Map<String, Integer> byReason, List<Entry> letters) {
    }

    /** A listed letter and whether the replay group's position is past it. */
    public record Entry(DeadLetterTopic.Letter letter, boolean replayed) {
    }

    @Inject
    WorkerConfig config;

    @Inject
    KafkaClients kafka;

    public Listing list(DeadLetterTopic.Filter filter, int limit) {
        // The replay group is named only to read its position; this consumer never joins it or commits.
        try (KafkaConsumer<String, String> consumer = DeadLetterTopic.consumer(kafka, config.replayGroup(),
                "fhir-parser-worker-dead-letter-browse")) {
            List<TopicPartition> partitions = TopicScan.partitions(consumer, config.deadLetterTopic(),
                    METADATA_TIMEOUT);
            if (partitions.isEmpty()) {
                return new Listing(config.deadLetterTopic(), 0, true, 0, Map.of(), Map.of(), List.of());
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> replayed = consumer.committed(new HashSet<>(partitions),
                    METADATA_TIMEOUT);
            consumer.seekToBeginning(partitions);
            Map<String, Integer> byStage = new TreeMap<>();
            Map<String, Integer> byReason = new TreeMap<>();
            Deque<Entry> newest = new ArrayDeque<>();
            int[] scanned = {0};
            boolean complete = true;
            try {
                DeadLetterTopic.readTo(consumer, end, config.replayTimeout(), r -> {
                    if (scanned[0] >= MAX_SCANNED) {
                        throw new ScanLimit();
                    }
                    scanned[0]++;
                    DeadLetterTopic.Letter letter = DeadLetterTopic.Letter.of(r);
                    if (!filter.matches(letter)) {
                        return;
                    }
                    byStage.merge(String.valueOf(letter.stage()), 1, Integer::sum);
                    byReason.merge(String.valueOf(letter.reason()), 1, Integer::sum);
                    OffsetAndMetadata position = replayed.get(new TopicPartition(r.topic(), r.partition()));
                    newest.addLast(new Entry(letter, position != null && r.offset() < position.offset()));
                    if (newest.size() > limit) {
                        newest.removeFirst();
                    }
                });
            } catch (ScanLimit | IllegalStateException e) {
                complete = false;
            }
            int matched = byStage.values().stream().mapToInt(Integer::intValue).sum();
            return new Listing(config.deadLetterTopic(), scanned[0], complete, matched, byStage, byReason,
                    List.copyOf(newest));
        }
    }

    /** Ends a scan that reached {@link #MAX_SCANNED}. */
    private static final class ScanLimit extends RuntimeException {
        ScanLimit() {
            super(null, null, false, false);
        }
    }
}
