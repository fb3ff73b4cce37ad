package org.mfc.fhir.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Publishes accepted messages to the readings topic, keyed by device (so one device's readings stay in order on
 * one partition). The returned future completes only when the broker acknowledged the record with {@code acks=all}
 * and an idempotent producer (application.properties); it fails when the broker refused it or the delivery timed
 * out.
 */
@ApplicationScoped
public class ReadingPublisher {

    @Inject
    @Channel("readings-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
    Emitter<String> emitter;

    public CompletableFuture<Void> publish(List<IngestRecord> records) {
        CompletableFuture<?>[] acks = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < records.size(); i++) {
            acks[i] = publish(records.get(i));
        }
        return CompletableFuture.allOf(acks);
    }

    private CompletableFuture<Void> publish(IngestRecord record) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        String value;
        try {
            value = Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        Message<String> message = Message.of(value, () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(record.deviceKey()).build())
                // The request's trace continues in the record's headers (traceparent), whichever thread sends it.
                .addMetadata(TracingMetadata.withCurrent(Context.current()));
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            // Buffer overflow or a terminated channel: the caller falls back to synchronous storage.
            acked.completeExceptionally(e);
        }
        return acked;
    }
}
