package org.mfc.fhir.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.mfc.fhir.core.messaging.DeadLetterHeaders;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.messaging.TopicScan;

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
            String deviceKey, String originalTopic, String originalPartition, String originalOffset,
            String valueOmitted) {

        static Letter of(ConsumerRecord<String, String> r) {
            return new Letter(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
                    header(r, DeadLetterHeaders.STAGE), header(r, DeadLetterHeaders.REASON),
                    header(r, DeadLetterHeaders.INGEST_ID), r.key(), header(r, DeadLetterHeaders.ORIGINAL_TOPIC),
                    header(r, DeadLetterHeaders.ORIGINAL_PARTITION), header(r, DeadLetterHeaders.ORIGINAL_OFFSET),
                    header(r, DeadLetterHeaders.VALUE_OMITTED));
        }

        /** Sent without its value (too large to keep with the headers): there is nothing here to replay. */
        boolean withoutValue() {
            return valueOmitted != null;
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

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return DeadLetterHeaders.read(r.headers(), name);
    }

    /** A consumer of the dead-letter topic with the service's full Kafka configuration; {@code group} may be null. */
    static KafkaConsumer<String, String> consumer(KafkaClients kafka, String group, String clientId) {
        return kafka.consumer(group, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Reading the dead-letter topic must not create it as a side effect.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }

    /**
     * Hands every record below {@code end} to {@code action}, from the consumer's current positions, until each
     * partition reached its end offset; throws when that takes longer than {@code timeout}.
     */
    static void readTo(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end, Duration timeout,
            Consumer<ConsumerRecord<String, String>> action) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!TopicScan.reachedEnd(consumer, end)) {
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

}
