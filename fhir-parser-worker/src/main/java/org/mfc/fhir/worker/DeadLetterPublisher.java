package org.mfc.fhir.worker;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.internals.RecordHeaders;
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

    public void publishAll(List<DeadLetter> letters)
            throws java.util.concurrent.TimeoutException, java.util.concurrent.ExecutionException, InterruptedException {
        CompletableFuture<?>[] acks = new CompletableFuture<?>[letters.size()];
        for (int i = 0; i < letters.size(); i++) {
            acks[i] = publish(letters.get(i));
        }
        CompletableFuture.allOf(acks).get(config.deadLetterTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Void> publish(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.write(headers, DeadLetterHeaders.STAGE, letter.stage().name());
        DeadLetterHeaders.write(headers, DeadLetterHeaders.REASON, bounded(letter.reason()));
        DeadLetterHeaders.write(headers, DeadLetterHeaders.ORIGINAL_TOPIC, letter.topic());
        DeadLetterHeaders.write(headers, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(letter.partition()));
        DeadLetterHeaders.write(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(letter.offset()));
        if (letter.ingestId() != null) {
            DeadLetterHeaders.write(headers, DeadLetterHeaders.INGEST_ID, letter.ingestId());
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(letter.value() == null ? "" : letter.value(), () -> {
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
