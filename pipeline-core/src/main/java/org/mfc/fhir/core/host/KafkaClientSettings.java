package org.mfc.fhir.core.host;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of a Kafka client a service creates itself (admin endpoints, dead-letter look-up and replay), built
 * from the same full {@code kafka.*} configuration the SmallRye channels get (Quarkus' {@code default-kafka-broker}
 * map: {@code kafka.*} properties and {@code KAFKA_*} environment variables). So whatever secures the channels
 * (security protocol, SASL mechanism and JAAS configuration, trust and key stores) secures these clients too, and an
 * operator configures a secured cluster once.
 *
 * <p>Keys the client type does not know are left out (the map also holds, e.g., a consumer {@code group.id} that an
 * admin client would warn about); the client's own settings are applied last.
 */
public final class KafkaClientSettings {

    private KafkaClientSettings() {
    }

    public static Properties admin(Map<String, ?> shared, Map<String, ?> own) {
        return merge(AdminClientConfig.configNames(), shared, own);
    }

    public static Properties consumer(Map<String, ?> shared, Map<String, ?> own) {
        return merge(ConsumerConfig.configNames(), shared, own);
    }

    public static Properties producer(Map<String, ?> shared, Map<String, ?> own) {
        return merge(ProducerConfig.configNames(), shared, own);
    }

    private static Properties merge(Set<String> known, Map<String, ?> shared, Map<String, ?> own) {
        Properties p = new Properties();
        shared.forEach((key, value) -> {
            if (value != null && known.contains(key) && !(value instanceof String s && s.isEmpty())) {
                p.put(key, value);
            }
        });
        own.forEach((key, value) -> {
            if (value != null) {
                p.put(key, value);
            }
        });
        return p;
    }
}
