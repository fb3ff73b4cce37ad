package org.mfc.fhir.worker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.host.JitQuiet;
import org.mfc.fhir.core.host.WarmupStep;
import org.mfc.fhir.core.host.PipelineConfig;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.legacy.LegacyNames;
import org.mfc.fhir.core.messaging.ReadingsCodec;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.core.process.RehearsalSamples;

import com.mongodb.client.MongoClient;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The worker's first batch after a start must not take seconds: before it reports ready and before it processes
 * its first batch, it opens its MongoDB connection, waits (bounded) for the indexes its writes rely on, and
 * rehearses the batch path (reading queued records, parsing, mapping and encoding a sample of every family) until
 * the JIT has compiled it. Nothing is read from the registry or written.
 */
@Readiness
@ApplicationScoped
public class BatchPathWarmup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(BatchPathWarmup.class);

    @Inject
    WorkerConfig config;

    @Inject
    PipelineConfig pipelineConfig;

    @Inject
    Pipeline pipeline;

    @Inject
    MongoClient mongo;

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile String summary = "not started";

    /** Runs after {@code ReadingsConsumer}'s start-up (FHIR model scan, index creation started). */
    void onStart(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 100)
            StartupEvent event) {
        if (config.warmUpBatches() <= 0) {
            summary = "off";
            done.countDown();
            return;
        }
        Thread t = new Thread(this::warmUp, "batch-path-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Holds the first batch until the rehearsal is over (at most its time bound). */
    void awaitWarm() {
        try {
            done.await(config.warmUpMaxTime().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("batch-path-warm").status(done.getCount() == 0)
                .withData("warm-up", summary).build();
    }

    private void warmUp() {
        long start = System.nanoTime();
        long deadline = start + config.warmUpMaxTime().toNanos();
        StringBuilder s = new StringBuilder();
        try {
            s.append("database ").append(WarmupStep.timed(this::database));
            s.append(", indexes ").append(WarmupStep.timed(() -> indexes(deadline)));
            s.append(", batches ").append(WarmupStep.timed(() -> rehearse(config.warmUpBatches(), deadline)));
            s.append(", compiler ").append(WarmupStep.timed(() -> JitQuiet.await(deadline)));
        } finally {
            summary = s + String.format(", %d ms in all", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            done.countDown();
            LOG.infof("batch path warmed up before consuming: %s", summary);
        }
    }


    private String database() {
        mongo.getDatabase(pipelineConfig.mainDb()).runCommand(new Document("ping", 1));
        mongo.getDatabase(pipelineConfig.mainDb()).getCollection(LegacyNames.AMY_DEVICES).find().limit(1).first();
        return "connected";
    }

    /** A batch written before the indexes exist is refused and retried after a backoff: wait here instead. */
    private String indexes(long deadline) throws InterruptedException {
        while (!pipeline.indexes().ready() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return pipeline.indexes().ready() ? "ready" : "not ready yet";
    }

    /** Record decoding (as the consumer reads them), PARSE and MAP of the samples, as often as allowed. */
    private String rehearse(int batches, long deadline) throws Exception {
        List<String> values = new ArrayList<>();
        for (IngestRecord r : RehearsalSamples.records(Instant.now())) {
            values.add(ReadingsCodec.encode(r));
        }
        int n = 0;
        while (n < batches && System.nanoTime() < deadline) {
            List<IngestRecord> records = new ArrayList<>(values.size());
            for (String v : values) {
                records.add(ReadingsCodec.decode(v));
            }
            pipeline.processor().rehearse(records);
            n++;
        }
        return n * values.size() + " messages";
    }
}
