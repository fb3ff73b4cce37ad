package org.mfc.fhir.ingest.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.errors.RecordTooLargeException;
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
 * Keeps a refused MQTT message where an operator can see it: the rejects topic ({@code MQTT_REJECTS_TOPIC}), value =
 * the payload exactly as the device sent it, headers in the dead-letter topic's vocabulary ({@code dlq-stage},
 * {@code dlq-reason}) plus {@code mqtt-topic}, {@code mqtt-publisher} and {@code received-at}. The future completes
 * when the broker acknowledged the record ({@code acks=all}); only then is the MQTT message acknowledged.
 */
@ApplicationScoped
public class RejectPublisher {

    /** A reason names fields and rules, never values; bounded all the same. */
    private static final int MAX_REASON_CHARS = 2000;
    /**
     * The largest record kept: Kafka's default {@code max.request.size} and (within a few bytes) the broker's
     * {@code message.max.bytes}. A reject over it could never be set aside (and never acknowledged), so its payload
     * is cut to what fits beside its key and headers and {@code payload-truncated-from} gives its size; every
     * payload that fits is kept whole, byte for byte, so it can be re-published after a fix.
     */
    static final int MAX_RECORD_BYTES = 1_048_576;
    /** Kafka's record batch overhead (61) and a record's own at most (21). */
    private static final int RECORD_OVERHEAD_BYTES = 82;
    /** Room for the {@code payload-truncated-from} header a cut payload adds. */
    private static final int TRUNCATION_HEADER_BYTES = 48;
    /**
     * Room for the headers the Kafka sink adds after this class: the trace context ({@code traceparent}, 68 bytes
     * with its framing; {@code tracestate} and {@code baggage} when a caller sets them). Without it a payload cut to
     * fit exactly was over the limit by the trace header, and its record was refused on every retry.
     */
    static final int SINK_HEADER_BYTES = 1_024;

    @Inject
    @Channel("mqtt-rejects-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2_000)
    Emitter<byte[]> emitter;

    /**
     * Sets the message aside; completes when the broker acknowledged it. A record the broker still refuses as too
     * large (its limit set below the default) is sent once more without its payload, {@code payload-truncated-from}
     * giving the payload's size: a reject is never retried for ever for its size.
     */
    public CompletableFuture<Void> publish(MqttMessage m, Stage stage, String reason, String deviceKey) {
        return send(m, stage, reason, deviceKey, false).exceptionallyCompose(failure -> tooLarge(failure)
                ? send(m, stage, reason, deviceKey, true)
                : CompletableFuture.failedFuture(failure));
    }

    private static boolean tooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Void> send(MqttMessage m, Stage stage, String reason, String deviceKey,
            boolean withoutPayload) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.write(headers, DeadLetterHeaders.STAGE, stage.name());
        DeadLetterHeaders.write(headers, DeadLetterHeaders.REASON, reason.length() > MAX_REASON_CHARS
                ? reason.substring(0, MAX_REASON_CHARS) : reason);
        headers.add("mqtt-topic", bytes(m.topic()));
        headers.add("received-at", bytes(m.receivedAt().toString()));
        if (m.publisher() != null) {
            headers.add("mqtt-publisher", bytes(m.publisher()));
        }
        byte[] payload = m.payload();
        int kept = withoutPayload ? 0 : keptBytes(deviceKey, headers);
        if (payload.length > kept) {
            headers.add("payload-truncated-from", bytes(Integer.toString(payload.length)));
            payload = java.util.Arrays.copyOf(payload, kept);
        }
        Message<byte[]> message = Message.of(payload, () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(deviceKey).withHeaders(headers).build());
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** Payload bytes that fit one record beside this key and these headers (each header counted at its most). */
    static int keptBytes(String key, RecordHeaders headers) {
        int used = RECORD_OVERHEAD_BYTES + TRUNCATION_HEADER_BYTES + SINK_HEADER_BYTES
                + (key == null ? 0 : bytes(key).length);
        for (org.apache.kafka.common.header.Header h : headers) {
            used += 10 + bytes(h.key()).length + (h.value() == null ? 0 : h.value().length);
        }
        return MAX_RECORD_BYTES - used;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
