package org.mfc.fhir.worker;

import java.util.Map;

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
    void givenThisBroker_whenClientsConnect_thenTheServicesSettingsAreAdmittedAndABareAddressIsNot() {
        ScramKafkaResource.assertAdmitsOnlyWithCredentials(kafka.adminSettings(Map.of()));
    }
}
