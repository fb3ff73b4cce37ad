package org.mfc.fhir.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

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

    @Test
    void givenThisBroker_whenAClientBringsOnlyTheBootstrapAddress_thenItIsNotAdmitted() {
        Properties service = kafka.adminSettings(Map.of());
        assertThat(ScramKafkaResource.admits(service)).as("a client with the service's kafka.* settings").isTrue();
        assertThat(ScramKafkaResource.admits(ScramKafkaResource.bootstrapOnly(service)))
                .as("a client without the SASL settings").isFalse();
    }
}
