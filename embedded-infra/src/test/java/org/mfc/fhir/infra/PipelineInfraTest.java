package org.mfc.fhir.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.apache.kafka.clients.admin.Admin;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PipelineInfraExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PipelineInfraTest {

    @Test
    void sharedInfraServesKafkaAndMongo(PipelineInfra infra) throws Exception {
        assertThat(infra).isSameAs(PipelineInfra.shared());
        if (infra.mode() == InfraMode.EMBEDDED) {
            assertThat(infra.kafkaBootstrapServers()).startsWith("127.0.0.1:");
            assertThat(infra.mongoConnectionString()).startsWith("mongodb://127.0.0.1:");
        }
        try (Admin admin = KafkaTestClients.admin(infra.kafkaBootstrapServers())) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
        try (MongoClient client = MongoClients.create(infra.mongoConnectionString())) {
            assertThat(client.getDatabase("admin").runCommand(new Document("ping", 1)).get("ok"))
                    .isIn(1, 1.0);
        }
    }

    @Test
    void quarkusResourceHandsOutTheSharedAddressesAndKeepsThemRunning() {
        PipelineInfraResource resource = new PipelineInfraResource();
        var config = resource.start();
        resource.stop();

        assertThat(config)
                .containsEntry("kafka.bootstrap.servers", PipelineInfra.shared().kafkaBootstrapServers())
                .containsEntry("mp.messaging.connector.smallrye-kafka.bootstrap.servers",
                        PipelineInfra.shared().kafkaBootstrapServers())
                .containsEntry("quarkus.mongodb.connection-string", PipelineInfra.shared().mongoConnectionString())
                .containsEntry("quarkus.log.category.\"kafka\".level", "WARN");
        try (Admin admin = KafkaTestClients.admin(config.get("kafka.bootstrap.servers"))) {
            assertThat(admin.describeCluster().nodes()).succeedsWithin(java.time.Duration.ofSeconds(30));
        }
    }

    /** Quarkus loads test resources in its own class loaders: they must reuse, not restart, the JVM's servers. */
    @Test
    void copyInAnotherClassLoaderReusesTheSystemCopysServers() throws Exception {
        try (IsolatingClassLoader loader = new IsolatingClassLoader()) {
            Class<?> foreignCopy = loader.loadClass(PipelineInfra.class.getName());
            assertThat(foreignCopy).isNotSameAs(PipelineInfra.class);

            Object foreign = foreignCopy.getMethod("shared").invoke(null);
            assertThat(foreignCopy.getMethod("kafkaBootstrapServers").invoke(foreign))
                    .isEqualTo(PipelineInfra.shared().kafkaBootstrapServers());
            assertThat(foreignCopy.getMethod("mongoConnectionString").invoke(foreign))
                    .isEqualTo(PipelineInfra.shared().mongoConnectionString());
        }
    }

    /** Defines this module's classes itself (like a Quarkus class loader) and delegates everything else. */
    private static final class IsolatingClassLoader extends ClassLoader implements AutoCloseable {

        IsolatingClassLoader() {
            super("isolating", ClassLoader.getSystemClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("org.mfc.fhir.infra.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }

        @Override
        public void close() {
            // nothing held open; AutoCloseable only to scope the loader in the test
        }
    }
}
