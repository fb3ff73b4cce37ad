package org.mfc.fhir.infra;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The resource as Quarkus uses it: loaded by a Quarkus class loader (Quarkus 3.34 loads test classes and resources
 * there), the servers owned by the system class loader's PipelineInfra, the addresses handed over as configuration.
 */
@QuarkusTest
@WithTestResource(value = PipelineInfraResource.class, scope = TestResourceScope.GLOBAL)
class PipelineInfraResourceQuarkusTest {

    @Inject
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    @Inject
    @ConfigProperty(name = "quarkus.mongodb.connection-string")
    String mongoConnectionString;

    @Test
    void applicationSeesTheJvmWideServers() throws Exception {
        Class<?> systemCopy = ClassLoader.getSystemClassLoader().loadClass(PipelineInfra.class.getName());
        Object jvmWide = systemCopy.getMethod("shared").invoke(null);

        assertThat(kafkaBootstrapServers).isEqualTo(systemCopy.getMethod("kafkaBootstrapServers").invoke(jvmWide));
        assertThat(mongoConnectionString).isEqualTo(systemCopy.getMethod("mongoConnectionString").invoke(jvmWide));
        assertThat(PipelineInfra.shared().kafkaBootstrapServers()).isEqualTo(kafkaBootstrapServers);
    }
}
