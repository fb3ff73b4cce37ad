package org.mfc.fhir.ingest.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.mfc.fhir.core.model.Stage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The ingest API's meters on {@code /q/metrics}. Tags are low-cardinality vocabulary only (family, outcome, error
 * code, stage): never device ids or patient data.
 */
@ApplicationScoped
public class IngestMetrics {

    private final MeterRegistry registry;
    private final Timer publishLatency;
    private final AtomicInteger circuitState = new AtomicInteger();
    private final DistributionSummary syncBatchRecords;
    /** Counters by name and tag values: building and registering a meter on every request cost microseconds. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    @Inject
    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.publishLatency = Timer.builder("ingest.publish.latency")
                .description("Time from publishing a request's records to the broker's acknowledgement")
                .tag("stage", Stage.PUBLISH.name())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.syncBatchRecords = DistributionSummary.builder("ingest.sync.batch.records")
                .description("Records per synchronous batch (requests stored together)").register(registry);
    }

    /** One request answered: {@code outcome} is queued, stored, parked, or the refusal's error code. */
    public void request(String family, String outcome) {
        counters.computeIfAbsent("requests|" + family + "|" + outcome, k -> Counter.builder("ingest.requests")
                .description("Ingest requests by device family and outcome")
                .tag("family", family).tag("outcome", outcome).register(registry)).increment();
    }

    public void publishLatency(Duration d) {
        publishLatency.record(d);
    }

    /**
     * Registers {@code ingest_publish_circuit}: 0 closed (queueing), 1 open (storing synchronously without waiting
     * for the broker), 2 half-open (one request probing the broker).
     */
    public void publishCircuit(String name) {
        Gauge.builder("ingest.publish.circuit", circuitState, AtomicInteger::get)
                .description("Publishing circuit: 0 closed (queueing), 1 open (synchronous), 2 half-open (probing)")
                .tag("name", name).register(registry);
    }

    /** The publishing circuit moved to {@code state}; transitions are counted by the state entered. */
    public void publishCircuitChanged(CircuitBreakerState state) {
        circuitState.set(switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
        });
        Counter.builder("ingest.publish.circuit.transitions").description("Publishing circuit state changes")
                .tag("to", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
    }

    /**
     * Stored synchronously although async is on: {@code reason} is circuit-open or broker-unavailable (the broker
     * was skipped), timeout or refused (the broker was tried).
     */
    public void syncFallback(String reason) {
        counters.computeIfAbsent("fallbacks|" + reason, k -> Counter.builder("ingest.sync.fallbacks")
                .description("Requests stored synchronously instead of queued")
                .tag("reason", reason).register(registry)).increment();
    }

    /** Registers {@code ingest_sync_queued_records}: records waiting for a synchronous batch. */
    public void syncQueue(java.util.function.IntSupplier queued) {
        Gauge.builder("ingest.sync.queued.records", queued::getAsInt)
                .description("Records waiting for synchronous storage").register(registry);
    }

    /** One synchronous batch stored (or attempted), of {@code records} records: {@code ingest_sync_batch_records}. */
    public void syncBatch(int records) {
        syncBatchRecords.record(records);
    }

    /** A refused request, by error code ({@code VALIDATION_ERROR}, {@code UNAUTHORIZED}, ...). */
    public void rejected(String errorCode) {
        counters.computeIfAbsent("rejects|" + errorCode, k -> Counter.builder("ingest.rejects")
                .description("Refused requests by reason").tag("reason", errorCode).register(registry)).increment();
    }
}
