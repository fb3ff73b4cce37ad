package org.mfc.fhir.ingest.mqtt;

import java.time.Instant;

import io.opentelemetry.context.Context;

/**
 * One message as the broker delivered it, held until it is acknowledged: {@code ack} sends the PUBACK (a no-op when
 * the connection it came on is gone; the broker then re-sends it). {@code publisher} is the broker account that
 * published it, when the broker stamps it ({@code mfc-publisher} user property). {@code trace} is the trace the
 * publisher continued ({@code traceparent} user property), else the root context. {@code rateTaken}: the message
 * has taken its device's rate (once per message, not per attempt).
 */
public record MqttMessage(long seq, String topic, byte[] payload, String publisher, Instant receivedAt,
        Runnable ack, int attempt, Context trace, boolean rateTaken) {

    public MqttMessage(long seq, String topic, byte[] payload, String publisher, Instant receivedAt, Runnable ack,
            int attempt, Context trace) {
        this(seq, topic, payload, publisher, receivedAt, ack, attempt, trace, false);
    }

    MqttMessage nextAttempt() {
        return new MqttMessage(seq, topic, payload, publisher, receivedAt, ack, attempt + 1, trace, rateTaken);
    }

    MqttMessage withRateTaken() {
        return new MqttMessage(seq, topic, payload, publisher, receivedAt, ack, attempt, trace, true);
    }
}
