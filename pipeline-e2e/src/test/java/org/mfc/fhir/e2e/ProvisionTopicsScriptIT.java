package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.infra.PipelineInfra;

/**
 * deploy/base/provision-topics.sh (the Kubernetes topic Job's and the compose file's kafka-init script) run with the
 * Kafka CLI's own commands against a real broker: every topic is created with the partitions and settings it is
 * given, and a second run, as after a change of settings, succeeds on the existing topics and applies the change,
 * except a larger partition count, which it reports and leaves to the operator.
 * The CLI scripts of a Kafka distribution are stood in for by two lines each that run the same command classes
 * ({@code kafka-topics.sh}: {@code org.apache.kafka.tools.TopicCommand}, {@code kafka-configs.sh}:
 * {@code kafka.admin.ConfigCommand}) at the version of the broker.
 */
class ProvisionTopicsScriptIT {

    private static final Path SCRIPT = ServiceProcess.repoRoot().resolve("deploy/base/provision-topics.sh");

    /** Topic, and the retention the script gives it by default. */
    private static final Map<String, String> TOPICS = new LinkedHashMap<>(Map.of(
            "prov.readings", "604800000",
            "prov.readings.dlq", "2592000000",
            "prov.alerts", "604800000",
            "prov.mqtt.rejects", "2592000000",
            "prov.rehearsal", "3600000"));

    @TempDir
    Path dir;

    @Test
    void givenAFreshBroker_whenProvisionedTwice_thenEveryTopicHasItsSettingsAndTheSecondRunAppliesTheChanges()
            throws Exception {
        Path bin = cli();
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BIN", bin.toString(),
                "KAFKA_BOOTSTRAP_SERVERS", PipelineInfra.shared().kafkaBootstrapServers(),
                "FHIR_QUEUE_NAME", "prov.readings",
                "FHIR_DEAD_LETTER_TOPIC", "prov.readings.dlq",
                "FHIR_ALERT_TOPIC", "prov.alerts",
                "MQTT_REJECTS_TOPIC", "prov.mqtt.rejects",
                "INGEST_WARMUP_TOPIC", "prov.rehearsal",
                "TOPIC_PARTITIONS", "3",
                "TOPIC_REPLICATION_FACTOR", "1",
                "TOPIC_MIN_INSYNC_REPLICAS", "1"));

        run(env, "first");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                PipelineInfra.shared().kafkaBootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(TOPICS.keySet()).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(topics).hasSize(TOPICS.size());
            topics.values().forEach(t -> assertThat(t.partitions()).as(t.name()).hasSize(3));
            Map<String, Config> configs = configs(admin);
            TOPICS.forEach((topic, retention) -> {
                Config c = configs.get(topic);
                assertThat(c.get("retention.ms").value()).as(topic + " retention.ms").isEqualTo(retention);
                assertThat(c.get("min.insync.replicas").value()).as(topic + " min.insync.replicas").isEqualTo("1");
                assertThat(c.get("cleanup.policy").value()).as(topic + " cleanup.policy").isEqualTo("delete");
            });

            env.put("TOPIC_READINGS_RETENTION_MS", "86400000");
            env.put("TOPIC_PARTITIONS", "4");
            String second = run(env, "second");
            assertThat(second).contains("topic prov.readings: has 3 partitions, fewer than TOPIC_PARTITIONS=4; "
                    + "not changed");
            Map<String, Config> after = configs(admin);
            assertThat(after.get("prov.readings").get("retention.ms").value()).isEqualTo("86400000");
            assertThat(after.get("prov.readings.dlq").get("retention.ms").value()).isEqualTo("2592000000");
            assertThat(admin.describeTopics(List.of("prov.readings")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("prov.readings").partitions()).hasSize(3);
        }
    }

    private static Map<String, Config> configs(Admin admin) throws Exception {
        List<ConfigResource> resources = TOPICS.keySet().stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<String, Config> byTopic = new HashMap<>();
        admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS).forEach((r, c) -> byTopic.put(r.name(), c));
        return byTopic;
    }

    /** Runs the script; its output. */
    private String run(Map<String, String> env, String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("the " + name + " run ends").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("the " + name + " run's exit status; its output:\n" + output).isZero();
        assertThat(output).contains("topic prov.readings: partitions=3 ", "topic prov.rehearsal: partitions=3 ");
        return output;
    }

    /** kafka-topics.sh and kafka-configs.sh: the distribution's command classes on this test's class path. */
    private Path cli() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        for (Map.Entry<String, String> command : Map.of("kafka-topics.sh", "org.apache.kafka.tools.TopicCommand",
                "kafka-configs.sh", "kafka.admin.ConfigCommand").entrySet()) {
            Path script = bin.resolve(command.getKey());
            Files.writeString(script, "#!/bin/sh\nexec '" + java + "' $KAFKA_HEAP_OPTS "
                    + "-Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp '" + classPath + "' "
                    + command.getValue() + " \"$@\"\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }
}
