package org.mfc.fhir.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.messaging.ReadingsCodec;
import org.mfc.fhir.core.model.Stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;

/**
 * Readings whose device the registry does not know yet: kept whole, with the reason, until an operator re-processes
 * them once the registry knows the device. Not lost, not guessed.
 */
public final class ParkedReadingStore {

    public static final String COLLECTION = "pipeline_parked_readings";

    private final MongoCollection<Document> parked;

    public ParkedReadingStore(MongoDatabase fhirDb) {
        this.parked = fhirDb.getCollection(COLLECTION);
    }

    /** The orders of {@link #list} and {@link #summaries}: neither sorts the parked collection in memory. */
    static void ensureIndexes(MongoDatabase fhirDb) {
        MongoCollection<Document> parked = fhirDb.getCollection(COLLECTION);
        parked.createIndex(Indexes.ascending("last_tried_at", "_id"), new IndexOptions().name("retry_order"));
        parked.createIndex(Indexes.ascending("parked_at"), new IndexOptions().name("parked_order"));
    }

    /**
     * Parks the message, or updates why it is still parked. {@code parked_at} is when it was first parked (kept by a
     * reprocess, so the oldest stays first and an operator sees how long it has waited); {@code last_tried_at} is the
     * latest attempt.
     */
    public void park(IngestRecord record, Stage stage, String reason, Instant now) {
        Document set = new Document("ingest_id", record.ingestId())
                .append("family", record.family().name())
                .append("device_key", record.deviceKey())
                .append("stage", stage.name())
                .append("reason", reason)
                .append("last_tried_at", Date.from(now))
                // As text: a payload may hold keys MongoDB refuses as field names ($-prefixed, dotted).
                .append("record_json", toJson(record));
        Document update = new Document("$set", set).append("$setOnInsert", new Document("parked_at", Date.from(now)));
        MongoErrors.call("park reading", () -> parked.updateOne(Filters.eq("_id", record.messageId()), update,
                new UpdateOptions().upsert(true)));
    }

    public long count() {
        return MongoErrors.call("count parked", () -> parked.countDocuments());
    }

    /**
     * Up to {@code limit} parked records for a reprocess, those tried longest ago first. A reprocess parks again what
     * is still unknown ({@code last_tried_at} now), so successive calls go through every parked record: ordered by
     * {@code parked_at}, a thousand readings of a device nobody registers would be the only ones ever examined.
     */
    public List<IngestRecord> list(int limit) {
        return MongoErrors.call("read parked", () -> read(limit));
    }

    private List<IngestRecord> read(int limit) {
        List<IngestRecord> out = new ArrayList<>();
        for (Document d : parked.find().sort(new Document("last_tried_at", 1).append("_id", 1)).limit(limit)) {
            try {
                out.add(ReadingsCodec.decode(d.getString("record_json")));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("parked record " + d.get("_id") + " is unreadable", e);
            }
        }
        return out;
    }

    /** What an operator may see of a parked reading: why and which device, never the payload or the patient. */
    public record Summary(String messageId, String ingestId, String family, String deviceKey, String stage,
            String reason, Instant parkedAt) {
    }

    /** Up to {@code limit} parked readings, oldest first, without their payload. */
    public List<Summary> summaries(int limit) {
        return MongoErrors.call("list parked", () -> {
            List<Summary> out = new ArrayList<>();
            for (Document d : parked.find().projection(new Document("record_json", 0))
                    .sort(new Document("parked_at", 1)).limit(limit)) {
                Date at = d.getDate("parked_at");
                out.add(new Summary(d.getString("_id"), d.getString("ingest_id"), d.getString("family"),
                        d.getString("device_key"), d.getString("stage"), d.getString("reason"),
                        at == null ? null : at.toInstant()));
            }
            return out;
        });
    }

    public void remove(String messageId) {
        MongoErrors.call("unpark reading", () -> parked.deleteOne(Filters.eq("_id", messageId)));
    }

    private static String toJson(IngestRecord record) {
        try {
            return ReadingsCodec.encode(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a parsed record", e);
        }
    }
}
