package org.mfc.fhir.infra;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at the JVM-wide {@link PipelineInfra}: put
 * {@code @WithTestResource(value = PipelineInfraResource.class, scope = TestResourceScope.GLOBAL)} on one test class
 * (GLOBAL: every test class of the module then runs against the same application start and servers).

 *
 * <p>{@link #stop()} deliberately leaves the servers running: every Quarkus test class (and every test profile)
 * reuses the one broker and Mongo of the JVM instead of paying a start per class; PipelineInfra's shutdown hook ends
 * them. Dev Services are switched off because the addresses are given, and the broker's log categories are set to
 * WARN because Quarkus configures logging after test resources start.
 */
public class PipelineInfraResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        PipelineInfra infra = PipelineInfra.shared();
        return serviceSettings(infra.kafkaBootstrapServers(), infra.mongoConnectionString());
    }

    /** A service's settings for this broker and database (shared by the SCRAM broker's resource). */
    static Map<String, String> serviceSettings(String kafkaBootstrapServers, String mongoConnectionString) {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafkaBootstrapServers);
        config.put("mp.messaging.connector.smallrye-kafka.bootstrap.servers", kafkaBootstrapServers);
        config.put("quarkus.mongodb.connection-string", mongoConnectionString);
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("quarkus.mongodb.devservices.enabled", "false");
        for (String category : BrokerLogLevels.BROKER_CATEGORIES) {
            config.put("quarkus.log.category.\"" + category + "\".level", "WARN");
        }
        return config;
    }

    /** Leaves the shared servers running for the next test class; the JVM's shutdown hook stops them. */
    @Override
    public void stop() {
        // Intentionally empty: see the class comment.
    }
}
