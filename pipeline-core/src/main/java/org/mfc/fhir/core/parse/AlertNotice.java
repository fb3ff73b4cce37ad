package org.mfc.fhir.core.parse;

import java.time.Instant;

import org.mfc.fhir.core.ids.DeterministicIds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A watch alarm (SOS, fall) as published on the alert topic and written to {@code emergency_alarm}: the parsed
 * {@link AlertEvent} with its patient and id, below the stores and the processor that both use it. It carries
 * what a responder needs (who, what, where, when) and nothing else. {@code alertId} is a function of the device,
 * the alert type and the device's time, so a redelivered message gives the same id: consumers de-duplicate on it.
 *
 * @param patientId legacy patient id (24 hex), or null when the registry does not know the watch yet (the alert is
 *                  still published at once; the message is parked and re-processed once the watch is registered)
 */
public record AlertNotice(
        @JsonProperty("alert_id") String alertId,
        @JsonProperty("alert_type") String type,
        @JsonProperty("status") String status,
        @JsonProperty("priority") String priority,
        @JsonProperty("device_key") String deviceKey,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("patient_id") String patientId,
        @JsonIgnore Instant time,
        @JsonProperty("location") JsonNode location,
        @JsonProperty("ingest_id") String ingestId) {

    public static AlertNotice of(AlertEvent event, String patientId, String ingestId) {
        String id = alertId(event);
        return new AlertNotice(id, event.type(), event.status(), event.priority(), event.device().key(),
                event.device().id(), patientId, event.time(), event.location(), ingestId);
    }

    /** 32 hex digits of SHA-256 over device, type and the event's time (seconds). */
    public static String alertId(AlertEvent event) {
        return DeterministicIds.sha256Hex("alert|" + event.device().key() + "|" + event.type() + "|"
                + event.time().getEpochSecond()).substring(0, 32);
    }

    /** The device's time of the event, ISO-8601 UTC, as published. */
    @JsonProperty("time")
    public String timeText() {
        return time.toString();
    }

    /** The Kafka key: alerts of one device stay in order on one partition. */
    @JsonIgnore
    public String key() {
        return deviceKey;
    }
}
