package org.mfc.fhir.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private static final Map<String, Object> SHARED = Map.of(
            "bootstrap.servers", "kafka-0:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "ssl.truststore.location", "/etc/kafka-tls/ca.p12",
            "group.id", "ingest-api",
            "port", "9092",
            "ssl.keystore.location", "");

    private final KafkaClients clients = new KafkaClients(SHARED);

    @Test
    void givenSecuredClusterSettings_whenBuildingEachClientType_thenEveryClientCarriesThem() {
        for (Properties p : new Properties[] {clients.adminSettings(Map.of()),
                clients.consumerSettings("g", Map.of()), clients.producerSettings(Map.of())}) {
            assertThat(p).containsEntry("bootstrap.servers", "kafka-0:9093")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/kafka-tls/ca.p12")
                    .containsKey("sasl.jaas.config")
                    .doesNotContainKey("port")
                    .doesNotContainKey("ssl.keystore.location");
        }
    }

    @Test
    void givenSharedGroupId_whenBuildingAdminOrConsumer_thenOnlyAGroupConsumerHasOneAndOwnSettingsWin() {
        assertThat(clients.adminSettings(Map.of())).doesNotContainKey("group.id");
        assertThat(clients.consumerSettings("replay", Map.of("bootstrap.servers", "other:1")))
                .containsEntry("group.id", "replay").containsEntry("bootstrap.servers", "other:1");
        assertThat(clients.consumerSettings(null, Map.of())).doesNotContainKey("group.id");
    }

    @Test
    void givenKafkaPropertiesAndEnvironmentVariables_whenReadFromConfig_thenBothBecomeClientSettings() {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", "kafka-0:9093");
        values.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        values.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        values.put("kafkaesque.setting", "not kafka");
        values.put("migration.batch-size", "500");

        Properties p = KafkaClients.fromConfig(new MapConfig(values)).consumerSettings("rederive", Map.of());

        assertThat(p).containsEntry("bootstrap.servers", "kafka-0:9093").containsEntry("security.protocol",
                "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("group.id", "rederive")
                .hasSize(4);
    }

    @Test
    void givenToolArguments_whenReadFromEnvironment_thenTheArgumentsBrokerAndTheEnvironmentsSecurity() {
        Properties p = KafkaClients.fromEnvironment(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_BOOTSTRAP_SERVERS", "ignored:1", "PATH", "/usr/bin"), "127.0.0.1:9092").adminSettings(Map.of());

        assertThat(p).containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("security.protocol", "SASL_PLAINTEXT").hasSize(2);
    }

    @Test
    void givenATimeout_whenBounded_thenEveryCallAndConnectionSetupIsBoundedByIt() {
        assertThat(KafkaClients.bounded(Duration.ofSeconds(3))).containsEntry("request.timeout.ms", 3000)
                .containsEntry("default.api.timeout.ms", 3000)
                .containsEntry("socket.connection.setup.timeout.ms", 1000)
                .containsEntry("socket.connection.setup.timeout.max.ms", 2000);
    }

    /** Configuration over a map, as MicroProfile Config lists property and environment names alike. */
    private record MapConfig(Map<String, String> values) implements Config {

        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow();
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            return Optional.ofNullable(type.cast(values.get(name)));
        }

        @Override
        public Iterable<String> getPropertyNames() {
            return List.copyOf(values.keySet());
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            return List.of();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> forType) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }
    }
}
