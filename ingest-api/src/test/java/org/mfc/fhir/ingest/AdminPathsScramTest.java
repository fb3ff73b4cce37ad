package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Admin and look-up paths on a broker that requires SCRAM authentication: they work only because every Kafka client
 * of the service takes the full {@code kafka.*} configuration, as the channels do.
 */
@QuarkusTest
@TestProfile(ScramBrokerProfile.class)
class AdminPathsScramTest extends AdminPathsTests {

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
    }
}
