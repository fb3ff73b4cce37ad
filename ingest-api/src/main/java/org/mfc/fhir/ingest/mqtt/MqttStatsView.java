package org.mfc.fhir.ingest.mqtt;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The MQTT side of the ingest API ({@code GET /admin/mqtt/stats}), counted since this instance started.
 * {@code received} counts every delivery, {@code redelivered} those whose topic and payload this instance had
 * received in the last ten minutes (the broker re-sending after a reconnect, or a device re-sending);
 * {@code queued}/{@code stored}/{@code parked}/{@code rejected} are acknowledged messages by outcome;
 * {@code retries} counts attempts deferred because neither the queue nor the database took the message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MqttStatsView(
        @JsonProperty("enabled") boolean enabled,
        @JsonProperty("connected") boolean connected,
        @JsonProperty("state") String state,
        @JsonProperty("broker") String broker,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("share_group") String shareGroup,
        @JsonProperty("subscriptions") List<String> subscriptions,
        @JsonProperty("received") long received,
        @JsonProperty("queued") long queued,
        @JsonProperty("stored") long stored,
        @JsonProperty("parked") long parked,
        @JsonProperty("rejected") long rejected,
        @JsonProperty("rejected_by_reason") Map<String, Long> rejectedByReason,
        @JsonProperty("redelivered") long redelivered,
        @JsonProperty("retries") long retries,
        @JsonProperty("unacknowledged") int unacknowledged,
        @JsonProperty("oldest_unacknowledged_ms") Long oldestUnacknowledgedMs,
        @JsonProperty("rejects_topic") String rejectsTopic) {
}
