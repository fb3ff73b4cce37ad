package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.TestJwt;
import org.mfc.fhir.infra.PipelineInfra;
import org.mfc.fhir.infra.PipelineInfraResource;
import org.mfc.fhir.ingest.rest.ProblemMapper;
import org.mfc.fhir.ingest.rest.RequestIds;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;

/**
 * The hostile corpus ({@code src/test/resources/hostile/corpus.jsonl}, one case a line): malformed and malicious
 * requests on every device endpoint. Each must get its 4xx {@code application/problem+json} answer naming the field
 * where one is given, publish nothing (the readings topic's end offsets do not move) and store nothing (every
 * collection of both databases keeps its count); afterwards the service is still ready.
 *
 * <p>A case line: {@code name}, {@code category}, {@code path}, {@code contentType} (null: no header), a body as
 * {@code body} (literal), or {@code fixture} with {@code replace} pairs (every occurrence; each must occur) and/or
 * {@code generate} (bodies too big or deep to commit: {@code truncate}, {@code append}, {@code nest},
 * {@code batch}, {@code pad}, {@code multipart}, {@code hugeList}), {@code gzip} (the body compressed),
 * {@code contentEncoding} (the header, when given), {@code chunked}, the expected {@code status} and
 * optionally the {@code field} one of the problems must name and {@code maxErrors}, the most errors the answer may
 * list. {@code @@BAD_UTF8@@} in a body becomes bytes that are
 * not UTF-8.
 */
@QuarkusTest
@QuarkusTestResource(value = PipelineInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = JwtKeyResource.class, restrictToAnnotatedClass = false)
class HostileCorpusTest {

