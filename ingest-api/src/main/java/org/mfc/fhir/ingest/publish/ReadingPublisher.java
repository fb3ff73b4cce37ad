package org.mfc.fhir.ingest.publish;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.messaging.ReadingsCodec;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.metrics.IngestMetrics;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;

/**
 * Publishes accepted messages to the readings topic, keyed by device (so one device's readings stay in order on
 * one partition). The returned future completes only when the broker acknowledged the record with {@code acks=all}
 * and an idempotent producer (application.properties); it fails when the broker refused it or the delivery timed
 * out.
 * <p>
 * A circuit breaker (SmallRye Fault Tolerance) stands in front of the producer so that a broker outage costs the
 * first requests, not every request: while the producer holds no broker connection, or after repeated failures,
 * records are not handed to the producer at all and the future fails at once with
 * {@link BrokerUnavailableException} or {@link CircuitBreakerOpenException}; the caller stores synchronously. A
 * record that was never handed to the producer can never reach the broker later, so skipping it cannot duplicate a
 * reading. After {@code ingest.publish-circuit.probe-delay} one request probes the broker again and closes the
 * circuit when it is acknowledged.
 */
@ApplicationScoped
public class ReadingPublisher {

    private static final Logger LOG = Logger.getLogger(ReadingPublisher.class);

    /** Circuit name in logs and maintenance calls. */
    static final String CIRCUIT = "readings-publish";

    /**
     * While the producer shows no connection, one request in this interval is still handed to it. The producer
     * reconnects by itself after losing a broker; this only guarantees that a producer with nothing to send and no
     * connection (which a future client version could leave idle) is made to try.
     */
    static final long BLIND_ATTEMPT_INTERVAL_NANOS = 30_000_000_000L;

    @Inject
    @Channel("readings-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
    Emitter<String> emitter;

    @Inject
    ProducerConnection connection;

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    private TypedGuard<CompletionStage<Void>> circuit;
    /** The same guard, of its own, for the start-up rehearsal: its outcomes never move the readings' circuit. */
    private TypedGuard<CompletionStage<Void>> rehearsalCircuit;
    private final AtomicLong lastBlindAttempt = new AtomicLong(System.nanoTime());
    private final AtomicReference<CircuitBreakerState> lastState = new AtomicReference<>(CircuitBreakerState.CLOSED);

    @PostConstruct
    void createCircuit() {
        circuit = guard(config.topic(), CIRCUIT, this::circuitChanged);
        rehearsalCircuit = guard(config.warmUpTopic().orElse("rehearsal"), CIRCUIT + "-rehearsal", state -> {
        });
        metrics.publishCircuit(CIRCUIT);
    }

    private TypedGuard<CompletionStage<Void>> guard(String topic, String name,
            Consumer<CircuitBreakerState> onChange) {
        return TypedGuard.create(new TypeLiteral<CompletionStage<Void>>() {
        })
                .withDescription("publish to " + topic)
                .withCircuitBreaker()
                .name(name)
                .requestVolumeThreshold(config.publishCircuitWindow())
                .failureRatio(config.publishCircuitFailureRatio())
                .delay(config.publishCircuitProbeDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(PublishFailures::brokerUnavailable)
                .onStateChange(onChange)
                .done()
                .withThreadOffload(false)
                .build();
    }

    /**
     * Publishes every record of a request; completes when all were acknowledged. Fails at once, without handing
     * anything to the producer, while the circuit is open or the producer has no broker connection.
     */
    public CompletableFuture<Void> publish(List<IngestRecord> records) {
        try {
            return circuit.get(() -> attempt(records, null)).toCompletableFuture();
        } catch (CircuitBreakerOpenException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The start-up rehearsal's publish ({@code HotPathWarmup}): {@link #publish}'s code, its guard, the emitter and
     * the Kafka sink, with every record sent to {@code topic} instead of the readings topic and a circuit of its own.
     * Refuses the readings topic.
     */
    public CompletableFuture<Void> rehearse(List<IngestRecord> records, String topic) {
        if (topic == null || topic.isBlank() || topic.equals(config.topic())) {
            throw new IllegalArgumentException("the rehearsal never publishes to the readings topic");
        }
        try {
            return rehearsalCircuit.get(() -> attempt(records, topic)).toCompletableFuture();
        } catch (CircuitBreakerOpenException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@code topic} null: the channel's own, the readings topic. A rehearsal (another topic) fails at once without a
     * broker connection: it never takes the readings' blind attempt.
     */
    private CompletionStage<Void> attempt(List<IngestRecord> records, String topic) {
        if (!connection.connected() && (topic != null || !blindAttemptDue())) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException());
        }
        CompletableFuture<?>[] acks = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < records.size(); i++) {
            acks[i] = send(records.get(i), topic);
        }
        return CompletableFuture.allOf(acks);
    }

    private boolean blindAttemptDue() {
        long now = System.nanoTime();
        long last = lastBlindAttempt.get();
        return now - last > BLIND_ATTEMPT_INTERVAL_NANOS && lastBlindAttempt.compareAndSet(last, now);
    }

    private CompletableFuture<Void> send(IngestRecord record, String topic) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        String value;
        try {
            value = encode(record);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        Message<String> message = Message.of(value, () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }).addMetadata(topic == null
                ? OutgoingKafkaRecordMetadata.<String>builder().withKey(record.deviceKey()).build()
                : OutgoingKafkaRecordMetadata.<String>builder().withKey(record.deviceKey()).withTopic(topic).build())
                // The request's trace continues in the record's headers (traceparent), whichever thread sends it.
                .addMetadata(TracingMetadata.withCurrent(Context.current()));
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            // Buffer overflow or a terminated channel: the caller falls back to synchronous storage.
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** The record's value on the topic. */
    public static String encode(IngestRecord record) throws JsonProcessingException {
        return ReadingsCodec.encode(record);
    }

    /** Logs the outage once, when it begins and when it ends; the probes in between are DEBUG. */
    private void circuitChanged(CircuitBreakerState state) {
        metrics.publishCircuitChanged(state);
        CircuitBreakerState before = lastState.getAndSet(state);
        if (state == CircuitBreakerState.OPEN && before == CircuitBreakerState.CLOSED) {
            LOG.warnf("publishing to %s suspended: the broker is unavailable; readings are stored synchronously "
                    + "and the broker is probed every %s", config.topic(), config.publishCircuitProbeDelay());
        } else if (state == CircuitBreakerState.CLOSED) {
            LOG.infof("publishing to %s resumed: the broker acknowledged a probe", config.topic());
        } else {
            LOG.debugf("publishing to %s: circuit %s", config.topic(), state);
        }
    }
}
