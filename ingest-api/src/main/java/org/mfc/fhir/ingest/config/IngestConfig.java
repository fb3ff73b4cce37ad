package org.mfc.fhir.ingest.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * The ingest API's own settings; the shared ones are in {@code PipelineConfig}. Defaults are in
 * {@code application.properties}, beside the environment variable that sets each (docs/decisions.md, "Every default
 * written once"): a key missing there fails the start.
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Queue readings on Kafka and answer 202 ({@code ENABLE_ASYNC_FHIR}); false stores synchronously (201). */
    @WithName("async-enabled")
    boolean asyncEnabled();

    /** Readings topic ({@code FHIR_QUEUE_NAME}). */
    String topic();

    /**
     * Longest wait for the broker's acknowledgement before the request falls back to synchronous storage. It must
     * exceed the producer's own bounds ({@code max.block.ms} + {@code delivery.timeout.ms}), which the service checks
     * at start: then the producer has given up on a record before the request stores it synchronously, so the broker
     * can never write a record after its client was told it is stored (docs/decisions.md, "Publish timeout").
     */
    @WithName("publish-timeout")
    Duration publishTimeout();

    /**
     * Publishing circuit: how many of the latest publishes are looked at ({@code INGEST_PUBLISH_CIRCUIT_WINDOW}).
     * When {@link #publishCircuitFailureRatio()} of them failed for want of a broker, the circuit opens and requests
     * are stored synchronously without waiting for the broker.
     */
    @WithName("publish-circuit.window")
    int publishCircuitWindow();

    /** Share of failed publishes in the window that opens the circuit ({@code INGEST_PUBLISH_CIRCUIT_FAILURE_RATIO}). */
    @WithName("publish-circuit.failure-ratio")
    double publishCircuitFailureRatio();

    /**
     * How long an open circuit waits before one request probes the broker again
     * ({@code INGEST_PUBLISH_CIRCUIT_PROBE_DELAY}); the probe's acknowledgement closes the circuit.
     */
    @WithName("publish-circuit.probe-delay")
    Duration publishCircuitProbeDelay();

    /**
     * Messages the start-up rehearsal runs through the request path before the instance reports ready
     * ({@code INGEST_WARMUP_REQUESTS}); token verifications, mapping rehearsals and HTTP calls are a fixed share of it.
     * 0 reports ready without rehearsing.
     */
    @WithName("warm-up.requests")
    int warmUpRequests();

    /** Longest the start-up rehearsal may take; it stops there and the instance reports ready. */
    @WithName("warm-up.max-time")
    Duration warmUpMaxTime();

    /**
     * Topic the rehearsal publishes its sample records to ({@code INGEST_WARMUP_TOPIC}), through the readings
     * producer itself, so that the producer's send path is compiled before the first device request. No consumer
     * reads it; it is never the readings topic. Unset (empty) skips that step.
     */
    @WithName("warm-up.topic")
    Optional<String> warmUpTopic();

    /**
     * Synchronous storage (async off, or the broker unavailable): batches stored at once, at most
     * ({@code INGEST_SYNC_CONCURRENCY}). Requests that arrive while they are stored wait for the next batch.
     */
    @WithName("sync.concurrency")
    int syncConcurrency();

    /** Most records in one synchronous batch ({@code INGEST_SYNC_MAX_BATCH_RECORDS}); a larger request goes alone. */
    @WithName("sync.max-batch-records")
    int syncMaxBatchRecords();

    /**
     * Most records waiting for synchronous storage ({@code INGEST_SYNC_MAX_QUEUED_RECORDS}); a request beyond it is
     * answered 503 with {@code Retry-After} at once, nothing of it stored.
     */
    @WithName("sync.max-queued-records")
    int syncMaxQueuedRecords();

    /** Largest request body accepted, in bytes; larger is 413. */
    @WithName("max-body-bytes")
    int maxBodyBytes();

    /** Largest number of messages in one batch request (a device that was offline posts an array). */
    @WithName("max-batch-messages")
    int maxBatchMessages();

    /** Requests per second each client (token subject) may sustain ({@code INGEST_RATE_LIMIT_PER_SECOND}). */
    @WithName("rate-limit.per-second")
    double rateLimitPerSecond();

    /** Requests a client may send at once above its sustained rate ({@code INGEST_RATE_LIMIT_BURST}). */
    @WithName("rate-limit.burst")
    int rateLimitBurst();

    /** How long an answer is replayed for a repeated {@code Idempotency-Key} ({@code INGEST_IDEMPOTENCY_TTL}). */
    @WithName("idempotency.ttl")
    Duration idempotencyTtl();

    /**
     * Most answers kept for idempotent replays; the least used go first; an answer over 1 KiB counts one per started
     * KiB ({@code INGEST_IDEMPOTENCY_MAX_ENTRIES}).
     */
    @WithName("idempotency.max-entries")
    int idempotencyMaxEntries();

    /** The parser worker's consumer group, whose lag is the queue size ({@code FHIR_CONSUMER_GROUP}). */
    @WithName("consumer-group")
    String consumerGroup();

    /** The worker's dead-letter topic ({@code FHIR_DEAD_LETTER_TOPIC}). */
    @WithName("dead-letter-topic")
    String deadLetterTopic();

    /** Queue lag above which the queue is reported degraded ({@code INGEST_LAG_DEGRADED_THRESHOLD}). */
    @WithName("lag-degraded-threshold")
    long lagDegradedThreshold();

    /** Longest wait for the broker when answering admin and health questions ({@code INGEST_ADMIN_TIMEOUT}). */
    @WithName("admin-timeout")
    Duration adminTimeout();

    /**
     * How often the queue gauges ({@code ingest_queue_consumers}, {@code ingest_queue_size},
     * {@code ingest_queue_dead_letters}) are read from the broker ({@code INGEST_QUEUE_GAUGE_INTERVAL}); 0 never.
     */
    @WithName("queue-gauge-interval")
    Duration queueGaugeInterval();
}
