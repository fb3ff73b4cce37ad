package org.mfc.fhir.worker;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.mfc.fhir.core.messaging.DeadLetterHeaders;
import org.mfc.fhir.core.model.Stage;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Sends records that cannot be processed to the dead-letter topic with the original key and value and headers
 * {@code dlq-stage}, {@code dlq-reason}, {@code dlq-original-topic}, {@code dlq-original-partition},
 * {@code dlq-original-offset}, {@code ingest-id}. Waits for the broker's acknowledgement: a batch is committed only
 * after its dead letters are durable.
 *
 * <p>A record can fit the readings topic and still be too large for the dead-letter topic once these headers are
 * added (a value within a few hundred bytes of the 1 MiB record limit). Refused for its size, that dead letter would
 * fail its batch on every retry and stop the partition behind it, so it is sent again without its value, with
 * {@code dlq-value-omitted} giving the value's size: the value stays on the original topic at the offset the letter
 * names.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    /** One dead letter: where it came from and why it could not be processed. */
    public record DeadLetter(String key, String value, Stage stage, String reason, String topic, int partition,
            long offset, String ingestId) {
    }

    /** Longest {@code dlq-reason} header: the first problems of a message say enough. */
    static final int MAX_REASON_LENGTH = 2_000;

    @Inject
    @Channel("dead-letter-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
    Emitter<String> emitter;

    @Inject
    WorkerConfig config;

    /** The dead-letter producer's {@code max.request.size} (Kafka's default unless the channel sets one). */
    @ConfigProperty(name = "mp.messaging.outgoing.dead-letter-out.max.request.size", defaultValue = "1048576")
    int maxRequestSize;

    public void publishAll(List<DeadLetter> letters)
            throws java.util.concurrent.TimeoutException, java.util.concurrent.ExecutionException, InterruptedException {
        CompletableFuture<?>[] acks = new CompletableFuture<?>[letters.size()];
        for (int i = 0; i < letters.size(); i++) {
            acks[i] = publish(letters.get(i));
        }
        CompletableFuture.allOf(acks).get(config.deadLetterTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Void> publish(DeadLetter letter) {
        if (upperBoundBytes(letter) > maxRequestSize) {
            return send(letter, true);
        }
        // The topic's own limit can be lower than the producer's: the broker's refusal takes the same way.
        return send(letter, false).exceptionallyComposeAsync(failure -> tooLarge(failure)
                ? send(letter, true) : CompletableFuture.failedFuture(failure));
    }

    /**
     * What the producer counts against {@code max.request.size} for this letter alone, at most: the record batch's
     * overhead (61 bytes), the record's (at most 21), the key, the value and each header with its two lengths.
     */
    static long upperBoundBytes(DeadLetter letter) {
        long headers = 0;
        for (String h : new String[] {String.valueOf(letter.stage()), bounded(letter.reason()), letter.topic(),
                Integer.toString(letter.partition()), Long.toString(letter.offset()), letter.ingestId()}) {
            headers += 10 + 24 + utf8Length(h);
        }
        return 61 + 21 + utf8Length(letter.key()) + utf8Length(letter.value()) + headers;
    }

    private static long utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean tooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Void> send(DeadLetter letter, boolean withoutValue) {
        String value = letter.value() == null ? "" : letter.value();
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.write(headers, DeadLetterHeaders.STAGE, letter.stage().name());
        DeadLetterHeaders.write(headers, DeadLetterHeaders.REASON, bounded(letter.reason()));
        DeadLetterHeaders.write(headers, DeadLetterHeaders.ORIGINAL_TOPIC, letter.topic());
        DeadLetterHeaders.write(headers, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(letter.partition()));
        DeadLetterHeaders.write(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(letter.offset()));
        if (letter.ingestId() != null) {
            DeadLetterHeaders.write(headers, DeadLetterHeaders.INGEST_ID, letter.ingestId());
        }
        if (withoutValue) {
            DeadLetterHeaders.write(headers, DeadLetterHeaders.VALUE_OMITTED,
                    Integer.toString(value.getBytes(StandardCharsets.UTF_8).length));
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(withoutValue ? "" : value, () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(letter.key()).withHeaders(headers)
                .build());
        emitter.send(message);
        return acked;
    }

    /** Every letter's reason (from a batch or a reprocess) within {@link #MAX_REASON_LENGTH}. */
    static String bounded(String reason) {
        return reason != null && reason.length() > MAX_REASON_LENGTH
                ? reason.substring(0, MAX_REASON_LENGTH - 3) + "..." : reason;
    }
}
