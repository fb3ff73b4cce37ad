package org.mfc.fhir.ingest.admin;

import java.util.List;

import org.mfc.fhir.ingest.service.IngestResult;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What is known about one accepted request. {@code status}, first that applies: {@code stored} (Observations with
 * this {@code source_message_id} are in the FHIR database, listed as {@code Observation/<id>} references);
 * {@code parked} (held in {@code pipeline_parked_readings} until the registry knows the device);
 * {@code dead_lettered} (on the worker's dead-letter topic with this {@code ingest-id} header);
 * {@code nothing_to_store} (this instance answered it, and its messages hold no reading: a heartbeat, a command
 * result); else the answer this instance gave ({@code queued}: nothing stored yet, still in the queue). {@code dead_letter_scan_complete} is false when the dead-letter topic could not be read to its end
 * within the admin timeout.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestStatus(
        @JsonProperty("ingest_id") String ingestId,
        @JsonProperty("status") String status,
        @JsonProperty("resource_ids") List<String> resourceIds,
        @JsonProperty("parked") List<Parked> parked,
        @JsonProperty("dead_letters") List<DeadLetter> deadLetters,
        @JsonProperty("dead_letter_scan_complete") boolean deadLetterScanComplete,
        @JsonProperty("accepted") IngestResult accepted) {

    /** One dead letter: the worker's stage and reason headers and where it lies on the dead-letter topic. */
    public record DeadLetter(@JsonProperty("stage") String stage, @JsonProperty("reason") String reason,
            @JsonProperty("partition") int partition, @JsonProperty("offset") long offset) {
    }

    /** One parked message: at which stage and why (reasons never hold patient values). */
    public record Parked(@JsonProperty("message_id") String messageId, @JsonProperty("stage") String stage,
            @JsonProperty("reason") String reason) {
    }
}