    private static final byte[] BAD_UTF8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xC0,
        (byte) 0xAF};
    private static final List<String> DATABASES = List.of("AMY", "MFC_FHIR_R5");

    @TestHTTPResource("/")
    URL base;

    @Inject
    MongoClient mongo;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void givenHostileCorpus_whenEachRequestIsPosted_thenProblemAnswerNothingPublishedNothingStoredStillReady()
            throws Exception {
        // Ready before the corpus (the start-up rehearsal is over), so that "still ready" below means something.
        IngestTests.awaitWarm();
        List<JsonNode> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        String run = "hostile-" + UUID.randomUUID();
        Map<String, Long> storedBefore = collectionCounts();
        SoftAssertions soft = new SoftAssertions();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(IngestTests.TOPIC).stream()
                    .map(p -> new TopicPartition(IngestTests.TOPIC, p.partition())).collect(Collectors.toList());
            for (int i = 0; i < corpus.size(); i++) {
                JsonNode c = corpus.get(i);
                String name = "#" + i + " " + c.get("name").asText();
                Map<TopicPartition, Long> before = consumer.endOffsets(partitions);
                HttpResponse<byte[]> answer = send(c, run + "-" + i, "hostile-" + i);
                checkAnswer(soft, name, c, answer, "hostile-" + i);
                soft.assertThat(consumer.endOffsets(partitions)).as("%s: readings topic end offsets", name)
                        .isEqualTo(before);
            }
        }
        soft.assertThat(publishedByRun(run)).as("records published by this corpus's clients").isZero();
        soft.assertThat(collectionCounts()).as("documents per collection of both databases").isEqualTo(storedBefore);
        // Readiness also waits for the start-up rehearsal, which has nothing to do with the corpus.
        IngestTests.awaitWarm();
        soft.assertThat(Management.request().get("/q/health/ready").statusCode()).as("readiness after the corpus")
                .isEqualTo(200);
        soft.assertAll();
    }

    private void checkAnswer(SoftAssertions soft, String name, JsonNode c, HttpResponse<byte[]> answer,
            String requestId) {
        int expected = c.get("status").asInt();
        soft.assertThat(answer.statusCode()).as("%s: status", name).isEqualTo(expected);
        soft.assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                .as("%s: content type", name).startsWith(ProblemMapper.PROBLEM_JSON);
        JsonNode problem;
        try {
            problem = Json.mapper().readTree(answer.body());
        } catch (IOException | RuntimeException e) {
            soft.fail("%s: the answer is not a JSON problem (%s)", name, e.getMessage());
            return;
        }
        soft.assertThat(problem.path("status").asInt()).as("%s: problem status", name).isEqualTo(expected);
        soft.assertThat(problem.path("success").asBoolean(true)).as("%s: success", name).isFalse();
        soft.assertThat(problem.path("request_id").asText()).as("%s: request id", name).isEqualTo(requestId);
        if (c.hasNonNull("field")) {
            List<String> fields = new ArrayList<>();
            problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
            soft.assertThat(fields).as("%s: fields named", name).contains(c.get("field").asText());
        }
        if (c.has("maxErrors")) {
            soft.assertThat(problem.path("errors").size()).as("%s: errors listed", name)
                    .isLessThanOrEqualTo(c.get("maxErrors").asInt());
        }
    }

    private HttpResponse<byte[]> send(JsonNode c, String client, String requestId) throws Exception {
        byte[] body = body(c);
        HttpRequest.BodyPublisher publisher = c.path("chunked").asBoolean(false)
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        URI uri = URI.create(base.toString().replaceAll("/$", "") + c.get("path").asText());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestJwt.shared().token(client, TestJwt.FLEET_WRITE_SCOPE, null))
                .header(RequestIds.HEADER, requestId).POST(publisher);
        if (c.hasNonNull("contentType")) {
            request.header("Content-Type", c.get("contentType").asText());
        }
        if (c.hasNonNull("contentEncoding")) {
            request.header("Content-Encoding", c.get("contentEncoding").asText());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] body(JsonNode c) {
        String text = c.has("body") ? c.get("body").asText()
                : c.has("fixture") ? Fixtures.text(c.get("fixture").asText()) : "";
        for (JsonNode pair : c.path("replace")) {
            String from = pair.get(0).asText();
            assertThat(text).as("%s: the replacement must apply to the fixture", c.get("name").asText())
                    .contains(from);
            text = text.replace(from, pair.get(1).asText());
        }
        if (c.has("generate")) {
            text = generate(c.get("generate"), text);
        }
        byte[] bytes = text.contains("@@BAD_UTF8@@") ? replaceMarker(text) : text.getBytes(StandardCharsets.UTF_8);
        return c.path("gzip").asBoolean(false) ? gzip(bytes) : bytes;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String generate(JsonNode g, String fixture) {
        return switch (g.get("kind").asText()) {
            case "truncate" -> fixture.substring(0, fixture.length() / 2);
            case "append" -> fixture + g.get("text").asText();
            case "nest" -> g.get("open").asText().repeat(g.get("depth").asInt()) + g.get("leaf").asText()
                    + g.get("close").asText().repeat(g.get("depth").asInt());
            case "batch" -> "[" + String.join(",", java.util.Collections.nCopies(g.get("count").asInt(), fixture))
                    + "]";
            case "pad" -> "{\"pad\":\"" + "x".repeat(g.get("bytes").asInt()) + "\"}";
            case "multipart" -> "--xyz\r\nContent-Disposition: form-data; name=\"reading\"\r\n"
                    + "Content-Type: application/json\r\n\r\n" + fixture + "\r\n--xyz--\r\n";
            case "hugeList" -> fixture.replace(g.get("marker").asText(), g.get("marker").asText()
                    + (g.get("unit").asText() + ",").repeat(g.get("count").asInt()));
            default -> throw new IllegalArgumentException("unknown generator " + g);
        };
    }

    private static byte[] replaceMarker(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] parts = text.split("@@BAD_UTF8@@", -1);
        for (int i = 0; i < parts.length; i++) {
            out.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
            if (i < parts.length - 1) {
                out.writeBytes(BAD_UTF8);
            }
        }
        return out.toByteArray();
    }

    static List<JsonNode> corpus() {
        List<JsonNode> cases = new ArrayList<>();
        try (InputStream in = HostileCorpusTest.class.getResourceAsStream("/hostile/corpus.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    JsonNode c = Json.mapper().readTree(line);
                    assertThat(c.get("status").asInt()).as(line).isBetween(400, 499);
                    cases.add(c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private Map<String, Long> collectionCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String db : DATABASES) {
            MongoDatabase database = mongo.getDatabase(db);
            for (String collection : database.listCollectionNames()) {
                counts.put(db + "." + collection, database.getCollection(collection).countDocuments());
            }
        }
        return counts;
    }

    /** Records on the readings topic whose client id belongs to this run. */
    private static long publishedByRun(String run) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(IngestTests.TOPIC).stream()
                    .map(p -> new TopicPartition(IngestTests.TOPIC, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && r.value().contains("\"" + run)) {
                        count++;
                    }
                }
            }
            return count;
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
