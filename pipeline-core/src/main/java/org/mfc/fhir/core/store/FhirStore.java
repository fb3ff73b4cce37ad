package org.mfc.fhir.core.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.mfc.fhir.core.fhir.FhirEnvelope;
import org.mfc.fhir.core.fhir.MappingVersion;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;

/**
 * Writes enveloped resources into the FHIR database. Every write is an insert-if-absent keyed by the deterministic
 * id (an insert that a stored {@code _id} turns into a duplicate-key no-op): the first write of a fact wins and a
 * replay changes nothing, not even {@code updated_at}
 * (so replaying a batch leaves the database byte-for-byte identical). The one exception is a cumulative daily
 * count ({@link #DAILY_MAXIMUM_FIELD}), where a higher count replaces the stored document.
 */
public final class FhirStore implements IndexedStore {

    /**
     * Envelope field of a cumulative daily fact (steps, {@code MeasurementKind.Aggregation.DAILY_MAXIMUM}): the
     * value the stored document holds. A document carrying it is replaced by one with a higher value.
     */
    public static final String DAILY_MAXIMUM_FIELD = "daily_maximum";

    /** Envelope field of a document {@code move-fhir} copied from the old system: where it came from. */
    public static final String MIGRATED_FROM = "migrated_from";

    private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

    private final MongoDatabase db;

    public FhirStore(MongoDatabase db) {
        this.db = db;
    }

    public MongoDatabase database() {
        return db;
    }

    /** Indexes the queries need; creating an existing index is a no-op, so every service calls this at start. */
    @Override
    public void ensureIndexes() {
        MongoErrors.call("create FHIR indexes", () -> {
            var obs = db.getCollection("fhir_observations");
            obs.createIndex(Indexes.compoundIndex(Indexes.ascending("patient_id"), Indexes.ascending("code"),
                    Indexes.descending("effective_datetime")), new IndexOptions().name("patient_code_time"));
            obs.createIndex(Indexes.ascending("device_id"), new IndexOptions().name("device"));
            obs.createIndex(Indexes.ascending("source_message_id"), new IndexOptions().name("source_message"));
            obs.createIndex(Indexes.ascending("status", FhirEnvelope.PERIOD_END), new IndexOptions()
                    .name("open_periods"));
            db.getCollection("fhir_devices").createIndex(Indexes.ascending("resource_data.identifier.value"),
                    new IndexOptions().name("identifier"));
            db.getCollection("fhir_patients").createIndex(Indexes.ascending("resource_data.identifier.value"),
                    new IndexOptions().name("identifier"));
            db.getCollection("fhir_provenance").createIndex(Indexes.ascending("source_message_id"),
                    new IndexOptions().name("source_message"));
            ParkedReadingStore.ensureIndexes(db);
            return null;
        });
    }

    /**
     * Inserts each document whose {@code _id} is not stored yet, one unordered bulk insert per collection. A daily
     * maximum whose {@code _id} is stored already then replaces the stored document if its value is higher (a second
     * bulk write, for those documents only).
     *
     * @return how many documents were new
     */
    public int insertIfAbsent(Map<String, List<Document>> byCollection) {
        int inserted = 0;
        for (Map.Entry<String, List<Document>> e : byCollection.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            List<WriteModel<Document>> writes = new ArrayList<>(e.getValue().size());
            for (Document doc : e.getValue()) {
                writes.add(new InsertOneModel<>(doc));
            }
            inserted += insert(e.getKey(), e.getValue(), writes);
        }
        return inserted;
    }

    /**
     * A day's step count is {@code preliminary} while the day runs; once it has ended, the stored count is the
     * day's and the Observation becomes {@code final} (resource and envelope). Idempotent; the worker runs it
     * periodically ({@code FHIR_FINALIZE_INTERVAL}).
     *
     * @return how many Observations became final
     */
    public long finalizeEndedPeriods(java.time.Instant now) {
        java.util.Date at = java.util.Date.from(now);
        return MongoErrors.call("finalize ended periods", () -> db.getCollection("fhir_observations").updateMany(
                Filters.and(Filters.eq("status", "preliminary"), Filters.lte(FhirEnvelope.PERIOD_END, at)),
                com.mongodb.client.model.Updates.combine(com.mongodb.client.model.Updates.set("status", "final"),
                        com.mongodb.client.model.Updates.set("resource_data.status", "final"),
                        com.mongodb.client.model.Updates.set("updated_at", at))).getModifiedCount());
    }

    /** Groups enveloped documents by their collection, keeping one document per id ({@link #keep}). */
    public static Map<String, List<Document>> byCollection(List<Document> envelopes) {
        Map<String, Map<Object, Document>> grouped = new LinkedHashMap<>();
        for (Document d : envelopes) {
            String collection = org.mfc.fhir.core.fhir.FhirEnvelope.collection(d.getString("resource_type"));
            grouped.computeIfAbsent(collection, k -> new LinkedHashMap<>()).merge(d.get("_id"), d,
                    FhirStore::keep);
        }
        Map<String, List<Document>> out = new LinkedHashMap<>();
        grouped.forEach((k, v) -> out.put(k, new ArrayList<>(v.values())));
        return out;
    }

