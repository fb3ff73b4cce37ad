package org.mfc.fhir.ingest.admin;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The readings queue as the worker sees it. {@code queue_size} is the worker group's lag summed over partitions
 * (records published but not yet committed by the worker). {@code status}: {@code healthy}; {@code degraded} (lag
 * over the threshold, or no worker consuming); {@code disabled} (async publishing off: requests are stored
 * synchronously); {@code error} (broker unreachable within the admin timeout: sizes are then null).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueueStats(
        @JsonProperty("enabled") boolean enabled,
        @JsonProperty("status") String status,
        @JsonProperty("queue_name") String queueName,
        @JsonProperty("queue_size") Long queueSize,
        @JsonProperty("consumer_group") String consumerGroup,
        @JsonProperty("consumer_count") Integer consumerCount,
        @JsonProperty("partitions") List<PartitionLag> partitions,
        @JsonProperty("dead_letter_topic") String deadLetterTopic,
        @JsonProperty("dead_letter_count") Long deadLetterCount,
        @JsonProperty("lag_degraded_threshold") long lagDegradedThreshold,
        @JsonProperty("error") String error) {

    /** One partition: {@code committed_offset} is null when the worker never committed there. */
    public record PartitionLag(
            @JsonProperty("partition") int partition,
            @JsonProperty("end_offset") long endOffset,
            @JsonProperty("committed_offset") Long committedOffset,
            @JsonProperty("lag") long lag) {
    }
}
