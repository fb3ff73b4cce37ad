package org.mfc.fhir.core.legacy;

import static org.mfc.fhir.core.legacy.LegacyNames.CREATED_AT;
import static org.mfc.fhir.core.legacy.LegacyNames.DATA;
import static org.mfc.fhir.core.legacy.LegacyNames.DATE_TAG;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENTS;
import static org.mfc.fhir.core.legacy.LegacyNames.PATIENT_ID;
import static org.mfc.fhir.core.legacy.LegacyNames.UPDATED_AT;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.jboss.logging.Logger;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.store.IndexedStore;
import org.mfc.fhir.core.store.MongoErrors;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoServerException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;

/**
 * Appends entries to the legacy application's bucket documents (legacy-db.md section 2) and moves
 * {@code patients.last_*} forward. Idempotent: an entry carries the id of its Observation and is pushed only when
 * the bucket does not hold that id yet, so a replayed reading adds no second entry.
 * <p>
 * Bounded: a bucket keeps the newest {@code maxEntriesPerBucket} entries (in the order they were appended), so no
 * patient's bucket can grow past MongoDB's 16 MiB document limit however long a device reports; the FHIR database
 * holds the whole history (docs/decisions.md, "Legacy bucket bound"). The bucket key is unique, so two concurrent
 * first writes for one patient cannot create two buckets.
 */
public final class LegacyStore implements IndexedStore {

    private static final Logger LOG = Logger.getLogger(LegacyStore.class);