    /** Of two documents with one id in a batch the first wins, except that a higher daily maximum wins. */
    private static Document keep(Document first, Document second) {
        if (first.get(DAILY_MAXIMUM_FIELD) instanceof Number a && second.get(DAILY_MAXIMUM_FIELD) instanceof Number b
                && b.doubleValue() > a.doubleValue()) {
            return second;
        }
        return first;
    }

    /**
     * A plain insert per document: a stored {@code _id} fails it with a duplicate key, which means "already stored"
     * and changes nothing. Cheaper for the server than an upsert (no query first, no document built from an update).
     * Documents refused go on to {@link #replaceStale}.
     */
    private int insert(String collection, List<Document> docs, List<WriteModel<Document>> writes) {
        return MongoErrors.call("write " + collection, () -> {
            MongoCollection<Document> target = db.getCollection(collection);
            // Counted from the errors, not from the reply's count: every insert that did not fail inserted one
            // document (the test stand-in replies with the number of documents sent).
            try {
                target.bulkWrite(writes, UNORDERED);
                return writes.size();
            } catch (MongoBulkWriteException e) {
                if (!MongoErrors.onlyDuplicateKeys(e)) {
                    throw e;
                }
                List<Document> stored = new ArrayList<>();
                for (BulkWriteError error : e.getWriteErrors()) {
                    stored.add(docs.get(error.getIndex()));
                }
                replaceStale(target, stored);
                return writes.size() - e.getWriteErrors().size();
            }
        });
    }

    /**
     * For documents whose {@code _id} is stored already (their insert failed): the stored document is replaced when
     * it is stale, and left alone otherwise (a replay). Stale means: a lower cumulative daily count; a registry
     * resource whose content changed ({@link FhirEnvelope#CONTENT_HASH}); or anything written by an older mapping
     * version ({@link MappingVersion}), so a corrected mapping reaches a document that exists. A document moved from
     * the old system is never replaced, and a replaced document keeps the {@code source_system} that wrote it first.
     */
    private static void replaceStale(MongoCollection<Document> target, List<Document> stored) {
        if (stored.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> replaces = new ArrayList<>(stored.size() * 2);
        for (Document doc : stored) {
            // Only what this version mapped replaces anything: a copied foreign document (move-fhir) never does.
            if (!Integer.valueOf(MappingVersion.CURRENT).equals(doc.get(MappingVersion.FIELD))) {
                continue;
            }
            Object source = doc.get(SOURCE_SYSTEM);
            Bson replaceable = Filters.and(Filters.eq("_id", doc.get("_id")), NOT_MOVED, stale(doc));
            // Written by the same system: replaced whole. By another (the live pipeline's Patient, when the migrator
            // maps the same registry entry, or the other way round): its content is brought up to date field by
            // field and it keeps its source_system, since a rollback removes what its own system wrote first.
            // One round trip either way: each document matches exactly one of the two.
            replaces.add(new ReplaceOneModel<>(Filters.and(replaceable, Filters.eq(SOURCE_SYSTEM, source)), doc));
            Document fields = new Document(doc);
            fields.remove("_id");
            fields.remove(SOURCE_SYSTEM);
            replaces.add(new UpdateOneModel<>(Filters.and(replaceable, Filters.ne(SOURCE_SYSTEM, source)),
                    new Document("$set", fields)));
        }
        if (!replaces.isEmpty()) {
            target.bulkWrite(replaces, UNORDERED);
        }
    }

    private static final String SOURCE_SYSTEM = "source_system";
    /**
     * A document {@code move-fhir} copied from the old system is never replaced by a mapped one: it is the old
     * record, which {@code move-fhir} verifies against its source and {@code rollback --move} removes.
     */
    private static final Bson NOT_MOVED = Filters.exists(MIGRATED_FROM, false);

    /** What makes a stored document with the same id stale against {@code doc}. */
    static Bson stale(Document doc) {
        Object daily = doc.get(DAILY_MAXIMUM_FIELD);
        if (daily != null) {
            // A higher count wins; an older mapping's document is replaced by a count at least as high.
            return Filters.or(Filters.lt(DAILY_MAXIMUM_FIELD, daily), Filters.and(olderVersion(),
                    Filters.lte(DAILY_MAXIMUM_FIELD, daily)));
        }
        Object hash = doc.get(FhirEnvelope.CONTENT_HASH);
        if (hash != null) {
            // A registry resource that changed; a Device only by one that knows at least as much about it, so two
            // sources that know a device differently (the registry, a reading) do not overwrite each other in turn.
            Bson changed = Filters.ne(FhirEnvelope.CONTENT_HASH, hash);
            Object rank = doc.get(FhirEnvelope.CONTENT_RANK);
            return rank == null ? changed : Filters.and(changed, Filters.or(Filters.exists(FhirEnvelope.CONTENT_RANK,
                    false), Filters.lte(FhirEnvelope.CONTENT_RANK, rank)));
        }
        return olderVersion();
    }

    /** Written by a mapping version before the current one (or before versions were recorded). */
    public static Bson olderVersion() {
        return Filters.or(Filters.exists(MappingVersion.FIELD, false),
                Filters.lt(MappingVersion.FIELD, MappingVersion.CURRENT));
    }

}
