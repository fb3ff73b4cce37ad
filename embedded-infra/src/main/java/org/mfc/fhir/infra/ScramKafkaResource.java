package org.mfc.fhir.infra;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

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

    /**
     * What the SCRAM tests prove: this broker admits a client with a service's own client settings, and refuses the
     * same client with nothing but its {@code bootstrap.servers}. So the service's clients pass the SASL settings on.
     *
     * @throws AssertionError when either half does not hold
     */
    public static void assertAdmitsOnlyWithCredentials(Map<?, ?> serviceClientSettings) {
        if (!admits(serviceClientSettings)) {
            throw new AssertionError("a client with the service's kafka.* settings was not admitted");
        }
        Map<String, Object> bootstrapOnly = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                serviceClientSettings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        if (admits(bootstrapOnly)) {
            throw new AssertionError("a client without the SASL settings was admitted");
        }
    }

    /** Whether the broker admits a client with these settings: an admin client asks it for its nodes. */
    private static boolean admits(Map<?, ?> clientSettings) {
        Map<String, Object> settings = new HashMap<>();
        clientSettings.forEach((key, value) -> settings.put(String.valueOf(key), value));
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(settings)) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = PipelineInfraResource.serviceSettings(broker().address(),
                PipelineInfra.shared().mongoConnectionString());
        clientSettings().forEach((key, value) -> config.put("kafka." + key, value));
        return config;
    }

    /** Leaves the broker for the next test class of this JVM; the child ends with the JVM. */
    @Override
    public void stop() {
        // Intentionally empty: see the class comment.
    }
}
