package org.mfc.fhir.migrator;

import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.mfc.fhir.core.legacy.EntryProblem;
import org.mfc.fhir.core.legacy.EntryResult;
import org.mfc.fhir.core.legacy.LegacyEntryReader;
import org.mfc.fhir.core.legacy.MigratedReading;
import org.mfc.fhir.core.legacy.RejectReason;

import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

/**
 * Streams the buckets of one history collection in {@code _id} order (after a checkpoint), reads EVERY entry of
 * each bucket, and hands batches of whole buckets to a {@link Sink}. Memory holds one batch, never a collection.
 * Shared by {@code analyze} (a sink that writes nothing), {@code convert} and {@code verify}, so all three agree on
 * what converts and what does not.
 */
final class HistoryPass {

    /** A reading to store, with its patient. */
    record Pending(MigratedReading reading, String patientId) {
    }

    /** An entry the live pipeline wrote, with the id of its Observation. */
    record Live(String observationId, EntryProblem location) {
    }

    /** Whole buckets' worth of entries; {@code lastBucketId} is the checkpoint once the batch is handled. */
    static final class Batch {
        final List<Pending> readings = new ArrayList<>();
        final List<Live> live = new ArrayList<>();
        final List<EntryProblem> rejects = new ArrayList<>();
        final List<EntryProblem> warnings = new ArrayList<>();
        final Tally tally = new Tally();
        /** The buckets of the batch ({@code _id} as text), in order. */
        final List<String> bucketIds = new ArrayList<>();
        /** Observations (code, id) mapped per source entry ({@code legacy:<collection>/<bucket>/<index>}). */
        final java.util.Map<String, List<String[]>> idsBySource = new java.util.HashMap<>();
        Object lastBucketId;
    }

    interface Sink {
        void flush(String collection, Batch batch);
    }

    private final MongoDatabase main;
    private final RegistryCache registry;
    private final LegacyEntryReader reader;
    private final int batchSize;
    private final Progress progress;

    HistoryPass(MongoDatabase main, RegistryCache registry, LegacyEntryReader reader, int batchSize,
            Progress progress) {
        this.main = main;
        this.registry = registry;
        this.reader = reader;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    void run(String collection, Object afterId, Sink sink) {
        Bson filter = afterId == null ? new Document() : Filters.gt("_id", afterId);
        Batch batch = new Batch();
        try (MongoCursor<Document> cursor = main.getCollection(collection).find(filter).sort(Sorts.ascending("_id"))
                .batchSize(Math.max(10, Math.min(500, batchSize / 10))).iterator()) {
            while (cursor.hasNext()) {
                Document bucket = cursor.next();
                read(collection, bucket, batch);
                batch.lastBucketId = bucket.get("_id");
                if (batch.tally.entries >= batchSize) {
                    progress.add(batch.tally.entries);
                    sink.flush(collection, batch);
                    batch = new Batch();
                }
            }
        }
        progress.add(batch.tally.entries);
        sink.flush(collection, batch);
    }

    private void read(String collection, Document bucketDoc, Batch batch) {
        LegacyEntryReader.Bucket bucket = registry.bucket(collection, bucketDoc);
        batch.tally.documents++;
        batch.bucketIds.add(bucket.bucketId());
        Object data = bucketDoc.get("data");
        if (!(data instanceof List<?> entries)) {
            EntryProblem p = new EntryProblem(collection, bucket.bucketId(), -1, null, "data",
                    RejectReason.MALFORMED_ENTRY.code);
            batch.rejects.add(p);
            batch.tally.reject(p);
            return;
        }
        String patient = bucket.patientId() == null ? null : bucket.patientId().toHexString();
        for (int i = 0; i < entries.size(); i++) {
            EntryResult r = reader.read(bucket, i, entries.get(i));
            batch.tally.entries++;
            if (r.isLive()) {
                batch.tally.live++;
                batch.live.add(new Live(r.liveObservationId(),
                        new EntryProblem(collection, bucket.bucketId(), i, null, null, "live")));
                continue;
            }
            for (MigratedReading m : r.readings()) {
                batch.readings.add(new Pending(m, patient));
                batch.tally.reading(m.reading().kind().name());
            }
            if (!r.rejects().isEmpty()) {
                batch.tally.rejectedEntries++;
                batch.rejects.addAll(r.rejects());
                r.rejects().forEach(batch.tally::reject);
            }
            batch.warnings.addAll(r.warnings());
            r.warnings().forEach(batch.tally::warning);
        }
    }

    /** Entries in a collection (sum of bucket sizes), for progress and estimates; -1 when the server cannot say. */
    static long countEntries(MongoDatabase main, String collection) {
        try {
            Document sum = main.getCollection(collection).aggregate(List.of(
                    new Document("$project", new Document("n", new Document("$size",
                            new Document("$ifNull", List.of("$data", List.of()))))),
                    new Document("$group", new Document("_id", null).append("n", new Document("$sum", "$n")))))
                    .first();
            return sum == null ? 0 : ((Number) sum.get("n")).longValue();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
