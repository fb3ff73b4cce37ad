package org.mfc.fhir.migrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.messaging.KafkaClients;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.infra.PipelineInfra;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * {@code rederive} on a database written by mapping version 1 ({@code src/test/resources/v1-database}: the live
 * pipeline's writes of {@code records.jsonl} and the old migrator's conversion of old-system history). The records
 * are put back on a readings topic except two whose retention has passed ({@code v1-uric}, {@code v1-sleep}), which
 * must be re-derived from their legacy entries. Afterwards nothing of version 1 is live, no measurement is stored
 * twice, the wrong ones are corrected in both databases, and verify passes.
 */
class RederiveJobTest {

    private static final Path FIXTURE = Path.of("src/test/resources/v1-database");
    private static final String MAIN = "AMY";
    private static final String FHIR = "MFC_FHIR_R5";
    private static final String PATIENT = "66c000000000000000000001";
    private static final List<String> EXPIRED = List.of("v1-uric", "v1-sleep");

    @TempDir
    static Path reports;

    private static MigrationDatabases dbs;
    private static MongoDatabase main;
    private static MongoDatabase fhir;
    private static RunReport report;
    private static RederiveJob.Settings settings;

    @BeforeAll
    static void rederiveVersionOne() throws Exception {
        dbs = new MigrationDatabases();
        main = dbs.db(MAIN);
        fhir = dbs.db(FHIR);
        load(main, "AMY.json");
        load(fhir, "MFC_FHIR_R5.json");
        assertThat(fhir.getCollection("fhir_observations").countDocuments(FhirStore.olderVersion())).isPositive();
        String topic = "rederive-" + UUID.randomUUID();
        String bootstrap = PipelineInfra.shared().kafkaBootstrapServers();
        publish(bootstrap, topic);
        settings = new RederiveJob.Settings(new KafkaClients(Map.of("bootstrap.servers", bootstrap)), topic,
                "rederive-test-" + UUID.randomUUID(), true, Duration.ofMinutes(5));

        report = new RederiveJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100), settings,
                Clock.systemUTC()).run(false, false);
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    private static void load(MongoDatabase db, String file) throws IOException {
        Document all = Document.parse(Files.readString(FIXTURE.resolve(file)));
        for (String collection : all.keySet()) {
            List<Document> docs = all.getList(collection, Document.class);
            if (!docs.isEmpty()) {
                db.getCollection(collection).insertMany(docs);
            }
        }
    }

    private static void publish(String bootstrap, String topic) throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (String line : Files.readAllLines(FIXTURE.resolve("records.jsonl"))) {
                IngestRecord r = Json.mapper().readValue(line, IngestRecord.class);
                if (!EXPIRED.contains(r.ingestId())) {
                    producer.send(new ProducerRecord<>(topic, r.deviceKey(), line)).get();
                }
            }
        }
    }

    private static Bson live() {
        return Filters.ne("is_deleted", true);
    }

    private static List<Document> observations(Bson filter) {
        return fhir.getCollection("fhir_observations").find(Filters.and(live(), filter)).into(new ArrayList<>());
    }

    private static Object value(Document envelope) {
        return envelope.get("resource_data", Document.class).get("valueQuantity", Document.class).get("value");
    }

    private static List<Document> entries(String collection) {
        List<Document> out = new ArrayList<>();
        for (Document b : main.getCollection(collection).find(Filters.eq("patient_id",
                new org.bson.types.ObjectId(PATIENT)))) {
            out.addAll(b.getList("data", Document.class));
        }
        return out;
    }

    @Test
    void givenVersionOneDatabase_whenRederived_thenNoOlderObservationIsLiveAndNoFactIsStoredTwice() {
        assertThat(fhir.getCollection("fhir_observations").countDocuments(Filters.and(FhirStore.olderVersion(),
                live()))).isZero();
        assertThat(report.details().get("older_observations_left", Number.class).longValue()).isZero();
        Map<String, Integer> identities = new HashMap<>();
        for (Document d : observations(new Document())) {
            String identity = d.get("resource_data", Document.class).getList("identifier", Document.class).get(0)
                    .getString("value");
            identities.merge(identity, 1, Integer::sum);
        }
        assertThat(identities).allSatisfy((identity, n) -> assertThat(n).as(identity).isOne());
        // Superseded documents are kept, marked, with what replaced them.
        List<Document> superseded = fhir.getCollection("fhir_observations").find(Filters.eq("is_deleted", true))
                .into(new ArrayList<>());
        assertThat(superseded).isNotEmpty().allSatisfy(d -> assertThat(d).containsKeys("superseded_by",
                "superseded_at"));
        assertThat(report.exitCode()).isZero();
    }

    @Test
    void givenTwoHeartRatesOfOneSecondOfWhichVersionOneKeptOne_whenRederived_thenBothAreStored() {
        List<Document> hr = observations(Filters.and(Filters.eq("device_id", "imei-865067123456789"),
                Filters.eq("code", "8867-4"), Filters.eq("effective_datetime",
                        Date.from(Instant.ofEpochSecond(1743963911L)))));
        assertThat(hr).extracting(RederiveJobTest::value).containsExactlyInAnyOrder(72, 75);
        assertThat(entries("heart_rate_histories")).filteredOn(e -> e.getDate("heart_rate_import_date")
                .equals(Date.from(Instant.ofEpochSecond(1743963911L)))).extracting(e -> e.get("heart_rate_data"))
                .containsExactlyInAnyOrder(72, 75);
    }

    @Test
    void givenWrongCodesAndKinds_whenRederived_thenPerfusionIndexWatchTemperatureAndObjectModeAreCorrected() {
        String json = observations(Filters.eq("code", "2708-6")).toString();
        assertThat(json).contains("61006-3").doesNotContain("61006-6");
        assertThat(observations(Filters.and(Filters.eq("device_id", "imei-865067123456789"),
                Filters.eq("code", "8310-5")))).isEmpty();
        assertThat(observations(Filters.and(Filters.eq("device_id", "imei-865067123456789"),
                Filters.eq("code", "39106-0")))).isNotEmpty();
        assertThat(observations(Filters.and(Filters.eq("device_id", "ble-C0A1B2C3D4E6"),
                Filters.eq("code", "8310-5")))).isEmpty();
        assertThat(observations(Filters.eq("code", "object-temperature"))).hasSize(1);
        assertThat(entries("temprature_data_histories")).noneMatch(e -> "Object".equals(e.get("temprature_mode")));
    }

    @Test
    void givenWatchClockSevenHoursAhead_whenRederived_thenWithdrawnFromBothDatabases() {
        Date ahead = Date.from(Instant.parse("2025-04-07T01:25:11Z"));
        assertThat(observations(Filters.eq("effective_datetime", ahead))).isEmpty();
        assertThat(entries("heart_rate_histories")).noneMatch(e -> ahead.equals(e.getDate("heart_rate_import_date")));
    }

    @Test
    void givenUricAcidAndCholesterolInTheLegacyFieldsInMeterUnits_whenRederived_thenMgPerDlThereAndMeterUnitsInFhir() {
        // v1-uric is no longer on the topic: re-derived from its legacy entry, attributed to the meter it named.
        List<Document> uric = observations(Filters.and(Filters.eq("code", "14933-6"), Filters.eq("device_id",
                "ble-C0A1B2C3D4E9")));
        assertThat(uric).singleElement().satisfies(d -> {
            assertThat(value(d)).isEqualTo(517.5);
            assertThat(d.getString("source_message_id")).isEqualTo("v1-uric");
        });
        assertThat(entries("creatinine_histories")).anySatisfy(e -> {
            assertThat(e.get("uric")).isEqualTo(8.7);
            assertThat(e.getString("fhir_observation_id")).isEqualTo(uric.get(0).getString("_id"));
        });
        assertThat(entries("lipid_histories")).anySatisfy(e -> assertThat(e.get("lipids")).isEqualTo(166));
        Document patient = main.getCollection("patients").find().first();
        assertThat(patient.get("last_uric", Document.class).get("uric")).isEqualTo(8.7);
        assertThat(patient.get("last_lipids", Document.class).get("lipids")).isEqualTo(166);
    }

    @Test
    void givenOldSystemUricAcidInMgPerDl_whenRederived_thenTheLaboratoryUrateAndTheOldDocumentSuperseded() {
        List<Document> mass = observations(Filters.eq("code", "3084-1"));
        assertThat(mass).singleElement().satisfies(d -> assertThat(value(d)).isEqualTo(6.5));
        Document old = fhir.getCollection("fhir_observations").find(Filters.and(Filters.eq("code", "14933-6"),
                Filters.eq("source_system", "fhir-migrator"))).first();
        assertThat(old.getBoolean("is_deleted")).isTrue();
        assertThat(old.getList("superseded_by", String.class)).contains(mass.get(0).getString("_id"));
        assertThat(observations(Filters.eq("code", "3094-0"))).hasSize(1);
    }

    @Test
    void givenGenericWeightWithHeightAndBmi_whenRederived_thenOneLegacyEntry() {
        Date at = Date.from(Instant.parse("2025-04-06T18:25:11Z"));
        assertThat(entries("body_data_histories")).filteredOn(e -> at.equals(e.getDate("body_data_import_date")))
                .singleElement().satisfies(e -> assertThat(e).containsKeys("weight", "height", "bmi"));
    }

    @Test
    void givenDayCountsFromLiveAndHistory_whenRederived_thenTheDayIsTheHighestAndVerifyPasses() {
        List<Document> day = observations(Filters.and(Filters.eq("code", "41950-7"), Filters.eq("effective_datetime",
                Date.from(Instant.parse("2025-04-06T17:00:00Z")))));
        assertThat(day).singleElement().satisfies(d -> assertThat(value(d)).isEqualTo(4512));

        RunReport verify = new VerifyJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100),
                Clock.systemUTC()).run(1);
        assertThat(verify.failures()).isEmpty();
    }

    @Test
    void givenRederivedDatabase_whenRunAgainFromTheStart_thenNothingChanges() {
        Map<String, List<Document>> before = resources();

        RunReport again = new RederiveJob(dbs.client, MigrationDatabases.settings(MAIN, FHIR, reports, 100),
                settings, Clock.systemUTC()).run(true, false);

        assertThat(again.exitCode()).isZero();
        assertThat(resources()).isEqualTo(before);
    }

    /** Both databases without the jobs' own bookkeeping. */
    private static Map<String, List<Document>> resources() {
        Map<String, List<Document>> snap = new java.util.TreeMap<>();
        for (MongoDatabase db : List.of(main, fhir)) {
            for (String c : db.listCollectionNames()) {
                if (!c.startsWith("migration_")) {
                    MongoCollection<Document> coll = db.getCollection(c);
                    snap.put(db.getName() + "." + c, coll.find().sort(new Document("_id", 1)).into(new ArrayList<>()));
                }
            }
        }
        return snap;
    }
}
