package org.mfc.fhir.ingest;

import java.time.Duration;

import org.mfc.fhir.core.messaging.Topics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The ingest API's own settings; the shared ones are in {@code PipelineConfig}. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Queue readings on Kafka and answer 202 ({@code ENABLE_ASYNC_FHIR}); false stores synchronously (201). */
    @WithName("async-enabled")
    @WithDefault("true")
    boolean asyncEnabled();

    /** Readings topic ({@code FHIR_QUEUE_NAME}). */
    @WithDefault(Topics.READINGS)
    String topic();

    /**
     * Longest wait for the broker's acknowledgement before the request falls back to synchronous storage. It must
     * exceed the producer's own bounds ({@code max.block.ms} + {@code delivery.timeout.ms}), which the service checks
     * at start: then the producer has given up on a record before the request stores it synchronously, so the broker
     * can never write a record after its client was told it is stored (docs/decisions.md, "Publish timeout").
     */
    @WithName("publish-timeout")
    @WithDefault("7s")
    Duration publishTimeout();

    /**
     * Publishing circuit: how many of the latest publishes are looked at ({@code INGEST_PUBLISH_CIRCUIT_WINDOW}).
     * When {@link #publishCircuitFailureRatio()} of them failed for want of a broker, the circuit opens and requests
     * are stored synchronously without waiting for the broker.
     */
    @WithName("publish-circuit.window")
    @WithDefault("10")
    int publishCircuitWindow();

    /** Share of failed publishes in the window that opens the circuit ({@code INGEST_PUBLISH_CIRCUIT_FAILURE_RATIO}). */
    @WithName("publish-circuit.failure-ratio")
    @WithDefault("0.5")
    double publishCircuitFailureRatio();

    /**
     * How long an open circuit waits before one request probes the broker again
     * ({@code INGEST_PUBLISH_CIRCUIT_PROBE_DELAY}); the probe's acknowledgement closes the circuit.
     */
    @WithName("publish-circuit.probe-delay")
    @WithDefault("1s")
    Duration publishCircuitProbeDelay();

    /**
     * Messages the start-up rehearsal runs through the request path before the instance reports ready
     * ({@code INGEST_WARMUP_REQUESTS}); token verifications, mapping rehearsals and HTTP calls are a fixed share of it.
     * 0 reports ready without rehearsing.
     */
    @WithName("warm-up.requests")
    @WithDefault("20000")
    int warmUpRequests();

    /** Longest the start-up rehearsal may take; it stops there and the instance reports ready. */
    @WithName("warm-up.max-time")
    @WithDefault("30s")
    Duration warmUpMaxTime();

    /** Largest request body accepted, in bytes; larger is 413. */
    @WithName("max-body-bytes")
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Largest number of messages in one batch request (a device that was offline posts an array). */
    @WithName("max-batch-messages")
    @WithDefault("500")
    int maxBatchMessages();

    /** Requests per second each client (token subject) may sustain ({@code INGEST_RATE_LIMIT_PER_SECOND}). */
    @WithName("rate-limit.per-second")
    @WithDefault("200")
    double rateLimitPerSecond();

    /** Requests a client may send at once above its sustained rate ({@code INGEST_RATE_LIMIT_BURST}). */
    @WithName("rate-limit.burst")
    @WithDefault("400")
    int rateLimitBurst();

    /** How long an answer is replayed for a repeated {@code Idempotency-Key} ({@code INGEST_IDEMPOTENCY_TTL}). */
    @WithName("idempotency.ttl")
    @WithDefault("24h")
    Duration idempotencyTtl();

    /** Most answers kept for idempotent replays; the oldest go first ({@code INGEST_IDEMPOTENCY_MAX_ENTRIES}). */
    @WithName("idempotency.max-entries")
    @WithDefault("100000")
    int idempotencyMaxEntries();

    /** The parser worker's consumer group, whose lag is the queue size ({@code FHIR_CONSUMER_GROUP}). */
    @WithName("consumer-group")
    @WithDefault("fhir-parser-worker")
    String consumerGroup();

    /** The worker's dead-letter topic ({@code FHIR_DEAD_LETTER_TOPIC}). */
    @WithName("dead-letter-topic")
    @WithDefault(Topics.DEAD_LETTER)
    String deadLetterTopic();

    /** Queue lag above which the queue is reported degraded ({@code INGEST_LAG_DEGRADED_THRESHOLD}). */
    @WithName("lag-degraded-threshold")
    @WithDefault("10000")
    long lagDegradedThreshold();

    /** Longest wait for the broker when answering admin and health questions ({@code INGEST_ADMIN_TIMEOUT}). */
    @WithName("admin-timeout")
    @WithDefault("3s")
    Duration adminTimeout();

    /**
     * How often the queue gauges ({@code ingest_queue_consumers}, {@code ingest_queue_size},
     * {@code ingest_queue_dead_letters}) are read from the broker ({@code INGEST_QUEUE_GAUGE_INTERVAL}); 0 never.
     */
    @WithName("queue-gauge-interval")
    @WithDefault("10s")
    Duration queueGaugeInterval();
}
