package org.mfc.fhir.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.apache.kafka.common.errors.SaslAuthenticationException;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerTest {

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void createsTopicProducesIdempotentlyAndConsumesBack() throws Exception {
        long startNanos = System.nanoTime();
        Path logDir;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.printf("In-JVM Kafka broker started in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            logDir = broker.logDir();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());

            try (Admin admin = KafkaTestClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("readings", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.describeTopics(List.of("readings")).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get("readings").partitions()).hasSize(3);
            }
            KafkaTestClients.produce(broker.bootstrapServers(), "readings", 0, 30);

            List<ConsumerRecord<String, String>> records =
                    KafkaTestClients.consume(broker.bootstrapServers(), "readings", 30, CONSUME_TIMEOUT);
            assertThat(records).extracting(ConsumerRecord::value).hasSize(30).contains("value-0", "value-29");
            assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        }
        assertThat(logDir).doesNotExist();
    }

    @Test
    void restartOnTheSameDirectoryKeepsTheLog(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("kafka");
        int port;
        int controllerPort;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, 0, 0)) {
            port = broker.port();
            controllerPort = broker.controllerPort();
            KafkaTestClients.produce(broker.bootstrapServers(), "kept", 0, 5);
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, port, controllerPort)) {
            assertThat(broker.port()).isEqualTo(port);
            assertThat(KafkaTestClients.consume(broker.bootstrapServers(), "kept", 5, CONSUME_TIMEOUT))
                    .extracting(ConsumerRecord::value).hasSize(5);
        }
        assertThat(logDir).exists();
    }

    @Test
    void scramListenerAdmitsItsUserAndRefusesEveryoneElse(@TempDir Path dir) throws Exception {
        EmbeddedKafkaBroker.Scram scram = new EmbeddedKafkaBroker.Scram(0, "pipeline", "s3cret");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startWithScram(dir.resolve("kafka"), 0, 0, scram)) {
            Map<String, Object> authenticated = new HashMap<>(broker.scram().clientSettings());
            authenticated.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslBootstrapServers());
            try (Admin admin = Admin.create(authenticated)) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
            }

            Map<String, Object> wrongPassword = new HashMap<>(authenticated);
            wrongPassword.put("sasl.jaas.config", new EmbeddedKafkaBroker.Scram(0, "pipeline", "guess").jaasConfig());
            try (Admin admin = Admin.create(wrongPassword)) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }

            // A client without the security settings is not admitted on the SCRAM port.
            Map<String, Object> plain = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.saslBootstrapServers(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
            try (Admin admin = Admin.create(plain)) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(
                        () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))).isNotNull();
            }
        }
    }
}
