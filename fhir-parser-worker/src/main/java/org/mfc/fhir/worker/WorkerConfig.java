package org.mfc.fhir.worker;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The parser worker's own settings; the shared ones are in {@code PipelineConfig}. */
@ConfigMapping(prefix = "worker")
public interface WorkerConfig {

    /**
     * Batches of one sample message per family the start-up rehearsal maps before the worker reports ready and
     * takes its first batch ({@code FHIR_WARMUP_BATCHES}); 0 consumes at once.
     */
    @io.smallrye.config.WithName("warm-up.batches")
    int warmUpBatches();

    /** Longest the start-up rehearsal may take ({@code FHIR_WARMUP_MAX_TIME}). */
    @io.smallrye.config.WithName("warm-up.max-time")
    Duration warmUpMaxTime();

    /** First wait after a transient failure (database away); doubles on each further failure. */
    Duration retryInitialBackoff();

    /** Longest wait between two attempts; the worker keeps retrying at this pace until the database returns. */
    Duration retryMaxBackoff();

    /** Failed attempts after which the worker reports itself not ready (it keeps retrying, commits nothing). */
    int retriesBeforeUnhealthy();

    /** How long to wait for the broker to acknowledge a dead letter before retrying the batch. */
    Duration deadLetterTimeout();

    /** How long to wait for the broker to acknowledge the batch's alarms before retrying the batch. */
    Duration alertTimeout();

    /** Interval of the statistics log line. */
    String statsInterval();

    /**
     * How often daily counts of days that have ended become final ({@code FHIR_FINALIZE_INTERVAL}): the longest a
     * finished day's step count stays preliminary.
     */
    String finalizeInterval();

    /** Interval of the consumer, lag and parked gauges' refresh (and of the dead-channel check). */
    String metricsRefreshInterval();

    /**
     * How long the consuming channel may stay dead before the process exits (status 3) so that its host restarts
     * it; {@code 0} never exits (liveness still reports DOWN).
     */
    Duration deadChannelExitAfter();

    /** The readings topic ({@code FHIR_QUEUE_NAME}): where a dead-letter replay re-publishes. */
    String readingsTopic();

    /** The dead-letter topic ({@code FHIR_DEAD_LETTER_TOPIC}) that a replay reads. */
    String deadLetterTopic();

    /** Consumer group of the dead-letter replay: its committed offsets mark what was already replayed. */
    String replayGroup();

    /** Longest time one replay may take to reach the dead-letter topic's end offsets. */
    Duration replayTimeout();

    /** Most parked readings re-processed by one {@code POST /admin/parked/reprocess}. */
    int reprocessLimit();
}
