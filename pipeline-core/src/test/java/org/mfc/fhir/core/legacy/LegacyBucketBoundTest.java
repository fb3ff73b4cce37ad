package org.mfc.fhir.core.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.fhir.SampleReadings;
import org.mfc.fhir.core.json.PayloadLimits;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A legacy bucket can never pass MongoDB's 16 MiB: it keeps the newest entries up to its bound, and no entry can be
 * larger than {@link LegacyStore#MAX_ENTRY_BYTES}. Its key is unique, so concurrent first writes make one bucket.
 */
class LegacyBucketBoundTest {

    private static MongoServer server;
    private static MongoClient client;
    private static int databases;

    @BeforeAll
    static void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdownNow();
    }

    private static MongoDatabase database() {
        return client.getDatabase("AMY_BOUND_" + (++databases));
    }

    private static LegacyEntry entry(ObjectId patient, int i) {
        Reading r = SampleReadings.of(MeasurementKind.HEART_RATE);
        Reading shifted = new Reading(r.family(), r.kind(), r.device(), r.gateway(), r.patientHint(),
                r.deviceTime().plusSeconds(60L * i), r.periodEnd(), Map.of(MeasurementKind.VALUE,
                        BigDecimal.valueOf(60 + i)), r.details());
        return new LegacyEntryMapper().map(shifted, patient, "obs-" + i);
    }

    @Test
    void givenMoreEntriesThanTheBound_whenAppended_thenTheBucketKeepsTheNewestAndAReplayAddsNothing() {
        MongoDatabase main = database();
        LegacyStore store = new LegacyStore(main, 5);
        store.ensureIndexes();
        ObjectId patient = new ObjectId();
        for (int i = 0; i < 8; i++) {
            store.write(List.of(entry(patient, i)), Instant.now());
        }
        store.write(List.of(entry(patient, 7)), Instant.now());

        List<Document> buckets = main.getCollection("heart_rate_histories").find(Filters.eq("patient_id", patient))
                .into(new ArrayList<>());
        assertThat(buckets).hasSize(1);
        List<Document> data = buckets.get(0).getList("data", Document.class);
        assertThat(data).extracting(d -> d.getString(LegacyStore.ENTRY_ID_FIELD))
                .containsExactly("obs-3", "obs-4", "obs-5", "obs-6", "obs-7");
    }

    @Test
    void givenAnEntryBoundTooLargeFor16MiB_whenConfigured_thenRefusedAtStart() {
        assertThatThrownBy(() -> new LegacyStore(database(), 100_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LEGACY_BUCKET_MAX_ENTRIES");
        assertThat((long) LegacyStore.DEFAULT_MAX_ENTRIES_PER_BUCKET * LegacyStore.MAX_ENTRY_BYTES)
                .isLessThan(LegacyStore.MAX_BUCKET_BYTES);
    }

    @Test
    void givenTheLargestEntryTheInputLimitsLetThrough_whenEncoded_thenWithinTheEntryBound() {
        String threeByteText = "\u0e01".repeat(PayloadLimits.MAX_SHORT_TEXT_LENGTH);
        Map<String, String> details = new HashMap<>();
        details.put("sleep_data", "2".repeat(PayloadLimits.MAX_SLEEP_PATTERN_LENGTH));
        for (String key : List.of("sleep_time", "sleep_num", "sleep_timestamp", "marker", "mode", "step_goal")) {
            details.put(key, threeByteText);
        }
        BigDecimal widest = new BigDecimal("-12345678901.234567890123");
        int largest = 0;
        for (MeasurementKind kind : MeasurementKind.values()) {
            if (kind.legacy == null) {
                continue;
            }
            Reading r = SampleReadings.of(kind);
            Map<String, BigDecimal> values = new HashMap<>();
            r.values().keySet().forEach(k -> values.put(k, widest));
            Reading big = new Reading(r.family(), kind, r.device(), r.gateway(), r.patientHint(), r.deviceTime(),
                    r.periodEnd(), values, details);
            LegacyEntry e = new LegacyEntryMapper().map(big, new ObjectId(), "f".repeat(64));
            int bytes = new RawBsonDocument(e.entry(), new DocumentCodec()).getByteBuffer().remaining();
            largest = Math.max(largest, bytes);
        }
        assertThat(largest).isPositive().isLessThanOrEqualTo(LegacyStore.MAX_ENTRY_BYTES);
    }

    @Test
    void givenConcurrentFirstWritesForOnePatient_whenAppended_thenOneBucketHoldsEveryEntry() throws Exception {
        MongoDatabase main = database();
        LegacyStore store = new LegacyStore(main);
        store.ensureIndexes();
        for (int round = 0; round < 5; round++) {
            ObjectId patient = new ObjectId();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                LegacyEntry e = entry(patient, i);
                writes.add(pool.submit(() -> {
                    go.await();
                    store.write(List.of(e), Instant.now());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> w : writes) {
                w.get();
            }
            pool.shutdown();
            List<Document> buckets = main.getCollection("heart_rate_histories")
                    .find(Filters.eq("patient_id", patient)).into(new ArrayList<>());
            assertThat(buckets).hasSize(1);
            assertThat(buckets.get(0).getList("data", Document.class)).hasSize(4);
        }
    }

    @Test
    void givenThisPipelinesEarlierPlainIndex_whenIndexesEnsured_thenReplacedByTheUniqueOne() {
        MongoDatabase main = database();
        main.getCollection("blood_pressure_histories").createIndex(Indexes.ascending("patient_id"),
                new IndexOptions().name(LegacyStore.OLD_BUCKET_INDEX));

        new LegacyStore(main).ensureIndexes();

        List<String> names = new ArrayList<>();
        main.getCollection("blood_pressure_histories").listIndexes().forEach(i -> names.add(i.getString("name")));
        assertThat(names).contains(LegacyStore.BUCKET_INDEX).doesNotContain(LegacyStore.OLD_BUCKET_INDEX);
    }

    /** The entries carrying {@code id} over every bucket of the patient in {@code collection}. */
    private static List<Document> entries(MongoDatabase main, String collection, ObjectId patient, String id) {
        List<Document> out = new ArrayList<>();
        for (Document bucket : main.getCollection(collection).find(Filters.eq("patient_id", patient))) {
            bucket.getList("data", Document.class).stream()
                    .filter(d -> id.equals(d.getString(LegacyStore.ENTRY_ID_FIELD))).forEach(out::add);
        }
        return out;
    }

    @Test
    void givenTwoBucketsForOnePatient_whenADayCountRisesBesideANewEntryAndABatchHoldsAReadingTwice_thenEachOnce() {
        MongoDatabase main = database();
        ObjectId patient = new ObjectId();
        Instant day = Instant.parse("2025-04-05T17:00:00Z");
        LegacyEntry morning = new LegacyEntryMapper().map(SampleReadings.steps(day, 3000), patient, "obs-steps");
        LegacyEntry evening = new LegacyEntryMapper().map(SampleReadings.steps(day, 5000), patient, "obs-steps");
        main.getCollection("step_histories").insertMany(List.of(
                new Document("patient_id", patient).append("date_tag", morning.dateTag()).append("data",
                        new ArrayList<>()),
                new Document("patient_id", patient).append("date_tag", morning.dateTag()).append("data",
                        new ArrayList<>())));
        main.getCollection("heart_rate_histories").insertMany(List.of(
                new Document("patient_id", patient).append("data", new ArrayList<>()),
                new Document("patient_id", patient).append("data", new ArrayList<>())));
        LegacyStore store = new LegacyStore(main);
        store.ensureIndexes();
        store.write(List.of(morning), Instant.now());

        // The day's count rises beside a reading not held yet: every push of the batch matches, and the count's
        // replacement must still run. A reading twice in one batch is one entry.
        store.write(List.of(evening, entry(patient, 7), entry(patient, 7)), Instant.now());

        assertThat(entries(main, "step_histories", patient, "obs-steps")).singleElement()
                .satisfies(e -> assertThat(((Number) e.get("step")).intValue()).isEqualTo(5000));
        assertThat(entries(main, "heart_rate_histories", patient, "obs-7")).hasSize(1);
    }

    @Test
    void givenALegacyDatabaseWithTwoBucketsForOnePatient_whenWrittenAndReplayed_thenPlainIndexAndEachEntryOnce() {
        MongoDatabase main = database();
        ObjectId patient = new ObjectId();
        main.getCollection("heart_rate_histories").insertMany(List.of(
                new Document("patient_id", patient).append("data", new ArrayList<>()),
                new Document("patient_id", patient).append("data", new ArrayList<>())));
        LegacyStore store = new LegacyStore(main);

        store.ensureIndexes();
        store.write(List.of(entry(patient, 1)), Instant.now());
        // A retry, a redelivery or a replay writes the same entry again: the push's "this bucket lacks it" holds in
        // the other bucket, so it once landed there as a second copy.
        store.write(List.of(entry(patient, 1)), Instant.now());
        store.write(List.of(entry(patient, 2), entry(patient, 1)), Instant.now());

        List<String> names = new ArrayList<>();
        main.getCollection("heart_rate_histories").listIndexes().forEach(i -> names.add(i.getString("name")));
        assertThat(names).contains(LegacyStore.OLD_BUCKET_INDEX).doesNotContain(LegacyStore.BUCKET_INDEX);
        for (String id : List.of("obs-1", "obs-2")) {
            long copies = 0;
            for (Document bucket : main.getCollection("heart_rate_histories").find(Filters.eq("patient_id",
                    patient))) {
                copies += bucket.getList("data", Document.class).stream()
                        .filter(d -> id.equals(d.getString(LegacyStore.ENTRY_ID_FIELD))).count();
            }
            assertThat(copies).as("entries carrying %s over the patient's buckets", id).isEqualTo(1);
        }
    }
}
