package org.mfc.fhir.ingest.health;

import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.publish.ProducerConnection;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import com.mongodb.client.MongoClient;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Readiness as a device experiences it: the instance can take a reading when either path can store it, the queue
 * (Kafka, when async mode is on) or the synchronous path (MongoDB). Only when neither can does it leave the load
 * balancer; a broker outage alone or a database outage alone keeps every instance serving (the separate checks
 * Kafka and MongoDB bring are off for that reason). Both signals are read without I/O: the producer's open
 * connections and the MongoDB driver's own view of the deployment, so a probe answers at once whatever is down.
 */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {

    @Inject
    IngestConfig config;

    @Inject
    MongoClient mongo;

    @Inject
    ProducerConnection producer;

    /** The broker connection of the readings producer is up (async mode on). */
    public boolean queueAvailable() {
        return config.asyncEnabled() && producer.connected();
    }

    /** The MongoDB driver knows a server it can write to. */
    public boolean databaseAvailable() {
        try {
            return mongo.getClusterDescription().hasWritableServer();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public HealthCheckResponse call() {
        boolean queue = queueAvailable();
        boolean database = databaseAvailable();
        String path = queue ? "queue" : database ? "synchronous" : "none";
        return HealthCheckResponse.named("reading-storage").status(queue || database)
                .withData("queue", config.asyncEnabled() ? (queue ? "UP" : "DOWN") : "disabled")
                .withData("database", database ? "UP" : "DOWN")
                .withData("path", path).build();
    }
}
