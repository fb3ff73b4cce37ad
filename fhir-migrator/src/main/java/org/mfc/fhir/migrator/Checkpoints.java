package org.mfc.fhir.migrator;

import java.util.Date;

import org.bson.Document;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;

/**
 * Progress of a job per source collection, kept in the FHIR database ({@value #COLLECTION}) so an interrupted run
 * (even {@code kill -9}) resumes after the last source document whose writes completed. A checkpoint is saved only
 * after the batch it covers is durable ({@link CheckpointedBatches}); the documents after it are redone on resume, and
 * since every write is an insert-if-absent, redoing them adds nothing twice.
 *
 * <p>Document: {@code {_id: "<op>/<collection>", op, collection, source_db, last_id, done, counts: {...},
 * updated_at}}.
 */
public final class Checkpoints {

    public static final String COLLECTION = "migration_checkpoints";

    private final MongoCollection<Document> checkpoints;
    private final String sourceDb;

    /** @param sourceDb the main (legacy) database the job reads: progress is progress through that database */
    public Checkpoints(MongoDatabase fhirDb, String sourceDb) {
        this.checkpoints = fhirDb.getCollection(COLLECTION);
        this.sourceDb = sourceDb;
    }

    /**
     * The saved checkpoint, or null when this collection was never started from this source database. A checkpoint
     * another source database left (a run against a mistyped {@code MONGODB_MAIN_DB}, which found nothing and was
     * "done" at once), or one saved before checkpoints named their source (which may be such a one), is not this
     * run's progress: the collection is read from its start again, which inserts nothing twice.
     */
    public Document load(String op, String collection) {
        Document saved = checkpoints.find(Filters.eq("_id", op + "/" + collection)).first();
        if (saved != null && !sourceDb.equals(saved.getString(SOURCE_DB))) {
            return null;
        }
        return saved;
    }

    static final String SOURCE_DB = "source_db";

    public void save(String op, String collection, Object lastId, boolean done, Document counts) {
        Document doc = new Document("_id", op + "/" + collection).append("op", op).append("collection", collection)
                .append(SOURCE_DB, sourceDb).append("last_id", lastId).append("done", done).append("counts", counts)
                .append("updated_at", new Date());
        checkpoints.replaceOne(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true));
    }

    /** Forgets the progress of {@code op}, so the next run starts from the first source document. */
    public long reset(String op) {
        return checkpoints.deleteMany(Filters.eq("op", op)).getDeletedCount();
    }
}