    /** Entry field holding the Observation id; unknown to the legacy application, which ignores it. */
    public static final String ENTRY_ID_FIELD = "fhir_observation_id";
    /** Default bound of a bucket's {@code data} array ({@code LEGACY_BUCKET_MAX_ENTRIES}). */
    public static final int DEFAULT_MAX_ENTRIES_PER_BUCKET = 5_000;
    /**
     * Largest entry the pipeline can write, in bytes of BSON: every string in an entry is bounded by the input
     * limits (the longest, a sleep pattern, by {@code PayloadLimits.MAX_SLEEP_PATTERN_LENGTH}). Together with the
     * entry bound it keeps a bucket under MongoDB's 16 MiB ({@code LegacyBucketBoundTest} builds the largest entry
     * the parsers let through and checks it).
     */
    public static final int MAX_ENTRY_BYTES = 3_072;
    /** MongoDB's document size limit, less room for the bucket's own fields. */
    static final int MAX_BUCKET_BYTES = 16 * 1024 * 1024 - 64 * 1024;

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);
    /** The unique bucket key index, on {@code patient_id} and {@code date_tag} (absent, so null, when not monthly). */
    static final String BUCKET_INDEX = "fhir_pipeline_bucket_key";
    /** The earlier, non-unique index of this pipeline on the same collections; replaced by {@link #BUCKET_INDEX}. */
    static final String OLD_BUCKET_INDEX = "fhir_pipeline_bucket";
    /** MongoDB's codes for "an equivalent index exists with other options or another name". */
    private static final Set<Integer> INDEX_CONFLICT = Set.of(85, 86);

    private final MongoDatabase main;
    private final int maxEntriesPerBucket;
    /** Per bucket collection: a unique index keeps one bucket per key ({@link #oneBucketPerKey}). */
    private final Map<String, Boolean> oneBucketPerKey = new ConcurrentHashMap<>();

    public LegacyStore(MongoDatabase main) {
        this(main, DEFAULT_MAX_ENTRIES_PER_BUCKET);
    }

    public LegacyStore(MongoDatabase main, int maxEntriesPerBucket) {
        if (maxEntriesPerBucket < 1 || (long) maxEntriesPerBucket * MAX_ENTRY_BYTES > MAX_BUCKET_BYTES) {
            throw new IllegalArgumentException("LEGACY_BUCKET_MAX_ENTRIES must be between 1 and "
                    + MAX_BUCKET_BYTES / MAX_ENTRY_BYTES + " (" + MAX_ENTRY_BYTES
                    + " bytes per entry at most, 16 MiB per document)");
        }
        this.main = main;
        this.maxEntriesPerBucket = maxEntriesPerBucket;
    }

    public int maxEntriesPerBucket() {
        return maxEntriesPerBucket;
    }

    /** The bucket collections and whether each is kept per patient and month. */
    static Map<String, Boolean> bucketCollections() {
        Map<String, Boolean> buckets = new LinkedHashMap<>();
        for (MeasurementKind kind : MeasurementKind.values()) {
            if (kind.legacy != null) {
                buckets.putIfAbsent(kind.legacy.collection(), kind.legacy.monthly());
            }
        }
        return buckets;
    }

    /**
     * A unique index on each bucket collection's key, which every write here filters on (without it each append
     * scans the collection, and two concurrent first writes could create two buckets for one patient). Creating an
     * existing index is a no-op. This pipeline's earlier non-unique index is replaced. Where the legacy database
     * prevents a unique index (several buckets for one patient already, or the legacy application's own index on
     * the same keys), a plain index is kept and the reason logged: the writes stay correct (they look up which
     * entries a bucket holds already before pushing), only the concurrent first write is unguarded there.
     */
    @Override
    public void ensureIndexes() {
        bucketCollections().forEach((collection, monthly) -> MongoErrors.call("create legacy index on "
                + collection, () -> {
                    ensureBucketIndex(main.getCollection(collection));
                    return null;
                }));
        oneBucketPerKey.clear();
    }

    private static void ensureBucketIndex(MongoCollection<Document> target) {
        Bson keys = Indexes.ascending(PATIENT_ID, DATE_TAG);
        Document existing = null;
        for (Document index : target.listIndexes()) {
            if (BUCKET_INDEX.equals(index.getString("name"))) {
                return;
            }
            if (OLD_BUCKET_INDEX.equals(index.getString("name"))) {
                existing = index;
            }
        }
        if (existing != null) {
            target.dropIndex(OLD_BUCKET_INDEX);
        }
        try {
            target.createIndex(keys, new IndexOptions().name(BUCKET_INDEX).unique(true));
        } catch (MongoServerException e) {
            // A command error on a real deployment; the same code as a write error from some servers.
            if (e.getCode() != MongoErrors.DUPLICATE_KEY && !INDEX_CONFLICT.contains(e.getCode())) {
                throw e;
            }
            LOG.warnf("legacy collection %s: no unique bucket index (%s, code %d); a plain index is used instead",
                    target.getNamespace().getCollectionName(), e.getCode() == MongoErrors.DUPLICATE_KEY
                            ? "some patient already has several buckets" : "an index on the same keys exists",
                    e.getCode());
            try {
                target.createIndex(keys, new IndexOptions().name(OLD_BUCKET_INDEX));
            } catch (MongoServerException again) {
                if (!INDEX_CONFLICT.contains(again.getCode())) {
                    throw again;
                }
            }
        }
    }

    /**
     * Appends the entries to their buckets and moves {@code patients.last_*} forward. Per bucket collection, the
     * steady state costs one update per entry: a push that matches only a bucket without the entry. When every push
     * matched, that is all. Otherwise (a bucket not created yet, an entry already there from a replay, a higher
     * daily count for an entry already there) the collection's full sequence runs: create the missing buckets,
     * replace lower daily counts, push the entries still absent. Every step of it matches nothing that is already
     * right, so running it after the pushes adds no second entry. In a collection where patients have several
     * buckets (no unique bucket index), the entries any bucket holds are read first (one query) and the full
     * sequence alone runs, once: a push there matches every bucket but the one holding its entry.
     */
    public void write(List<LegacyEntry> entries, Instant now) {
        if (entries.isEmpty()) {
            return;
        }
        Map<String, List<LegacyEntry>> byCollection = new LinkedHashMap<>();
        List<WriteModel<Document>> lastValues = new ArrayList<>();
        Date nowDate = Date.from(now);
        for (LegacyEntry e : entries) {
            var target = e.kind().legacy;
            byCollection.computeIfAbsent(target.collection(), k -> new ArrayList<>()).add(e);
            if (target.lastField() != null) {
                lastValues.add(lastValue(e, target.lastField(), target.prefix() + "_import_date"));
            }
        }
        byCollection.forEach((collection, all) -> MongoErrors.call("write legacy " + collection, () -> {
            MongoCollection<Document> target = main.getCollection(collection);
            List<LegacyEntry> list = distinct(all);
            boolean oneBucket = oneBucketPerKey(collection, target);
            // Several buckets for one key: a push's "this bucket lacks the entry" holds in every bucket but the one
            // holding it, so the entries any bucket holds are looked up first, and each push runs once (the full
            // sequence alone: the pushes' fast path would run a matched push again).
            Set<String> held = oneBucket ? Set.of() : held(target, list);
            BucketWrites writes = new BucketWrites(maxEntriesPerBucket);
            list.forEach(e -> writes.add(e, nowDate, held.contains(e.entryId())));
            if (oneBucket) {
                BulkWriteResult pushed = target.bulkWrite(writes.pushes, ORDERED);
                if (pushed.getMatchedCount() == writes.pushes.size()) {
                    return pushed;
                }
            }
            if (writes.full.isEmpty()) {
                return null;
            }
            try {
                return target.bulkWrite(writes.full, ORDERED);
            } catch (MongoBulkWriteException ex) {
                if (MongoErrors.onlyDuplicateKeys(ex)) {
                    // A unique index on the bucket key and a concurrent first write: retry puts the entry in.
                    return target.bulkWrite(writes.full, ORDERED);
                }
                throw ex;
            }
        }));
        if (!lastValues.isEmpty()) {
            MongoErrors.call("write legacy patients.last_*", () -> main.getCollection(PATIENTS)
                    .bulkWrite(lastValues, new BulkWriteOptions().ordered(false)));
        }
    }

    /**
     * One entry per Observation id: the same reading twice in a batch (a re-sent message, a redelivery beside its
     * original) is one entry, of a cumulative daily count the highest.
     */
    private static List<LegacyEntry> distinct(List<LegacyEntry> entries) {
        Map<String, LegacyEntry> byId = new LinkedHashMap<>();
        for (LegacyEntry e : entries) {
            byId.merge(e.entryId(), e, (kept, next) -> dailyMaximum(next) instanceof Number n
                    && dailyMaximum(kept) instanceof Number k && n.doubleValue() > k.doubleValue() ? next : kept);
        }
        return byId.size() == entries.size() ? entries : new ArrayList<>(byId.values());
    }

    /**
     * Whether a unique index keeps one bucket per patient (and month) in this collection: ours, or the legacy
     * application's own on the same keys or fewer. Read once per collection; without one ({@link #ensureIndexes}
     * found patients with several buckets already), writes look up the entries already held first.
     */
    private boolean oneBucketPerKey(String collection, MongoCollection<Document> target) {
        Boolean known = oneBucketPerKey.get(collection);
        if (known != null) {
            return known;
        }
        boolean unique = false;
        for (Document index : target.listIndexes()) {
            Object key = index.get("key");
            if (index.getBoolean("unique", false) && key instanceof Document fields && !fields.isEmpty()
                    && fields.containsKey(PATIENT_ID) && Set.of(PATIENT_ID, DATE_TAG).containsAll(fields.keySet())) {
                unique = true;
            }
        }
        oneBucketPerKey.put(collection, unique);
        return unique;
    }

    /** The Observation ids of {@code entries} that some bucket of their patients holds already. */
    private static Set<String> held(MongoCollection<Document> target, List<LegacyEntry> entries) {
        Set<String> wanted = new HashSet<>();
        Set<Object> patients = new HashSet<>();
        for (LegacyEntry e : entries) {
            wanted.add(e.entryId());
            patients.add(e.patientId());
        }
        Set<String> held = new HashSet<>();
        String idField = DATA + "." + ENTRY_ID_FIELD;
        for (Document bucket : target.find(Filters.and(Filters.in(PATIENT_ID, patients), Filters.in(idField,
                wanted))).projection(Projections.include(idField))) {
            if (bucket.get(DATA) instanceof List<?> data) {
                for (Object entry : data) {
                    if (entry instanceof Document d && d.get(ENTRY_ID_FIELD) instanceof String id
                            && wanted.contains(id)) {
                        held.add(id);
                    }
                }
            }
        }
        return held;
    }

    /** One bucket collection's writes for a batch: the pushes alone, and the full idempotent sequence. */
    private static final class BucketWrites {
        final List<WriteModel<Document>> pushes = new ArrayList<>();
        final List<WriteModel<Document>> full = new ArrayList<>();
        /** Keeps the newest entries: a negative slice drops the oldest once the bound is passed. */
        final PushOptions bound;

        BucketWrites(int maxEntries) {
            this.bound = new PushOptions().slice(-maxEntries);
        }

        /** @param held a bucket holds this entry already: only a higher daily count may still replace it */
        void add(LegacyEntry e, Date now, boolean held) {
            var target = e.kind().legacy;
            Bson bucket = e.dateTag() == null ? Filters.eq(PATIENT_ID, e.patientId())
                    : Filters.and(Filters.eq(PATIENT_ID, e.patientId()), Filters.eq(DATE_TAG, e.dateTag()));
            if (!held) {
                // Make sure the bucket exists, then push only if no entry carries this Observation id.
                full.add(new UpdateOneModel<>(bucket, Updates.combine(
                        Updates.setOnInsert(DATA, List.of()), Updates.setOnInsert(CREATED_AT, now),
                        Updates.setOnInsert(UPDATED_AT, now), Updates.setOnInsert("__v", 0)), UPSERT));
            }
            Object dailyValue = dailyMaximum(e);
            if (dailyValue != null) {
                // Cumulative daily count: the day's entry (same Observation id) is replaced in place by a higher
                // count; a lower count or a replay matches nothing.
                String valueField = target.fields().get(MeasurementKind.VALUE);
                full.add(new UpdateOneModel<>(Filters.and(bucket, Filters.elemMatch(DATA, Filters.and(
                        Filters.eq(ENTRY_ID_FIELD, e.entryId()), Filters.lt(valueField, dailyValue)))),
                        Updates.combine(Updates.set("data.$", e.entry()), Updates.set(UPDATED_AT, now),
                                Updates.inc("__v", 1))));
            }
            if (held) {
                return;
            }
            var push = new UpdateOneModel<Document>(Filters.and(bucket, Filters.ne("data." + ENTRY_ID_FIELD,
                    e.entryId())), Updates.combine(Updates.pushEach(DATA, List.of(e.entry()), bound),
                            Updates.set(UPDATED_AT, now), Updates.inc("__v", 1)));
            pushes.add(push);
            full.add(push);
        }
    }

    /** The value of a cumulative daily kind (steps), else null. */
    private static Object dailyMaximum(LegacyEntry e) {
        if (e.kind().aggregation != MeasurementKind.Aggregation.DAILY_MAXIMUM) {
            return null;
        }
        return e.entry().get(e.kind().legacy.fields().get(MeasurementKind.VALUE));
    }

    /**
     * {@code patients.last_<kind>} moves forward only: an older, late reading never replaces a newer one; for a
     * cumulative daily count the same day moves forward to a higher count.
     */
    private static WriteModel<Document> lastValue(LegacyEntry e, String lastField, String timeField) {
        Date t = Date.from(e.deviceTime());
        Bson olderOrAbsent = Filters.or(Filters.exists(lastField + "." + timeField, false),
                Filters.lt(lastField + "." + timeField, t));
        Object dailyValue = dailyMaximum(e);
        if (dailyValue != null) {
            String valueField = lastField + "." + e.kind().legacy.fields().get(MeasurementKind.VALUE);
            olderOrAbsent = Filters.or(olderOrAbsent, Filters.and(Filters.eq(lastField + "." + timeField, t),
                    Filters.lt(valueField, dailyValue)));
        }
        Document value = new Document(e.entry());
        value.remove(ENTRY_ID_FIELD);
        return new UpdateOneModel<>(Filters.and(Filters.eq("_id", e.patientId()), olderOrAbsent),
                Updates.set(lastField, value));
    }
}
