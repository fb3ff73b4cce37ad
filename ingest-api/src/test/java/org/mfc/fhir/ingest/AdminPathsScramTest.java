package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.infra.ScramKafkaResource;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Admin and look-up paths on a broker that requires SCRAM authentication: they work only because every Kafka client
 * of the service takes the full {@code kafka.*} configuration, as the channels do.
 */
@QuarkusTest
@TestProfile(ScramBrokerProfile.class)
class AdminPathsScramTest extends AdminPathsTests {

    @Test
    void givenThisBroker_whenAClientBringsOnlyTheBootstrapAddress_thenItIsNotAdmitted() {
        Properties service = kafka.adminSettings(Map.of());
        assertThat(ScramKafkaResource.admits(service)).as("a client with the service's kafka.* settings").isTrue();
        assertThat(ScramKafkaResource.admits(ScramKafkaResource.bootstrapOnly(service)))
                .as("a client without the SASL settings").isFalse();
    }
}
