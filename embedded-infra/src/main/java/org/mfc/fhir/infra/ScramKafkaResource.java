package org.mfc.fhir.infra;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} at a Kafka broker that admits only SCRAM-authenticated clients (a child JVM, started
 * once per class loader and ended with the test JVM) and at the shared MongoDB of {@link PipelineInfra}. The service
 * gets the credentials the way an operator gives them, as {@code kafka.*} settings ({@code KAFKA_SECURITY_PROTOCOL},
 * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}), so a Kafka client of the service that does not take
 * the full {@code kafka.*} configuration cannot reach this broker at all.
 */
public class ScramKafkaResource implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "fhir-pipeline";
    public static final String PASSWORD = "scram-test-secret";

    private static ChildProcess broker;

    private static synchronized ChildProcess broker() {
        if (broker == null || !broker.isAlive()) {
            broker = ChildProcess.kafkaBrokerWithScram(Directories.createTemp("scram-kafka-"), USER, PASSWORD)
                    .start();
        }
        return broker;
    }

    /** The client settings of the SCRAM listener, besides {@code bootstrap.servers}. */
    public static Map<String, String> clientSettings() {
        return new EmbeddedKafkaBroker.Scram(0, USER, PASSWORD).clientSettings();
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = broker().address();
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("mp.messaging.connector.smallrye-kafka.bootstrap.servers", bootstrap);
        clientSettings().forEach((key, value) -> config.put("kafka." + key, value));
        config.put("quarkus.mongodb.connection-string", PipelineInfra.shared().mongoConnectionString());
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("quarkus.mongodb.devservices.enabled", "false");
        for (String category : BrokerLogLevels.BROKER_CATEGORIES) {
            config.put("quarkus.log.category.\"" + category + "\".level", "WARN");
        }
        return config;
    }

    /** Leaves the broker for the next test class of this JVM; the child ends with the JVM. */
    @Override
    public void stop() {
        // Intentionally empty: see the class comment.
    }
}
