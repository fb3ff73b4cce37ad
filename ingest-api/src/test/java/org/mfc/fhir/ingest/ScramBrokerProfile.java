package org.mfc.fhir.ingest;

import java.util.List;

import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.infra.ScramKafkaResource;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service on a broker that admits only SCRAM-authenticated clients, configured through {@code kafka.*} settings
 * alone (what {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM} and {@code KAFKA_SASL_JAAS_CONFIG} set);
 * none of the suite-wide resources, whose broker is the unauthenticated one.
 */
public class ScramBrokerProfile implements QuarkusTestProfile {

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ScramKafkaResource.class), new TestResourceEntry(JwtKeyResource.class));
    }
}
