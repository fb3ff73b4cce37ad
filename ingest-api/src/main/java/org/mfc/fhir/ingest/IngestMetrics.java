package org.mfc.fhir.ingest;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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

    @Inject
    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.publishLatency = Timer.builder("ingest.publish.latency")
                .description("Time from publishing a request's records to the broker's acknowledgement")
                .tag("stage", "PUBLISH")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** One request answered: {@code outcome} is queued, stored, parked, or the refusal's error code. */
    public void request(String family, String outcome) {
        Counter.builder("ingest.requests").description("Ingest requests by device family and outcome")
                .tag("family", family).tag("outcome", outcome).register(registry).increment();
    }

    public void publishLatency(Duration d) {
        publishLatency.record(d);
    }

    /** Stored synchronously although async is on: {@code reason} is timeout, refused or disabled. */
    public void syncFallback(String reason) {
        Counter.builder("ingest.sync.fallbacks").description("Requests stored synchronously instead of queued")
                .tag("reason", reason).register(registry).increment();
    }

    /** A refused request, by error code ({@code VALIDATION_ERROR}, {@code UNAUTHORIZED}, ...). */
    public void rejected(String errorCode) {
        Counter.builder("ingest.rejects").description("Refused requests by reason").tag("reason", errorCode)
                .register(registry).increment();
    }
}
