package org.mfc.fhir.ingest.mqtt;

import java.time.Instant;

/**
 * One message as the broker delivered it, held until it is acknowledged: {@code ack} sends the PUBACK (a no-op when
 * the connection it came on is gone; the broker then re-sends it). {@code publisher} is the broker account that
 * published it, when the broker stamps it ({@code mfc-publisher} user property).
 */
public record MqttMessage(long seq, String topic, byte[] payload, String publisher, Instant receivedAt,
        Runnable ack, int attempt) {

    MqttMessage nextAttempt() {
        return new MqttMessage(seq, topic, payload, publisher, receivedAt, ack, attempt + 1);
    }
}
