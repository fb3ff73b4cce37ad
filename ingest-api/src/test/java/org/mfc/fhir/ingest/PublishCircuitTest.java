package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.infra.PipelineInfra;
import org.mfc.fhir.infra.PipelineInfraResource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * The broker is killed under the API and restarted. While it is away requests are stored synchronously without
 * waiting for the producer's timeouts, and once it is back they are queued again; a reading is in exactly one place:
 * an answer of 201 in the database and not on the topic, an answer of 202 on the topic (once) and not in the database
 * (no worker runs here, so only the ingest API could have put it there).
 */
@QuarkusTest
@TestProfile(PublishCircuitProfile.class)
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class PublishCircuitTest {

    private static final String TOPIC = "fhir.readings";
    /** Well under the producer's own bound (max.block 2 s + delivery 4.5 s) that each request paid before. */
    private static final Duration SKIPPED_BROKER = Duration.ofSeconds(2);

    /** Shared by the tests: every post is a reading of its own. */
    private static int next;

    @BeforeAll
    static void seedRegistry() {
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            LegacyRegistry.seedBloodPressurePatient(mongo.getDatabase(PublishCircuitProfile.MAIN_DB));
        }
    }

    @Test
    void givenBrokerKilled_whenDevicesKeepPosting_thenStoredAtOnceAndQueuedAgainAfterItsReturn() throws Exception {
        Map<String, Integer> answers = new HashMap<>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(answers).statusCode() == 202);

        ChildBroker.kill();
        List<Long> outageMillis = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long start = System.nanoTime();
            assertThat(post(answers).statusCode()).as("answer while the broker is down").isEqualTo(201);
            outageMillis.add((System.nanoTime() - start) / 1_000_000);
        }
        assertThat(outageMillis.subList(10, 30)).as("answer times once the circuit knows (ms)")
                .allMatch(ms -> ms < SKIPPED_BROKER.toMillis());
        String metrics = Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("ingest_publish_circuit_transitions_total{to=\"open\"}");
        assertThat(metrics).doesNotContainPattern("ingest_sync_fallbacks_total\\{reason=\"timeout\"\\}");

        ChildBroker.start();
        long back = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> post(answers).statusCode() == 202);
        assertThat(Duration.ofNanos(System.nanoTime() - back)).as("queued again after the broker's return")
                .isLessThan(Duration.ofSeconds(15));
        for (int i = 0; i < 5; i++) {
            assertThat(post(answers).statusCode()).as("queued once the circuit is closed").isEqualTo(202);
        }
        assertThat(Management.request().get("/q/metrics").then().extract().asString())
                .containsPattern("ingest_publish_circuit\\{[^}]*\\} 0.0");

        Map<String, Long> onTopic = publishedIngestIds();
        Set<String> inDatabase = storedIngestIds();
        answers.forEach((ingestId, status) -> {
            if (status == 201) {
                assertThat(inDatabase).as("stored synchronously: " + ingestId).contains(ingestId);
                assertThat(onTopic).as("stored synchronously, never published: " + ingestId)
                        .doesNotContainKey(ingestId);
            } else if (status == 202) {
                assertThat(onTopic.get(ingestId)).as("queued once: " + ingestId).isEqualTo(1L);
                assertThat(inDatabase).as("queued, not stored by the API: " + ingestId).doesNotContain(ingestId);
            }
        });
        assertThat(answers.values()).contains(201, 202);
    }

    @Test
    void givenBrokerHung_whenARequestWaitsOnIt_thenStoredAndReportedOnceAsAWarningWithItsCause() throws Exception {
        Map<String, Integer> answers = new HashMap<>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(answers).statusCode() == 202);
        long logFrom = Files.exists(PublishCircuitProfile.LOG_FILE) ? Files.size(PublishCircuitProfile.LOG_FILE) : 0;

        // The sink's category at DEBUG for this request only (a profile's log levels outlive its tests), so that
        // the test sees what the sink logged and at which level.
        java.util.logging.Logger sink = java.util.logging.Logger.getLogger("io.smallrye.reactive.messaging.kafka");
        java.util.logging.Level before = sink.getLevel();
        // The connection stays open: the record is handed to the producer and fails in the sink, in flight.
        sink.setLevel(org.jboss.logmanager.Level.DEBUG);
        ChildBroker.pause();
        Response answer;
        try {
            answer = post(answers);
        } finally {
            ChildBroker.resume();
        }

        assertThat(answer.statusCode()).as("stored synchronously once the producer gave up").isEqualTo(201);
        assertThat(storedIngestIds()).contains(answer.<String>path("ingest_id"));
        // The file log is JSON lines (quarkus-logging-json).
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logSince(logFrom))
                .as("the sink's own report, at DEBUG")
                .anyMatch(l -> l.contains(level("DEBUG")) && l.contains("SRMSG18206")));
        sink.setLevel(before);
        List<String> lines = logSince(logFrom);
        assertThat(lines).as("one WARN naming the cause")
                .filteredOn(l -> l.contains(level("WARN")) && l.contains("publish to " + TOPIC + " failed (refused: "))
                .hasSize(1).allMatch(l -> l.contains("Exception: "), "carries the Kafka client's message");
        // Other test applications of this JVM log to the same handlers: only this path's lines are judged.
        assertThat(lines).as("a failure the service handled is no ERROR").noneMatch(l -> l.contains(level("ERROR"))
                && (l.contains("SRMSG182") || l.contains("\"loggerName\":\"org.mfc.")));
    }

    private static String level(String name) {
        return "\"level\":\"" + name + "\"";
    }

    private static List<String> logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(PublishCircuitProfile.LOG_FILE);
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8).lines().toList();
    }

    /** Posts the sample blood-pressure reading with a new device time, so each request is a distinct reading. */
    private Response post(Map<String, Integer> answers) {
        String body = Fixtures.text("ava4/bp_biolight.json").replace("1743963911", Long.toString(1743963911L + next++));
        Response r = IngestTests.device().body(body).post("/api/v1/ava4");
        if (r.statusCode() / 100 == 2) {
            answers.put(r.path("ingest_id"), r.statusCode());
        }
        return r;
    }

    private static Set<String> storedIngestIds() {
        try (MongoClient mongo = MongoClients.create(PipelineInfra.shared().mongoConnectionString())) {
            Set<String> ids = new HashSet<>();
            for (Document d : mongo.getDatabase(PublishCircuitProfile.FHIR_DB).getCollection("fhir_observations")
                    .find()) {
                ids.add(d.getString("source_message_id"));
            }
            return ids;
        }
    }

    private static Map<String, Long> publishedIngestIds() throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ChildBroker.address());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, Long> counts = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(info -> new TopicPartition(TOPIC, info.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    counts.merge(Json.mapper().readTree(r.value()).path("ingest_id").asText(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }
}
