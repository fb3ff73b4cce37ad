package org.mfc.fhir.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.messaging.DeadLetterHeaders;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.LegacyRegistry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;

import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * The operator's dead-letter tooling (list by stage and reason, replay with a filter, dry run) against the broker the
 * concrete class gives the worker; the test's own clients use the worker's full Kafka configuration, so against a
 * broker that requires authentication everything here authenticates the same way.
 */
abstract class DeadLetterToolingTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "worker.dead-letter-topic")
    String deadLetterTopic;

    @ConfigProperty(name = "worker.readings-topic")
    String readingsTopic;

    @Inject
    KafkaClients kafka;

    @Inject
    MongoClient mongo;

    @BeforeEach
    void registry() {
        LegacyRegistry.seedBloodPressurePatient(mongo.getDatabase("AMY"));
    }

    /** A producer with the worker's own Kafka configuration. */
    private KafkaProducer<String, String> producer() {
        return kafka.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    /** A dead letter as the worker writes one. */
    private void deadLetter(String value, String stage, String reason, String ingestId) throws Exception {
        deadLetter(value, stage, reason, ingestId, null);
    }

    /** A dead letter as the worker writes one; {@code omitted} non-null: one sent without its value. */
    private void deadLetter(String value, String stage, String reason, String ingestId, String omitted)
            throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            ProducerRecord<String, String> r = new ProducerRecord<>(deadLetterTopic, "box-08F9E0D1F7B4", value);
            DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.STAGE, stage);
            DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.REASON, reason);
            DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.ORIGINAL_TOPIC, readingsTopic);
            DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.INGEST_ID, ingestId);
            if (omitted != null) {
                DeadLetterHeaders.write(r.headers(), DeadLetterHeaders.VALUE_OMITTED, omitted);
            }
            producer.send(r).get();
        }
    }

    private List<ConsumerRecord<String, String>> readingsTopicRecords() {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = kafka.consumer(null, Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(readingsTopic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(readingsTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static String bloodPressure(String ingestId, long scanTime) {
        ObjectNode payload = (ObjectNode) Fixtures.json("ava4/bp_biolight.json");
        payload.put("time", scanTime);
        ((ObjectNode) payload.at("/data/value/device_list/0")).put("scan_time", scanTime);
        return TopicClient.json(new IngestRecord(ingestId, 0, DeviceFamily.AVA4, null, "box-08F9E0D1F7B4",
                "test-client", java.time.Instant.ofEpochSecond(scanTime + 5).toString(), payload));
    }

    /**
     * A device time of its own for each test run: the broker and the database are shared by the test classes of
     * the JVM, and a reading with the same device, patient and time is the same Observation, stored once.
     */
    private static long scanTime() {
        return 1743000000L + java.util.concurrent.ThreadLocalRandom.current().nextLong(10_000_000L);
    }

    private long observations(String ingestId) {
        return mongo.getDatabase("MFC_FHIR_R5").getCollection("fhir_observations")
                .countDocuments(Filters.eq("source_message_id", ingestId));
    }

    @Test
    void givenDeadLettersOfTwoReasons_whenListedByStageAndReason_thenCountsAndHeadersWithoutPayloads()
            throws Exception {
        String tag = UUID.randomUUID().toString();
        deadLetter("{\"secret\":\"payload-" + tag + "\"}", "MAP", "out of range " + tag, "list-a-" + tag);
        deadLetter("{}", "MAP", "out of range " + tag, "list-b-" + tag);
        deadLetter("{}", "PARSE", "unreadable " + tag, "list-c-" + tag);

        JsonPath all = WorkerRequests.admin().queryParam("reason", tag).get("/admin/dead-letters").then()
                .statusCode(200).extract().jsonPath();
        assertThat(all.getInt("matched")).isEqualTo(3);
        assertThat(all.getBoolean("complete")).isTrue();
        assertThat(all.getMap("byStage")).containsEntry("MAP", 2).containsEntry("PARSE", 1);

        String map = WorkerRequests.admin().queryParam("stage", "map").queryParam("reason", tag.toUpperCase())
                .get("/admin/dead-letters").then().statusCode(200).extract().asString();
        JsonPath mapped = JsonPath.from(map);
        assertThat(mapped.getInt("matched")).isEqualTo(2);
        assertThat(mapped.getList("letters.letter.ingestId")).containsExactly("list-a-" + tag, "list-b-" + tag);
        assertThat(mapped.getList("letters.letter.stage")).containsOnly("MAP");
        assertThat(mapped.getList("letters.replayed")).containsOnly(false);
        assertThat(map).doesNotContain("payload-" + tag);
    }

    @Test
    void givenAMistypedParameter_whenReplayingOrListing_then400NamingItAndNothingReplayed() throws Exception {
        String tag = UUID.randomUUID().toString();
        String id = "replay-typo-" + tag;
        deadLetter(bloodPressure(id, scanTime()), "MAP", "typo bug " + tag, id);

        // A typo in dry_run, or the flag without a value, must not become a real replay.
        for (String dryRun : List.of("ture", "yes", "")) {
            WorkerRequests.admin().queryParam("reason", "typo bug " + tag).queryParam("dry_run", dryRun)
                    .post("/admin/dead-letters/replay").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].field", org.hamcrest.Matchers.is("dry_run"));
        }
        WorkerRequests.admin().queryParam("stage", "MAPP").post("/admin/dead-letters/replay").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.is("stage"));
        // The response's own field name, or a parameter replay does not take: refused, not ignored.
        for (String unknown : List.of("dryRun", "limit")) {
            WorkerRequests.admin().queryParam("reason", "typo bug " + tag).queryParam(unknown, "1")
                    .post("/admin/dead-letters/replay").then().statusCode(400)
                    .body("errors[0].field", org.hamcrest.Matchers.is(unknown));
        }
        WorkerRequests.admin().queryParam("max", "5").post("/admin/parked/reprocess").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.is("max"));
        for (String limit : List.of("abc", "0", "-5", "1e3")) {
            WorkerRequests.admin().queryParam("limit", limit).get("/admin/dead-letters").then().statusCode(400)
                    .body("errors[0].field", org.hamcrest.Matchers.is("limit"));
            WorkerRequests.admin().queryParam("limit", limit).get("/admin/parked").then().statusCode(400)
                    .body("errors[0].field", org.hamcrest.Matchers.is("limit"));
        }
        // Given twice, only the first would count; given without a value, the default would: both refused.
        WorkerRequests.admin().queryParam("stage", "MAP", "PARSE").get("/admin/dead-letters").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.is("stage"));
        WorkerRequests.admin().queryParam("limit", "").get("/admin/parked").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.is("limit"));
        // Beyond an int is a large limit, capped, not an error.
        WorkerRequests.admin().queryParam("limit", "99999999999").queryParam("stage", "map")
                .get("/admin/dead-letters").then().statusCode(200);
        assertThat(readingsTopicRecords()).noneMatch(r -> r.value().contains(id));
        JsonPath listed = WorkerRequests.admin().queryParam("reason", "typo bug " + tag)
                .get("/admin/dead-letters").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("letters.replayed")).containsExactly(false);
    }

    @Test
    void givenFilteredReplay_whenDryRunThenRun_thenOnlyMatchingLettersRepublishedAndStored() throws Exception {
        String tag = UUID.randomUUID().toString();
        String fixedId = "replay-fixed-" + tag;
        deadLetter(bloodPressure(fixedId, scanTime()), "MAP", "mapping bug " + tag, fixedId);
        deadLetter("{\"not\":\"a record " + tag + "\"}", "PARSE", "unreadable " + tag, "replay-other-" + tag);

        JsonPath dry = WorkerRequests.admin().queryParam("reason", "mapping bug " + tag).queryParam("dry_run", true)
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().jsonPath();
        assertThat(dry.getBoolean("dryRun")).isTrue();
        assertThat(dry.getInt("matched")).isEqualTo(1);
        assertThat(dry.getInt("replayed")).isZero();
        assertThat(dry.getBoolean("positionAdvanced")).isFalse();
        assertThat(dry.getList("sample.ingestId")).containsExactly(fixedId);
        assertThat(readingsTopicRecords()).noneMatch(r -> r.value().contains(fixedId));

        JsonPath run = WorkerRequests.admin().queryParam("reason", "mapping bug " + tag)
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().jsonPath();
        assertThat(run.getInt("replayed")).isEqualTo(1);
        assertThat(run.getBoolean("positionAdvanced")).isFalse();

        await().atMost(WAIT).until(() -> observations(fixedId) == 2);
        List<ConsumerRecord<String, String>> readings = readingsTopicRecords();
        assertThat(readings).filteredOn(r -> r.value().contains(fixedId)).hasSize(1);
        assertThat(readings).noneMatch(r -> r.value().contains("a record " + tag));
        // A filtered replay leaves the position: the other letter is still "not replayed".
        JsonPath listed = WorkerRequests.admin().queryParam("reason", "unreadable " + tag)
                .get("/admin/dead-letters").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("letters.replayed")).containsExactly(false);
        Document stored = mongo.getDatabase("MFC_FHIR_R5").getCollection("fhir_observations")
                .find(Filters.eq("source_message_id", fixedId)).first();
        assertThat(stored.getString("patient_id")).isEqualTo(LegacyRegistry.BP_PATIENT.toHexString());
    }

    @Test
    void givenLetterSentWithoutItsValue_whenListedAndReplayed_thenNamedAndNotReSent() throws Exception {
        String tag = UUID.randomUUID().toString();
        String id = "replay-omitted-" + tag;
        deadLetter("", "PARSE", "too large " + tag, id, "1048400");

        JsonPath listed = WorkerRequests.admin().queryParam("reason", "too large " + tag)
                .get("/admin/dead-letters").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("letters.letter.valueOmitted")).containsExactly("1048400");
        JsonPath dry = WorkerRequests.admin().queryParam("reason", "too large " + tag).queryParam("dry_run", true)
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().jsonPath();
        assertThat(dry.getInt("matched")).isEqualTo(1);
        assertThat(dry.getInt("withoutValue")).isEqualTo(1);
        JsonPath run = WorkerRequests.admin().queryParam("reason", "too large " + tag)
                .post("/admin/dead-letters/replay").then().statusCode(200).extract().jsonPath();
        assertThat(run.getInt("matched")).isEqualTo(1);
        assertThat(run.getInt("withoutValue")).isEqualTo(1);
        assertThat(run.getInt("replayed")).isZero();
        assertThat(readingsTopicRecords()).noneMatch(r -> TopicClient.header(r, "ingest-id") != null
                && TopicClient.header(r, "ingest-id").equals(id));
    }

    @Test
    void givenStoredReading_whenWorkerConsumes_thenItsChannelsWorkOnThisBroker() throws Exception {
        String id = "channel-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(readingsTopic, "box-08F9E0D1F7B4", bloodPressure(id, scanTime())))
                    .get();
        }
        await().atMost(WAIT).until(() -> observations(id) == 2);
        Document any = mongo.getDatabase("MFC_FHIR_R5").getCollection("fhir_observations")
                .find(Filters.eq("source_message_id", id)).first();
        assertThat(any).isNotNull();
    }
}
