package org.mfc.fhir.ingest.service;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.mfc.fhir.core.process.Pipeline;
import org.mfc.fhir.ingest.config.IngestConfig;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Start-up work that must not land on the first request (FHIR model scan; indexes for the synchronous path, created
 * in the background while MongoDB is away), and the one configuration rule that would otherwise break the 2xx
 * promise: the publish timeout exceeds the producer's own bounds; the synchronous store's bounds are positive.
 */
@ApplicationScoped
public class IngestStartup {

    @Inject
    Pipeline pipeline;

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "mp.messaging.outgoing.readings-out.max.block.ms", defaultValue = "60000")
    long maxBlockMs;

    @ConfigProperty(name = "mp.messaging.outgoing.readings-out.delivery.timeout.ms", defaultValue = "120000")
    long deliveryTimeoutMs;

    void onStart(@Observes StartupEvent event) {
        checkPublishTimeout(config.publishTimeout(), maxBlockMs, deliveryTimeoutMs);
        checkSyncBounds(config.syncConcurrency(), config.syncMaxBatchRecords(), config.syncMaxQueuedRecords());
        pipeline.start();
    }

    /** The synchronous store's bounds are counts of at least one. */
    static void checkSyncBounds(int concurrency, int maxBatchRecords, int maxQueuedRecords) {
        if (concurrency < 1 || maxBatchRecords < 1 || maxQueuedRecords < 1) {
            throw new IllegalStateException("INGEST_SYNC_CONCURRENCY (" + concurrency
                    + "), INGEST_SYNC_MAX_BATCH_RECORDS (" + maxBatchRecords + ") and INGEST_SYNC_MAX_QUEUED_RECORDS ("
                    + maxQueuedRecords + ") must each be at least 1");
        }
    }

    /**
     * Refuses a publish timeout that the producer can outlast: a record still in flight when the request falls back
     * to synchronous storage could be written by the broker after the client was answered.
     */
    static void checkPublishTimeout(Duration publishTimeout, long maxBlockMs, long deliveryTimeoutMs) {
        long producerBound = maxBlockMs + deliveryTimeoutMs;
        if (publishTimeout.toMillis() <= producerBound) {
            throw new IllegalStateException("INGEST_PUBLISH_TIMEOUT (" + publishTimeout.toMillis() + " ms) must "
                    + "exceed the readings producer's max.block.ms + delivery.timeout.ms (" + producerBound
                    + " ms): otherwise the broker may store a record after its request fell back to synchronous "
                    + "storage");
        }
    }
}
