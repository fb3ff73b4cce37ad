package org.mfc.fhir.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

    private static final Map<String, Object> SHARED = Map.of(
            "bootstrap.servers", "kafka-0:9093",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "ssl.truststore.location", "/etc/kafka-tls/ca.p12",
            "group.id", "ingest-api",
            "port", "9092",
            "ssl.keystore.location", "");

    @Test
    void givenSecuredClusterSettings_whenBuildingEachClientType_thenEveryClientCarriesThem() {
        for (Properties p : new Properties[] {KafkaClientSettings.admin(SHARED, Map.of()),
                KafkaClientSettings.consumer(SHARED, Map.of()), KafkaClientSettings.producer(SHARED, Map.of())}) {
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
    void givenSharedGroupId_whenBuildingAdminOrConsumer_thenOnlyTheConsumerKeepsItAndOwnSettingsWin() {
        assertThat(KafkaClientSettings.admin(SHARED, Map.of())).doesNotContainKey("group.id");
        assertThat(KafkaClientSettings.consumer(SHARED, Map.of("group.id", "replay", "bootstrap.servers", "other:1")))
                .containsEntry("group.id", "replay").containsEntry("bootstrap.servers", "other:1");
    }
}
