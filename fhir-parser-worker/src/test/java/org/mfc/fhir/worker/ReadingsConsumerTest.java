package org.mfc.fhir.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.host.MongoCommandSpans;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.testing.Fixtures;
import org.mfc.fhir.core.testing.JwtKeyResource;
import org.mfc.fhir.core.testing.LegacyRegistry;
import org.mfc.fhir.infra.PipelineInfraResource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.event.CommandListener;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The worker against a real KRaft broker and a MongoDB wire server: batches in, resources and legacy entries out,
 * poison to the dead-letter topic, alarms to the alert topic, parked readings re-processed, dead letters replayed.
 * Every test uses its own device time so that its facts are its own.
 */
@QuarkusTest
@WithTestResource(value = PipelineInfraResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = JwtKeyResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class ReadingsConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String WATCH_IMEI = "865067123456789";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "worker.readings-topic")
    String readingsTopic;

    @ConfigProperty(name = "worker.dead-letter-topic")
    String deadLetterTopic;

    @ConfigProperty(name = "mp.messaging.outgoing.alerts-out.topic")
    String alertTopic;

    @ConfigProperty(name = "mp.messaging.incoming.readings-in.group.id")
    String group;

    @ConfigProperty(name = "mp.messaging.incoming.readings-in.partitions")
    int consumerThreads;

    @Inject
    MongoClient mongo;

    @Inject
    WorkerMetrics metrics;

    @Inject
    StatisticsLog statistics;

    @Inject
    @Any
    Instance<CommandListener> commandListeners;

    MongoDatabase main;
    MongoDatabase fhir;

    @BeforeEach
    void registry() {
        main = mongo.getDatabase("AMY");
        fhir = mongo.getDatabase("MFC_FHIR_R5");
        LegacyRegistry.seedBloodPressurePatient(main);
        main.getCollection("watches").replaceOne(Filters.eq("imei", WATCH_IMEI), new Document("imei", WATCH_IMEI)
                .append("patient_id", LegacyRegistry.BP_PATIENT), new com.mongodb.client.model.ReplaceOptions()
                        .upsert(true));
    }

    /** The AVA4 blood-pressure fixture at its own scan time (epoch seconds) and values. */
    private static IngestRecord bloodPressure(String ingestId, long scanTime, int systolic, String boxMac,
            String ble) {
        ObjectNode payload = (ObjectNode) Fixtures.json("ava4/bp_biolight.json");
        payload.put("time", scanTime).put("mac", boxMac).put("deviceCode", boxMac);
        ((ObjectNode) payload.get("data")).put("mac", boxMac);
        ObjectNode item = (ObjectNode) payload.at("/data/value/device_list/0");
        item.put("scan_time", scanTime).put("bp_high", systolic).put("ble_addr", ble);
        String received = java.time.Instant.ofEpochSecond(scanTime + 5).toString();
        return TopicClient.record(ingestId, DeviceFamily.AVA4, null, "box-" + boxMac.replace(":", ""), received,
                payload);
    }

    private static IngestRecord bloodPressure(String ingestId, long scanTime, int systolic) {
        return bloodPressure(ingestId, scanTime, systolic, "08:F9:E0:D1:F7:B4", "d616f9641622");
    }

    private long observations(String ingestId) {
        return fhir.getCollection("fhir_observations").countDocuments(Filters.eq("source_message_id", ingestId));
    }

    @Test
    void theMongoClientTracesCommandsByNameWithoutTheirDocuments() {
        List<CommandListener> listeners = commandListeners.stream().toList();
        assertThat(listeners).filteredOn(MongoCommandSpans.class::isInstance).hasSize(1);
        // The client extension's listener puts each command, documents included, into a span attribute.
        assertThat(listeners).noneMatch(l -> l.getClass().getName().startsWith("io.quarkus.mongodb.tracing."));
    }

    @Test
    void givenPoisonAmongGoodRecords_whenConsumed_thenGoodStoredAndPoisonDeadLetteredWithReason() throws Exception {
        IngestRecord good = bloodPressure("t-poison-good", 1743900001L, 128);
        IngestRecord impossible = bloodPressure("t-poison-impossible", 1743900002L, 0);
        IngestRecord good2 = bloodPressure("t-poison-good2", 1743900003L, 131);
        String notARecord = "{not json";
        // Valid JSON that decodes to no record at all: it once held its partition in a retry loop.
        String jsonNull = "null";
        TopicClient.send(bootstrap, readingsTopic, "box-08F9E0D1F7B4", TopicClient.json(good), notARecord,
                jsonNull, TopicClient.json(impossible), TopicClient.json(good2));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(observations("t-poison-good")).isEqualTo(2);
            assertThat(observations("t-poison-good2")).isEqualTo(2);
        });
        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> dlq = TopicClient.readAll(bootstrap, deadLetterTopic);
            assertThat(dlq).anySatisfy(r -> {
                assertThat(r.value()).isEqualTo(notARecord);
                assertThat(TopicClient.header(r, "dlq-stage")).isEqualTo("PARSE");
                assertThat(TopicClient.header(r, "dlq-reason")).startsWith("not an ingest record");
                assertThat(TopicClient.header(r, "dlq-original-topic")).isEqualTo(readingsTopic);
            });
            assertThat(dlq).anySatisfy(r -> {
                assertThat(r.value()).isEqualTo(jsonNull);
                assertThat(TopicClient.header(r, "dlq-stage")).isEqualTo("PARSE");
                assertThat(TopicClient.header(r, "dlq-reason")).startsWith("not an ingest record");
            });
            assertThat(dlq).anySatisfy(r -> {
                assertThat(r.value()).isEqualTo(TopicClient.json(impossible));
                assertThat(TopicClient.header(r, "ingest-id")).isEqualTo("t-poison-impossible");
                assertThat(TopicClient.header(r, "dlq-stage")).isIn("PARSE", "MAP");
                assertThat(TopicClient.header(r, "dlq-reason")).isNotBlank();
                assertThat(TopicClient.header(r, "dlq-original-offset")).matches("\\d+");
            });
        });
        assertThat(observations("t-poison-impossible")).isZero();
    }

    @Test
    void givenRecordThatFitsTheTopicButNotWithDeadLetterHeaders_whenConsumed_thenLetterWithoutValueAndNextStored()
            throws Exception {
        // As large as one record may be (1 MiB with the batch overhead): the dead letter's headers push it over.
        String huge = "x".repeat(1_048_400);
        IngestRecord behind = bloodPressure("t-huge-behind", 1743900101L, 127);
        var sent = TopicClient.send(bootstrap, readingsTopic, "box-08F9E0D1F7B4", huge, TopicClient.json(behind));

        await().atMost(WAIT).until(() -> TopicClient.committedPast(bootstrap, group, sent.get(1)));
        assertThat(observations("t-huge-behind")).isEqualTo(2);
        List<ConsumerRecord<String, String>> letters = TopicClient.readAll(bootstrap, deadLetterTopic).stream()
                .filter(r -> String.valueOf(sent.get(0).partition()).equals(
                        TopicClient.header(r, "dlq-original-partition"))
                        && String.valueOf(sent.get(0).offset()).equals(TopicClient.header(r, "dlq-original-offset")))
                .toList();
        assertThat(letters).singleElement().satisfies(r -> {
            assertThat(r.value()).isEmpty();
            assertThat(TopicClient.header(r, "dlq-value-omitted")).isEqualTo("1048400");
            assertThat(TopicClient.header(r, "dlq-stage")).isEqualTo("PARSE");
            assertThat(TopicClient.header(r, "dlq-reason")).startsWith("not an ingest record");
        });
    }

    @Test
    void givenSameRecordTwice_whenConsumed_thenSecondChangesNothing() throws Exception {
        // A patient and devices of its own, so that other tests' writes do not show in the comparison.
        org.bson.types.ObjectId patient = new org.bson.types.ObjectId("65f0000000000000000000b1");
        main.getCollection("patients").replaceOne(Filters.eq("_id", patient), new Document("_id", patient)
                .append("first_name", "Replay").append("is_deleted", false),
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
        main.getCollection("amy_boxes").replaceOne(Filters.eq("mac_address", "AA:BB:CC:00:00:B1"),
                new Document("mac_address", "AA:BB:CC:00:00:B1").append("patient_id", patient),
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
        IngestRecord record = bloodPressure("t-replay", 1743900101L, 140, "AA:BB:CC:00:00:B1", "b1b1b1b1b1b1");
        var first = TopicClient.send(bootstrap, readingsTopic, "box-AABBCC0000B1", TopicClient.json(record));
        // Committed means every write of the batch is done, the legacy ones after the FHIR ones included.
        await().atMost(WAIT).until(() -> TopicClient.committedPast(bootstrap, group, first.get(0)));
        Map<String, List<String>> before = dump(patient);

        var sent = TopicClient.send(bootstrap, readingsTopic, "box-AABBCC0000B1", TopicClient.json(record));
        await().atMost(WAIT).until(() -> TopicClient.committedPast(bootstrap, group, sent.get(0)));

        assertThat(dump(patient)).isEqualTo(before);
        assertThat(before.get("MFC_FHIR_R5.fhir_observations")).hasSize(2);
        assertThat(before.get("AMY.blood_pressure_histories")).hasSize(1);
    }

    @Test
    void givenUnknownBox_whenConsumed_thenParkedListedWithoutPatientDataAndStoredAfterRegistration()
            throws Exception {
        IngestRecord record = bloodPressure("t-parked", 1743900201L, 122, "AA:BB:CC:00:11:22", "a1b2c3d4e5f6");
        TopicClient.send(bootstrap, readingsTopic, "box-AABBCC001122", TopicClient.json(record));
        await().atMost(WAIT).untilAsserted(() -> WorkerRequests.admin().get("/admin/parked").then().statusCode(200)
                .body(containsString("box-AABBCC001122")).body(containsString("no patient is registered")));
        String listing = WorkerRequests.admin().get("/admin/parked").asString();
        assertThat(listing).doesNotContain("bp_high", "payload", "first_name", "1100000000008");

        main.getCollection("amy_boxes").insertOne(new Document("mac_address", "aa:bb:cc:00:11:22")
                .append("patient_id", LegacyRegistry.BP_PATIENT));
        WorkerRequests.admin().post("/admin/parked/reprocess").then().statusCode(200)
                .body(containsString("\"stored\":1"));

        assertThat(observations("t-parked")).isEqualTo(2);
        assertThat(WorkerRequests.admin().get("/admin/parked").asString()).doesNotContain("box-AABBCC001122");
        assertThat(WorkerRequests.management().get("/q/metrics").then().statusCode(200).extract().asString())
                .as("what a reprocess did is counted").containsPattern(
                        "fhir_worker_parked_reprocessed_total\\{outcome=\"stored\"[^}]*\\} [1-9]");
    }

    @Test
    void givenKatiSos_whenConsumed_thenAlertPublishedAndEmergencyAlarmWrittenOnce() throws Exception {
        IngestRecord sos = TopicClient.record("t-sos", DeviceFamily.KATI, "SOS", "imei-" + WATCH_IMEI,
                "2025-04-06T18:40:03Z", Fixtures.json("kati/sos.json"));
        TopicClient.send(bootstrap, readingsTopic, "imei-" + WATCH_IMEI, TopicClient.json(sos), TopicClient.json(sos));

        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> alerts = TopicClient.readAll(bootstrap, alertTopic);
            assertThat(alerts).anySatisfy(r -> {
                assertThat(r.key()).isEqualTo("imei-" + WATCH_IMEI);
                assertThat(r.value()).contains("\"alert_type\":\"sos\"", "\"priority\":\"CRITICAL\"",
                        LegacyRegistry.BP_PATIENT.toHexString());
                assertThat(TopicClient.header(r, "alert-id")).hasSize(32);
            });
            assertThat(main.getCollection("emergency_alarm").countDocuments(Filters.eq("alert_data.imei",
                    WATCH_IMEI))).isEqualTo(1);
        });
        Document alarm = main.getCollection("emergency_alarm").find(Filters.eq("alert_data.imei", WATCH_IMEI))
                .first();
        assertThat(alarm.getObjectId("patient_id")).isEqualTo(LegacyRegistry.BP_PATIENT);
        assertThat(alarm.getString("status")).isEqualTo("ACTIVE");
    }

    @Test
    void givenKatiHeartbeatsWithRisingSteps_whenConsumed_thenOneDailyObservationWithTheHighestCount()
            throws Exception {
        List<String> records = new ArrayList<>();
        int[] counts = {4512, 6100, 5000};
        for (int i = 0; i < counts.length; i++) {
            ObjectNode hb = (ObjectNode) Fixtures.json("kati/hb_steps.json");
            hb.put("step", counts[i]).put("timeStamps", "07/05/2025 0" + (i + 3) + ":00:00");
            records.add(TopicClient.json(TopicClient.record("t-steps-" + i, DeviceFamily.KATI, "hb",
                    "imei-" + WATCH_IMEI, "2025-05-07T0" + (i + 3) + ":00:05Z", hb)));
        }
        var sent = TopicClient.send(bootstrap, readingsTopic, "imei-" + WATCH_IMEI, records.toArray(String[]::new));
        // Committed past the last one: every write of those batches, legacy included, is done.
        await().atMost(WAIT).until(() -> TopicClient.committedPast(bootstrap, group, sent.get(sent.size() - 1)));

        await().atMost(WAIT).untilAsserted(() -> {
            List<Document> obs = fhir.getCollection("fhir_observations").find(Filters.and(Filters.eq("code",
                    "41950-7"), Filters.eq("device_id", "imei-" + WATCH_IMEI))).into(new ArrayList<>());
            assertThat(obs).hasSize(1);
            assertThat(obs.get(0).getString("source_message_id")).isEqualTo("t-steps-1");
            assertThat(obs.get(0).get("resource_data", Document.class).get("valueQuantity", Document.class)
                    .get("value")).isEqualTo(6100);
            // The legacy entry is written after the Observation, within the same batch: awaited as well.
            Document bucket = main.getCollection("step_histories").find(Filters.and(Filters.eq("patient_id",
                    LegacyRegistry.BP_PATIENT), Filters.eq("date_tag", "05-2025"))).first();
            assertThat(bucket.getList("data", Document.class)).singleElement()
                    .satisfies(e -> assertThat(e.getInteger("step")).isEqualTo(6100));
        });
    }

    @Test
    void givenStepsReceivedWhileTheirDayRan_whenTheDayHasEnded_thenTheWorkerMakesThemFinal() throws Exception {
        // A watch of its own: the other step tests count this patient's daily Observations per watch.
        String imei = "865067123450001";
        main.getCollection("watches").replaceOne(Filters.eq("imei", imei), new Document("imei", imei)
                .append("patient_id", LegacyRegistry.BP_PATIENT), new com.mongodb.client.model.ReplaceOptions()
                        .upsert(true));
        ObjectNode hb = (ObjectNode) Fixtures.json("kati/hb_steps.json");
        hb.put("IMEI", imei).put("step", 2100).put("timeStamps", "07/06/2025 03:00:00");
        // Received during the Thai day 7 June 2025: mapped preliminary; that day has ended since.
        TopicClient.send(bootstrap, readingsTopic, "imei-" + imei, TopicClient.json(TopicClient.record(
                "t-steps-final", DeviceFamily.KATI, "hb", "imei-" + imei, "2025-06-07T03:00:05Z", hb)));

        await().atMost(WAIT).untilAsserted(() -> {
            Document obs = fhir.getCollection("fhir_observations").find(Filters.eq("source_message_id",
                    "t-steps-final")).first();
            assertThat(obs).isNotNull();
            assertThat(obs.getString("status")).isEqualTo("final");
            assertThat(obs.get("resource_data", Document.class).getString("status")).isEqualTo("final");
        });
    }

    @Test
    void givenDeadLetterThatIsValidNow_whenReplayed_thenStored() throws Exception {
        IngestRecord fixed = bloodPressure("t-replayed-dlq", 1743900301L, 119);
        TopicClient.send(bootstrap, deadLetterTopic, "box-08F9E0D1F7B4", TopicClient.json(fixed));

        String report = WorkerRequests.admin().post("/admin/dead-letters/replay").then().statusCode(200).extract().asString();

        assertThat(report).containsPattern("\"replayed\":[1-9]");
        await().atMost(WAIT).until(() -> observations("t-replayed-dlq") == 2);
        assertThat(TopicClient.readAll(bootstrap, readingsTopic)).anySatisfy(r -> {
            assertThat(r.value()).isEqualTo(TopicClient.json(fixed));
            assertThat(TopicClient.header(r, "dlq-replayed-from")).startsWith(deadLetterTopic + "/");
        });
    }

    @Test
    void givenNoTokenOrADeviceToken_whenCallingTheAdminApi_thenUnauthorizedOrForbidden() {
        for (String[] call : new String[][] {{"GET", "/admin/parked"}, {"POST", "/admin/parked/reprocess"},
                {"GET", "/admin/dead-letters"}, {"POST", "/admin/dead-letters/replay"}}) {
            given().request(call[0], call[1]).then().statusCode(401);
            WorkerRequests.device().request(call[0], call[1]).then().statusCode(403);
        }
        // Health and metrics are not on the API port at all.
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void givenStoredBatch_whenMetricsScraped_thenWorkerMetersArePublished() throws Exception {
        IngestRecord record = bloodPressure("t-metrics", 1743900401L, 125);
        TopicClient.send(bootstrap, readingsTopic, "box-08F9E0D1F7B4", TopicClient.json(record));
        await().atMost(WAIT).until(() -> observations("t-metrics") == 2);

        String scrape = WorkerRequests.management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(scrape).contains("fhir_worker_records_total{outcome=\"stored\"", "fhir_worker_batch_size",
                "fhir_worker_stage_duration_seconds_count{stage=\"MAP\"", "fhir_worker_stage_duration_seconds_count{stage=\"PERSIST\"",
                "fhir_worker_freshness_device_seconds_bucket", "fhir_worker_freshness_received_seconds_bucket",
                "fhir_worker_consumer_lag", "fhir_worker_parked");
    }

    @Test
    void givenConsumingWorker_whenGaugesRefresh_thenEveryConsumerThreadLagAndParkedAreMeasured() {
        await().atMost(WAIT).untilAsserted(() -> {
            statistics.refresh();
            assertThat(metrics.lag()).isGreaterThanOrEqualTo(0);
            assertThat(metrics.consumers()).isEqualTo(consumerThreads);
            assertThat(metrics.channel()).isEqualTo("UP");
        });
        assertThat(metrics.parked()).isEqualTo(mongo.getDatabase("MFC_FHIR_R5")
                .getCollection("pipeline_parked_readings").countDocuments());
        statistics.tick();
    }

    @Test
    void givenSosWhoseLocationIsAnObjectIdOperator_whenConsumed_thenAlarmStoredAndCanaryBehindItStored()
            throws Exception {
        ObjectNode sos = (ObjectNode) Fixtures.json("kati/sos.json");
        sos.put("timeStamps", "07/04/2025 09:10:00");
        sos.set("location", org.mfc.fhir.core.json.Json.mapper().readTree("{\"$oid\": \"zz\"}"));
        IngestRecord poison = TopicClient.record("t-oid-sos", DeviceFamily.KATI, "SOS", "imei-" + WATCH_IMEI,
                "2025-04-07T09:10:03Z", sos);
        IngestRecord canary = bloodPressure("t-oid-canary", 1744017000L, 125);
        TopicClient.send(bootstrap, readingsTopic, "imei-" + WATCH_IMEI, TopicClient.json(poison));
        TopicClient.send(bootstrap, readingsTopic, "box-08F9E0D1F7B4", TopicClient.json(canary));

        await().atMost(WAIT).untilAsserted(() -> assertThat(observations("t-oid-canary")).isEqualTo(2));
        await().atMost(WAIT).untilAsserted(() -> assertThat(main.getCollection("emergency_alarm").countDocuments(
                Filters.eq("alert_data.timestamp", java.util.Date.from(java.time.Instant.parse(
                        "2025-04-07T09:10:00Z"))))).isEqualTo(1));
        WorkerRequests.management().get("/q/health/live").then().statusCode(200);
        statistics.refresh();
        assertThat(metrics.consumers()).isEqualTo(consumerThreads);
    }

    /** Every document of both databases that belongs to the patient, by collection, sorted by id. */
    private Map<String, List<String>> dump(org.bson.types.ObjectId patient) {
        Map<String, List<String>> out = new TreeMap<>();
        for (MongoDatabase db : List.of(main, fhir)) {
            for (String name : db.listCollectionNames()) {
                List<String> docs = new ArrayList<>();
                db.getCollection(name).find(Filters.or(Filters.eq("_id", patient), Filters.eq("_id",
                        patient.toHexString()), Filters.eq("patient_id", patient), Filters.eq("patient_id",
                                patient.toHexString()), Filters.regex("_id", "B1B1B1B1B1B1|AABBCC0000B1")))
                        .sort(new Document("_id", 1)).forEach(d -> docs.add(d.toJson()));
                out.put(db.getName() + "." + name, docs);
            }
        }
        return out;
    }
}
