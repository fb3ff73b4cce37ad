package org.mfc.fhir.ingest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to an accepted request. {@code queued} (202): the broker acknowledged every message;
 * {@code stored} (201): stored synchronously, with the resource ids; {@code parked} (202): stored aside until the
 * registry knows the device.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestResult(
        @JsonProperty("ingest_id") String ingestId,
        @JsonProperty("status") String status,
        @JsonProperty("messages") int messages,
        @JsonProperty("readings") int readings,
        @JsonProperty("queue_name") String queueName,
        @JsonProperty("received_at") String receivedAt,
        @JsonProperty("resource_ids") List<String> resourceIds,
        @JsonProperty("request_id") String requestId) {

    public int httpStatus() {
        return "stored".equals(status) ? 201 : 202;
    }
}
