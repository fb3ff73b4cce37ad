package org.mfc.fhir.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.mfc.fhir.core.host.KafkaClientSettings;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Reading the dead-letter topic: what one dead letter says about itself (its headers, never its payload) and the
 * operator's filter on it. Shared by the browse endpoint and the replay.
 */
final class DeadLetterTopic {

    private DeadLetterTopic() {
    }

    /** One dead letter as an operator sees it: where it is, why it is there, where it came from. No payload. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Letter(int partition, long offset, Instant timestamp, String stage, String reason, String ingestId,
            String deviceKey, String originalTopic, String originalPartition, String originalOffset) {

        static Letter of(ConsumerRecord<String, String> r) {
            return new Letter(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), header(r, "dlq-stage"),
                    header(r, "dlq-reason"), header(r, "ingest-id"), r.key(), header(r, "dlq-original-topic"),
                    header(r, "dlq-original-partition"), header(r, "dlq-original-offset"));
        }
    }

    /**
     * Which dead letters an operator means: a stage (exact, any case) and a part of the reason (any case); an absent
     * part matches everything.
     */
    record Filter(String stage, String reason) {

        Filter {
            stage = stage == null || stage.isBlank() ? null : stage.strip().toUpperCase(Locale.ROOT);
            reason = reason == null || reason.isBlank() ? null : reason.strip().toLowerCase(Locale.ROOT);
        }

        boolean isEmpty() {
            return stage == null && reason == null;
        }

        boolean matches(Letter letter) {
            return (stage == null || stage.equals(letter.stage() == null ? null
                    : letter.stage().toUpperCase(Locale.ROOT)))
                    && (reason == null || (letter.reason() != null
                            && letter.reason().toLowerCase(Locale.ROOT).contains(reason)));
        }
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A consumer of the dead-letter topic with the service's full Kafka configuration; {@code group} may be null. */
    static KafkaConsumer<String, String> consumer(Map<String, Object> kafkaConfig, String group, String clientId) {
        Properties p = KafkaClientSettings.consumer(kafkaConfig, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Reading the dead-letter topic must not create it as a side effect.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        if (group == null) {
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        } else {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(p);
    }

    /** The topic's partitions; empty when the topic does not exist (nothing was ever dead-lettered). */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, timeout).forEach(p -> partitions.add(new TopicPartition(p.topic(),
                p.partition())));
        return partitions;
    }

    /**
     * Hands every record below {@code end} to {@code action}, from the consumer's current positions, until each
     * partition reached its end offset; throws when that takes longer than {@code timeout}.
     */
    static void readTo(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end, Duration timeout,
            Consumer<ConsumerRecord<String, String>> action) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the dead-letter topic was not read to its end within " + timeout);
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    action.accept(r);
                }
            }
        }
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
