package org.mfc.fhir.core.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * Builds every Kafka client a host creates itself (admin endpoints, dead-letter look-up, browse and replay, the
 * migrator's topic pass, the benchmarks' lag probes) from the same full {@code kafka.*} configuration the SmallRye
 * channels get (Quarkus' {@code default-kafka-broker} map: {@code kafka.*} properties and {@code KAFKA_*} environment
 * variables). So whatever secures the channels (security protocol, SASL mechanism and JAAS configuration, trust and
 * key stores, timeouts) secures these clients too, and an operator configures a secured cluster once. A client
 * built from {@code bootstrap.servers} alone cannot reach a SCRAM or TLS listener.
 *
 * <p>Keys the client type does not know are left out (the map also holds, e.g., a consumer {@code group.id} that an
 * admin client would warn about); the client's own settings are applied last.
 */
public final class KafkaClients {

    /** Prefix of the shared settings, as a property ({@code kafka.}) or an environment variable ({@code KAFKA_}). */
    private static final String PREFIX = "kafka";

    private final Map<String, ?> shared;

    public KafkaClients(Map<String, ?> shared) {
        this.shared = Map.copyOf(withoutNulls(shared));
    }

    /**
     * The shared settings read from a host's configuration the way Quarkus builds {@code default-kafka-broker}, for
     * a host without the Kafka extension: every {@code kafka.*} property and {@code KAFKA_*} environment variable,
     * lower-cased after the prefix, {@code _} read as {@code .}.
     */
    public static KafkaClients fromConfig(Config config) {
        Map<String, Object> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.length() <= PREFIX.length() + 1 || !lower.startsWith(PREFIX)
                    || (lower.charAt(PREFIX.length()) != '.' && lower.charAt(PREFIX.length()) != '_')) {
                continue;
            }
            String key = lower.substring(PREFIX.length() + 1).replace('_', '.');
            config.getOptionalValue(name, String.class).ifPresent(value -> settings.put(key, value));
        }
        return new KafkaClients(settings);
    }

    /**
     * The shared settings of a command-line tool: {@code bootstrap.servers} from its arguments, everything else from
     * the {@code KAFKA_*} environment variables a service would read ({@code KAFKA_SECURITY_PROTOCOL},
     * {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG} ...).
     */
    public static KafkaClients fromEnvironment(Map<String, String> environment, String bootstrapServers) {
        Map<String, Object> settings = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length()) {
                settings.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaClients(settings);
    }

    /**
     * Request, API and connection-setup timeouts that bound every call of an admin client or consumer by
     * {@code timeout}: an unreachable broker answers an operator's request with an error in time, not a hung call.
     */
    public static Map<String, Object> bounded(Duration timeout) {
        int ms = (int) timeout.toMillis();
        return Map.of(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, ms,
                CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 1000),
                CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(ms, 2000));
    }

    /** Whether the settings name a broker at all; a tool without one leaves its Kafka part out. */
    public boolean hasBrokers() {
        Object brokers = shared.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return brokers != null && !String.valueOf(brokers).isBlank();
    }

    public Admin admin(Map<String, ?> own) {
        return Admin.create(adminSettings(own));
    }

    /**
     * A consumer in {@code group}, or, when {@code group} is null, one that reads by assignment and commits nothing:
     * the shared configuration's group id (the channel's) does not apply to it then.
     */
    public <K, V> KafkaConsumer<K, V> consumer(String group, Map<String, ?> own) {
        return new KafkaConsumer<>(consumerSettings(group, own));
    }

    public <K, V> KafkaProducer<K, V> producer(Map<String, ?> own) {
        return new KafkaProducer<>(producerSettings(own));
    }

    public Properties adminSettings(Map<String, ?> own) {
        return merge(AdminClientConfig.configNames(), own);
    }

    public Properties consumerSettings(String group, Map<String, ?> own) {
        Properties p = merge(ConsumerConfig.configNames(), own);
        if (group == null) {
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        } else {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return p;
    }

    public Properties producerSettings(Map<String, ?> own) {
        return merge(ProducerConfig.configNames(), own);
    }

    private Properties merge(Set<String> known, Map<String, ?> own) {
        Properties p = new Properties();
        shared.forEach((key, value) -> {
            if (known.contains(key) && !(value instanceof String s && s.isEmpty())) {
                p.put(key, value);
            }
        });
        p.putAll(withoutNulls(own));
        return p;
    }

    private static Map<String, ?> withoutNulls(Map<String, ?> settings) {
        Map<String, Object> out = new HashMap<>();
        settings.forEach((key, value) -> {
            if (value != null) {
                out.put(key, value);
            }
        });
        return out;
    }
}
