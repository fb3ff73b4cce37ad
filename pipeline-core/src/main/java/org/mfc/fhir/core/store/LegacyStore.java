package org.mfc.fhir.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.mfc.fhir.core.model.MeasurementKind;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;

/**
 * Appends entries to the legacy application's bucket documents (legacy-db.md section 2) and moves
 * {@code patients.last_*} forward. Idempotent: an entry carries the id of its Observation and is pushed only when
 * the bucket does not hold that id yet, so a replayed reading adds no second entry.
 */
public final class LegacyStore {

    /** Entry field holding the Observation id; unknown to the legacy application, which ignores it. */
    public static final String ENTRY_ID_FIELD = "fhir_observation_id";

    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);
    private static final String BUCKET_INDEX = "fhir_pipeline_bucket";
    /** MongoDB's code for "an index with these keys exists under another name". */
    private static final int INDEX_OPTIONS_CONFLICT = 85;

    private final MongoDatabase main;

    public LegacyStore(MongoDatabase main) {
        this.main = main;
    }

    /**
     * A (non-unique) index on each bucket collection's key, which every write here filters on: without it each
     * append scans the collection. Creating an existing index is a no-op; an equivalent index the legacy application
     * already has under another name is left as it is.
     */
    public void ensureIndexes() {
        Map<String, Boolean> buckets = new LinkedHashMap<>();
        for (MeasurementKind kind : MeasurementKind.values()) {
            if (kind.legacy != null) {
                buckets.putIfAbsent(kind.legacy.collection(), kind.legacy.monthly());
            }
        }
        buckets.forEach((collection, monthly) -> MongoErrors.call("create legacy index on " + collection, () -> {
            Bson keys = monthly ? Indexes.ascending("patient_id", "date_tag") : Indexes.ascending("patient_id");
            try {
                return main.getCollection(collection).createIndex(keys, new IndexOptions().name(BUCKET_INDEX));
            } catch (MongoCommandException e) {
                if (e.getErrorCode() == INDEX_OPTIONS_CONFLICT) {
                    return null;
                }
                throw e;
            }
        }));
    }

    /**
     * Appends the entries to their buckets and moves {@code patients.last_*} forward. Per bucket collection, the
     * steady state costs one update per entry: a push that matches only a bucket without the entry. When every push
     * matched, that is all. Otherwise (a bucket not created yet, an entry already there from a replay, a higher
     * daily count for an entry already there) the collection's full sequence runs: create the missing buckets,
     * replace lower daily counts, push the entries still absent. Every step of it matches nothing that is already
     * right, so running it after the pushes adds no second entry.
     */
    public void write(List<LegacyEntry> entries, Instant now) {
        if (entries.isEmpty()) {
            return;
        }
        Map<String, BucketWrites> byCollection = new LinkedHashMap<>();
        List<WriteModel<Document>> lastValues = new ArrayList<>();
        Date nowDate = Date.from(now);
        for (LegacyEntry e : entries) {
            var target = e.kind().legacy;
            byCollection.computeIfAbsent(target.collection(), k -> new BucketWrites()).add(e, nowDate);
            if (target.lastField() != null) {
                lastValues.add(lastValue(e, target.lastField(), target.prefix() + "_import_date"));
            }
        }
        byCollection.forEach((collection, writes) -> MongoErrors.call("write legacy " + collection, () -> {
            MongoCollection<Document> target = main.getCollection(collection);
            BulkWriteResult pushed = target.bulkWrite(writes.pushes, ORDERED);
            if (pushed.getMatchedCount() == writes.pushes.size()) {
                return pushed;
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
            MongoErrors.call("write legacy patients.last_*", () -> main.getCollection("patients")
                    .bulkWrite(lastValues, new BulkWriteOptions().ordered(false)));
        }
    }

    /** One bucket collection's writes for a batch: the pushes alone, and the full idempotent sequence. */
    private static final class BucketWrites {
        final List<WriteModel<Document>> pushes = new ArrayList<>();
        final List<WriteModel<Document>> full = new ArrayList<>();

        void add(LegacyEntry e, Date now) {
            var target = e.kind().legacy;
            Bson bucket = e.dateTag() == null ? Filters.eq("patient_id", e.patientId())
                    : Filters.and(Filters.eq("patient_id", e.patientId()), Filters.eq("date_tag", e.dateTag()));
            // Make sure the bucket exists, then push only if no entry carries this Observation id.
            full.add(new UpdateOneModel<>(bucket, Updates.combine(
                    Updates.setOnInsert("data", List.of()), Updates.setOnInsert("created_at", now),
                    Updates.setOnInsert("updated_at", now), Updates.setOnInsert("__v", 0)), UPSERT));
            Object dailyValue = dailyMaximum(e);
            if (dailyValue != null) {
                // Cumulative daily count: the day's entry (same Observation id) is replaced in place by a higher
                // count; a lower count or a replay matches nothing.
                String valueField = target.fields().get(MeasurementKind.VALUE);
                full.add(new UpdateOneModel<>(Filters.and(bucket, Filters.elemMatch("data", Filters.and(
                        Filters.eq(ENTRY_ID_FIELD, e.entryId()), Filters.lt(valueField, dailyValue)))),
                        Updates.combine(Updates.set("data.$", e.entry()), Updates.set("updated_at", now),
                                Updates.inc("__v", 1))));
            }
            var push = new UpdateOneModel<Document>(Filters.and(bucket, Filters.ne("data." + ENTRY_ID_FIELD,
                    e.entryId())), Updates.combine(Updates.push("data", e.entry()), Updates.set("updated_at", now),
                            Updates.inc("__v", 1)));
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
