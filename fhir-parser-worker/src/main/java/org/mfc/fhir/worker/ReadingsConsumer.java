package org.mfc.fhir.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.messaging.ReadingsCodec;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.process.BatchResult;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.process.RecordOutcome;
import org.mfc.fhir.core.store.TransientStoreException;

import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Consumes the readings topic in batches and stores them through the shared pipeline. The batch is acknowledged
 * (and so its offsets become committable) only after its resources, legacy entries and dead letters are durable.
 * A database outage is retried with bounded exponential backoff and jitter, never skipped; a record that cannot
 * be processed (found by the pipeline's isolation, whatever stage it fails in) goes to the dead-letter topic with
 * its stage and reason and the rest of its batch is stored. Nothing a message contains can fail the channel.
 */
@ApplicationScoped
public class ReadingsConsumer {

    private static final Logger LOG = Logger.getLogger(ReadingsConsumer.class);

    @Inject
    Pipeline pipeline;

    @Inject
    DeadLetterPublisher deadLetters;

    @Inject
    @Readiness
    StoreAvailability availability;

    @Inject
    WorkerConfig config;

    @Inject
    AlertPublisher alerts;

    @Inject
    WorkerMetrics metrics;

    @Inject
    BatchTracing tracing;

    @Inject
    @Readiness
    BatchPathWarmup warmup;

    private volatile boolean warm;

    private final CountDownLatch shutdown = new CountDownLatch(1);

    void onStart(@Observes StartupEvent event) {
        pipeline.start();
        LOG.info("fhir-parser-worker started: FHIR model loaded; indexes are ensured and the batch path rehearsed before it reports ready");
    }

    void onStop(@Observes ShutdownEvent event) {
        shutdown.countDown();
    }

    @Incoming("readings-in")
    @Blocking
    public java.util.concurrent.CompletionStage<Void> consume(KafkaRecordBatch<String, String> batch) {
        if (!warm) {
            // The first batch waits for the start-up rehearsal rather than running cold beside it.
            warmup.awaitWarm();
            warm = true;
        }
        String topic = batch.getRecords().isEmpty() ? "readings" : batch.getRecords().get(0).getTopic();
        try (BatchTracing.BatchSpan span = tracing.start(batch.getRecords(), topic)) {
            return store(batch);
        }
    }

    private java.util.concurrent.CompletionStage<Void> store(KafkaRecordBatch<String, String> batch) {
        int size = batch.getRecords().size();
        List<IngestRecord> records = new ArrayList<>(size);
        List<ConsumerRecord<String, String>> sources = new ArrayList<>(size);
        List<DeadLetterPublisher.DeadLetter> poison = new ArrayList<>();
        for (var message : batch.getRecords()) {
            long offset = message.getMetadata(IncomingKafkaRecordMetadata.class).map(m -> m.getOffset()).orElse(-1L);
            ConsumerRecord<String, String> cr = new ConsumerRecord<>(message.getTopic(), message.getPartition(),
                    offset, message.getKey(), message.getPayload());
            try {
                records.add(ReadingsCodec.decode(cr.value()));
                sources.add(cr);
            } catch (Exception e) {
                poison.add(deadLetter(cr, Stage.PARSE, "not an ingest record: " + e.getClass().getSimpleName(),
                        null));
            }
        }
        int attempt = 0;
        while (true) {
            try {
                // Isolating: a message that cannot be processed comes back REJECTED; only unavailability throws.
                BatchResult result = pipeline.processor().process(records, alerts);
                List<DeadLetterPublisher.DeadLetter> letters = new ArrayList<>(poison);
                for (int i = 0; i < result.outcomes().size(); i++) {
                    RecordOutcome o = result.outcomes().get(i);
                    if (o.status() == RecordOutcome.Status.REJECTED) {
                        letters.add(deadLetter(sources.get(i), o.stage(), o.reason(),
                                o.record() == null ? null : o.record().ingestId()));
                    }
                }
                if (!letters.isEmpty()) {
                    deadLetters.publishAll(letters);
                    letters.forEach(l -> metrics.deadLetters(l.stage(), 1));
                    LOG.warnf("%d record(s) sent to the dead-letter topic", letters.size());
                }
                metrics.batch(result);
                if (!poison.isEmpty()) {
                    metrics.unreadable(poison.size());
                }
                availability.available();
                return batch.ack();
            } catch (TransientStoreException | java.util.concurrent.TimeoutException
                    | java.util.concurrent.ExecutionException e) {
                attempt++;
                metrics.retry();
                retryAfter(attempt, records.size(), e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: batch left uncommitted for redelivery", e);
            } catch (RuntimeException e) {
                // Not expected: processing classifies every failure. Failing the channel would stop consumption
                // for every device, so the batch is held and retried; readiness goes DOWN and the failure counts.
                attempt++;
                metrics.unclassified();
                LOG.errorf("batch of %d failed unexpectedly (%s, attempt %d); retrying", records.size(),
                        e.getClass().getSimpleName(), attempt);
                LOG.debug("unexpected batch failure", e);
                retryAfter(attempt, records.size(), e.getClass().getSimpleName(), e);
            }
        }
    }

    /** Waits out the backoff of a failed attempt; throws (leaving the batch uncommitted) when shutting down. */
    private void retryAfter(int attempt, int size, String reason, Exception e) {
        if (attempt >= config.retriesBeforeUnhealthy()) {
            availability.unavailable(reason);
        }
        Duration wait = backoff(attempt);
        LOG.warnf("batch of %d not stored (attempt %d): %s; retrying in %d ms", size, attempt, reason,
                wait.toMillis());
        if (awaitShutdown(wait)) {
            throw new IllegalStateException("shutting down: batch left uncommitted for redelivery", e);
        }
    }

    /** Exponential, capped, with "equal jitter" so a fleet of workers does not retry in lock-step. */
    Duration backoff(int attempt) {
        long cap = config.retryMaxBackoff().toMillis();
        long exp = config.retryInitialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long base = Math.min(cap, exp);
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    /** Waits out the backoff; true when the service is stopping (the batch is then left uncommitted). */
    private boolean awaitShutdown(Duration wait) {
        try {
            return shutdown.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static DeadLetterPublisher.DeadLetter deadLetter(ConsumerRecord<String, String> cr, Stage stage,
            String reason, String ingestId) {
        return new DeadLetterPublisher.DeadLetter(cr.key(), cr.value(), stage, reason, cr.topic(), cr.partition(),
                cr.offset(), ingestId);
    }
}
