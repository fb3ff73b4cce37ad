package org.mfc.fhir.migrator;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.mfc.fhir.core.legacy.EntryProblem;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;

/**
 * Every entry (or reading) {@code convert} did not convert, and every warning, in the FHIR database
 * ({@value #COLLECTION}), keyed by {@link EntryProblem#key()} so that interrupted and resumed runs list each problem
 * exactly once. Field names and locations only, never values.
 */
public final class RejectLog {

    public static final String COLLECTION = "migration_rejects";

    private final MongoCollection<Document> rejects;

    public RejectLog(MongoDatabase fhirDb) {
        this.rejects = fhirDb.getCollection(COLLECTION);
    }

    public void record(List<EntryProblem> problems, boolean warning) {
        if (problems.isEmpty()) {
            return;
        }
        Date now = new Date();
        List<WriteModel<Document>> writes = new ArrayList<>(problems.size());
        for (EntryProblem p : problems) {
            String id = (warning ? "warning:" : "reject:") + p.key() + ":" + p.reason();
            Document fields = toDocument(p).append("severity", warning ? "warning" : "reject")
                    .append("recorded_at", now);
            writes.add(new UpdateOneModel<>(Filters.eq("_id", id), new Document("$setOnInsert", fields),
                    new UpdateOptions().upsert(true)));
        }
        rejects.bulkWrite(writes, new BulkWriteOptions().ordered(false));
    }

    public static Document toDocument(EntryProblem p) {
        return new Document("source_collection", p.collection()).append("bucket_id", p.bucketId())
                .append("entry_index", p.index()).append("kind", p.kind()).append("field", p.field())
                .append("reason", p.reason());
    }

    public static EntryProblem fromDocument(Document d) {
        return new EntryProblem(d.getString("source_collection"), d.getString("bucket_id"),
                d.getInteger("entry_index"), d.getString("kind"), d.getString("field"), d.getString("reason"));
    }

    /** All stored problems of one severity ({@code reject} or {@code warning}), streamed. */
    public Iterable<Document> all(String severity) {
        return rejects.find(Filters.eq("severity", severity)).sort(new Document("_id", 1));
    }

    public long clear() {
        return rejects.deleteMany(new Document()).getDeletedCount();
    }
}
