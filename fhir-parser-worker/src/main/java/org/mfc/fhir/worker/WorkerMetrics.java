package org.mfc.fhir.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.process.BatchResult;
import org.mfc.fhir.core.process.ParkedReprocessor;
import org.mfc.fhir.core.process.RecordOutcome;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The worker's Micrometer meters (README, "Metrics") and the running totals of the statistics log line. Tags use
 * the stage vocabulary ({@link Stage}) and outcome names; never patient data.
 */
@ApplicationScoped
public class WorkerMetrics {

    @Inject
    MeterRegistry registry;

    private final Instant started = Instant.now();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong lag = new AtomicLong(-1);
    private final AtomicLong consumers = new AtomicLong();
    private final AtomicReference<String> channel = new AtomicReference<>("STARTING");
    private final AtomicLong parked = new AtomicLong();
    private final AtomicReference<Instant> lastProcessed = new AtomicReference<>();

    private DistributionSummary batchSize;
    private Timer mapTimer;
    private Timer persistTimer;
    private Timer deviceFreshness;
    private Timer receivedFreshness;
    private Counter retries;
    private Counter unclassified;

    @PostConstruct
    void register() {
        batchSize = DistributionSummary.builder("fhir.worker.batch.size").description("records per consumed batch")
                .publishPercentileHistogram().register(registry);
        mapTimer = Timer.builder("fhir.worker.stage.duration").tag("stage", Stage.MAP.name())
                .description("PARSE, RESOLVE and MAP time per batch").register(registry);
        persistTimer = Timer.builder("fhir.worker.stage.duration").tag("stage", Stage.PERSIST.name())
                .description("PERSIST and LEGACY write time per batch").register(registry);
        deviceFreshness = Timer.builder("fhir.worker.freshness.device")
                .description("stored time minus the device's time of measurement").publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofDays(7)).register(registry);
        receivedFreshness = Timer.builder("fhir.worker.freshness.received")
                .description("stored time minus the time the ingest API received the message")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofHours(6)).register(registry);
        retries = Counter.builder("fhir.worker.batch.retries")
                .description("batch attempts that failed transiently (database or broker away)").register(registry);
        unclassified = Counter.builder("fhir.worker.batch.unclassified.failures")
                .description("batch attempts that failed in a way the pipeline did not classify (held and retried)")
                .register(registry);
        // Strong references: a weakly held gauge disappears from the scrape once its state is collected.
        Gauge.builder("fhir.worker.consumer.lag", lag, AtomicLong::get).strongReference(true).register(registry);
        Gauge.builder("fhir.worker.consumers", consumers, AtomicLong::get).strongReference(true).register(registry);
        Gauge.builder("fhir.worker.parked", parked, AtomicLong::get).strongReference(true).register(registry);
    }

    void batch(BatchResult result) {
        batchSize.record(result.outcomes().size());
        mapTimer.record(result.mapTime());
        persistTimer.record(result.persistTime());
        for (RecordOutcome o : result.outcomes()) {
            records(o.status()).increment();
            if (o.status() == RecordOutcome.Status.STORED) {
                Duration sinceReceived = Duration.between(o.record().receivedInstant(), result.storedAt());
                receivedFreshness.record(sinceReceived.isNegative() ? Duration.ZERO : sinceReceived);
            }
        }
        for (Instant deviceTime : result.deviceTimes()) {
            Duration sinceMeasured = Duration.between(deviceTime, result.storedAt());
            deviceFreshness.record(sinceMeasured.isNegative() ? Duration.ZERO : sinceMeasured);
        }
        processed.addAndGet(result.outcomes().size());
        lastProcessed.set(result.storedAt());
    }

    /** Messages that were not even ingest records: dead-lettered before the pipeline saw them. */
    void unreadable(int count) {
        records(null).increment(count);
        processed.addAndGet(count);
    }

    void deadLetters(Stage stage, int count) {
        registry.counter("fhir.worker.dead.letters", "stage", stage.name()).increment(count);
        errors.addAndGet(count);
    }

    void retry() {
        retries.increment();
        errors.incrementAndGet();
    }

    void unclassified() {
        unclassified.increment();
        errors.incrementAndGet();
    }

    /** A failure of the consuming channel itself (it stopped delivering batches). */
    void channelFailure() {
        errors.incrementAndGet();
    }

    void alert(String type) {
        registry.counter("fhir.worker.alerts", "type", type).increment();
    }

    void lag(long value) {
        lag.set(value);
    }

    void parked(long count) {
        parked.set(count);
    }

    /**
     * Outcomes of a parked-reading reprocess ({@code fhir_worker_parked_reprocessed_total{outcome}}): apart from
     * {@code fhir_worker_records_total}, which counts each consumed message once, when it was first processed.
     */
    void reprocessed(ParkedReprocessor.Report report) {
        reprocessed("stored", report.stored());
        reprocessed("alerted", report.alerted());
        reprocessed("still_parked", report.stillParked());
        reprocessed("rejected", report.rejected());
        reprocessed("nothing_to_store", report.nothingToStore());
    }

    private void reprocessed(String outcome, int count) {
        registry.counter("fhir.worker.parked.reprocessed", "outcome", outcome).increment(count);
    }

    /**
     * @param live    consuming threads whose channel is alive (0 when the channel died)
     * @param state   {@code UP} or {@code DOWN}, as liveness reports the channel
     */
    void consumers(long live, String state) {
        consumers.set(live);
        channel.set(state);
    }

    long consumers() {
        return consumers.get();
    }

    String channel() {
        return channel.get();
    }

    private Counter records(RecordOutcome.Status status) {
        String outcome = status == null ? "unreadable" : status.name().toLowerCase(Locale.ROOT);
        return registry.counter("fhir.worker.records", "outcome", outcome);
    }

    Instant started() {
        return started;
    }

    long processed() {
        return processed.get();
    }

    long errors() {
        return errors.get();
    }

    long lag() {
        return lag.get();
    }

    long parked() {
        return parked.get();
    }

    Instant lastProcessed() {
        return lastProcessed.get();
    }
}
