package org.mfc.fhir.ingest;

import java.util.Map;

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
    void givenThisBroker_whenClientsConnect_thenTheServicesSettingsAreAdmittedAndABareAddressIsNot() {
        ScramKafkaResource.assertAdmitsOnlyWithCredentials(kafka.adminSettings(Map.of()));
    }
}
