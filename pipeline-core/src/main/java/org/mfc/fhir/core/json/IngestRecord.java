package org.mfc.fhir.core.json;

import java.time.Instant;
import java.util.Objects;

import org.mfc.fhir.core.model.DeviceFamily;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Kafka record of one accepted device message: the device's payload exactly as received plus what the ingest
 * API knew when it accepted it. The worker parses {@code payload} with the same parser the API validated it with,
 * so a parser fix followed by a dead-letter replay re-reads the original message.
 *
 * @param ingestId   id answered to the client (one per HTTP request)
 * @param seq        position of this message in the request (0 unless the request was a batch)
 * @param topic      Kati topic ({@code VitalSign}, {@code AP55} ...) or the generic body's type, else null
 * @param deviceKey  normalised id of the reporting device: the Kafka key
 * @param clientId   authenticated client (token subject) that posted it
 * @param receivedAt when the API received the request, ISO-8601 UTC
 * @param deviceBound the client's token was bound to the reporting device ({@code device_ids}): the message may then
 *                   write only for patients the registry links to that device (an AVA4 box's sub-devices); false
 *                   for a fleet-wide bridge token and in records written before this field existed
 */
public record IngestRecord(
        @JsonProperty("ingest_id") String ingestId,
        @JsonProperty("seq") int seq,
        @JsonProperty("family") DeviceFamily family,
        @JsonProperty("topic") String topic,
        @JsonProperty("device_key") String deviceKey,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("received_at") String receivedAt,
        @JsonProperty("payload") JsonNode payload,
        @JsonProperty("device_bound")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = FalseFilter.class) boolean deviceBound) {

    /** A record of a fleet-wide (unbound) client. */
    public IngestRecord(String ingestId, int seq, DeviceFamily family, String topic, String deviceKey, String clientId,
            String receivedAt, JsonNode payload) {
        this(ingestId, seq, family, topic, deviceKey, clientId, receivedAt, payload, false);
    }

    public IngestRecord {
        Objects.requireNonNull(ingestId, "ingest_id");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(receivedAt, "received_at");
        Objects.requireNonNull(payload, "payload");
    }

    /** Identity of this message across retries and dead-letter replays. */
    @JsonIgnore
    public String messageId() {
        return ingestId + ":" + seq;
    }

    @JsonIgnore
    public Instant receivedInstant() {
        return Instant.parse(receivedAt);
    }

    /** Leaves {@code device_bound: false} out of the JSON: records stay as they were for every unbound client. */
    static final class FalseFilter {
        @Override
        public boolean equals(Object value) {
            return Boolean.FALSE.equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
