package org.mfc.fhir.worker;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.parse.AlertNotice;
import org.mfc.fhir.core.process.AlertSink;
import org.mfc.fhir.core.store.TransientStoreException;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Publishes watch alarms to the alert topic ({@code FHIR_ALERT_TOPIC}, acks=all, idempotent producer) and waits for
 * the broker's acknowledgement, before the batch's readings are written. The key is the watch, so one device's
 * alarms stay ordered; header {@code alert-id} carries the de-duplication key for consumers.
 */
@ApplicationScoped
public class AlertPublisher implements AlertSink {

    @Inject
    @Channel("alerts-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
    Emitter<String> emitter;

    @Inject
    WorkerConfig config;

    @Inject
    WorkerMetrics metrics;

    @Override
    public void publish(List<AlertNotice> alerts) {
        CompletableFuture<?>[] acks = new CompletableFuture<?>[alerts.size()];
        for (int i = 0; i < alerts.size(); i++) {
            acks[i] = send(alerts.get(i));
        }
        try {
            CompletableFuture.allOf(acks).get(config.alertTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new TransientStoreException("alert topic did not acknowledge (" + e.getClass().getSimpleName()
                    + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStoreException("interrupted while publishing alerts", e);
        }
        alerts.forEach(a -> metrics.alert(a.type()));
    }

    private CompletableFuture<Void> send(AlertNotice alert) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an alert", e);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add("alert-id", alert.alertId().getBytes(StandardCharsets.UTF_8));
        headers.add("alert-type", alert.type().getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<String> message = Message.of(json, () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }).addMetadata(io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(alert.key()).withHeaders(headers).build());
        emitter.send(message);
        return acked;
    }
}
