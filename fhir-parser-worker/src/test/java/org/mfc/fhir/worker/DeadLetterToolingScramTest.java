package org.mfc.fhir.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.infra.ScramKafkaResource;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Dead-letter tooling on a broker that admits only SCRAM-authenticated clients, the worker configured through
 * {@code kafka.*} settings alone: the browse and replay clients must take the same configuration as the channels.
 */
@QuarkusTest
@WithTestResource(value = ScramKafkaResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = JwtKeyResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class DeadLetterToolingScramTest extends DeadLetterToolingTests {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void givenThisBroker_whenAClientBringsOnlyTheBootstrapAddress_thenItIsNotAdmitted() {
        Map<String, Object> plain = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2_000);
        try (Admin admin = Admin.create(plain)) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)))
                    .as("a client without the SASL settings").isNotNull();
        }
        try (Admin admin = Admin.create(Map.<String, Object>copyOf(kafkaConfig.entrySet().stream()
                .filter(e -> AdminClientConfig.configNames().contains(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))))) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))).isNull();
        }
    }
}
