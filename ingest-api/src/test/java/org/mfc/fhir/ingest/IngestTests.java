package org.mfc.fhir.ingest;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfra;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.specification.RequestSpecification;

/** Shared helpers of the ingest API's service tests: authenticated requests and reading back the topic. */
final class IngestTests {

    static final String TOPIC = "fhir.readings";
    static final String CLIENT = "test-gateway-client";

    private IngestTests() {
    }

    /** A JSON request with a valid write token for {@link #CLIENT}. */
    /**
     * Readiness waits for the start-up rehearsal of the request path, which runs on its own thread: a test that
     * asserts readiness waits for it first.
     */
    static void awaitWarm() {
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> Management.request().get("/q/health/ready").statusCode() == 200);
    }

    static RequestSpecification device() {
        return as(TestJwt.shared().token(CLIENT, TestJwt.FLEET_WRITE_SCOPE, null));
    }

    static RequestSpecification admin() {
        return as(TestJwt.shared().token("operator", "admin", null));
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json");
    }

    /** The records published for {@code ingestId}, in order of {@code seq}; waits until {@code expected} arrived. */
    static List<JsonNode> published(String ingestId, int expected) {
        List<JsonNode> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = Json.mapper().readTree(r.value());
                    if (value.path("ingest_id").asText().equals(ingestId)) {
                        found.add(value);
                    }
                }
                return found.size() >= expected;
            });
        }
        found.sort((a, b) -> Integer.compare(a.get("seq").asInt(), b.get("seq").asInt()));
        return found;
    }

    /** Every record on the topic now, read to the end: for asserting that nothing was published. */
    static long countPublished(String field, String value) {
        return countPublished(TOPIC, field, value);
    }

    /** Records on {@code topic} whose JSON value has {@code value} at the pointer {@code field}. */
    static long countPublished(String topic, String field, String value) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (Json.mapper().readTree(r.value()).at(field).asText().equals(value)) {
                            count++;
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return count;
        }
    }

    /** Writes a dead letter the way the worker does: original value, stage, reason and ingest-id headers. */
    static void deadLetter(String ingestId, String stage, String reason) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, PipelineInfra.shared().kafkaBootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            ProducerRecord<String, String> r = new ProducerRecord<>("fhir.readings.dlq", "imei-865067123456789",
                    "{}");
            r.headers().add("dlq-stage", stage.getBytes(StandardCharsets.UTF_8));
            r.headers().add("dlq-reason", reason.getBytes(StandardCharsets.UTF_8));
            r.headers().add("ingest-id", ingestId.getBytes(StandardCharsets.UTF_8));
            producer.send(r).get();
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PipelineInfra.shared().kafkaBootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }
}
