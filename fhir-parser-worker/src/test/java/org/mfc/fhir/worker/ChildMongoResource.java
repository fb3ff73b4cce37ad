package org.mfc.fhir.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import org.mfc.fhir.infra.ChildProcess;
import org.mfc.fhir.infra.PipelineInfraResource;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The shared broker, but MongoDB as a file-backed child process that a test can stop and restart on the same port
 * and data; its own topic and consumer group, and a short retry schedule so an outage shows within seconds.
 */
public class ChildMongoResource implements QuarkusTestResourceLifecycleManager {

    static final String TOPIC = "fhir.readings.outage";
    private static ChildProcess mongo;

    static synchronized ChildProcess mongo() {
        return mongo;
    }

    @Override
    public Map<String, String> start() {
        try {
            mongo = ChildProcess.mongoServer(Files.createTempDirectory("worker-mongo-outage")).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>(new PipelineInfraResource().start());
        config.put("quarkus.mongodb.connection-string", mongo.address());
        config.put("quarkus.mongodb.server-selection-timeout", "1s");
        config.put("mp.messaging.incoming.readings-in.topic", TOPIC);
        config.put("worker.readings-topic", TOPIC);
        config.put("mp.messaging.incoming.readings-in.group.id", "fhir-parser-worker-outage");
        config.put("worker.retry-initial-backoff", "100ms");
        config.put("worker.retry-max-backoff", "400ms");
        config.put("worker.retries-before-unhealthy", "2");
        return config;
    }

    @Override
    public void stop() {
        if (mongo != null) {
            mongo.close();
        }
    }
}
