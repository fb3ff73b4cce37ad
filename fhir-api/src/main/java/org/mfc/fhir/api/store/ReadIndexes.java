package org.mfc.fhir.api.store;

import java.util.List;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.mfc.fhir.core.store.MongoErrors;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;

/**
 * The indexes the read API's queries are planned on, each query naming its index as a hint, so a real MongoDB never
 * falls back to a collection scan (a hint to a missing index is an error, not a scan). Created idempotently at
 * start-up by the API, not by the writers: a deployment without the read API does not pay for them on every write.
 * {@code patient_code_time} is the core's ({@code FhirStore.ensureIndexes}).
 * Every key ends with {@code _id} where the API pages on it, so that the sort (effective time, then id) is the index
 * order and a page starts where the previous one ended.
 */
public final class ReadIndexes {

    public static final String OBSERVATIONS = "fhir_observations";
    public static final String PATIENTS = "fhir_patients";
    public static final String DEVICES = "fhir_devices";

    /** Searches of one patient without a code: newest first. */
    public static final Document PATIENT_TIME = new Document("patient_id", 1).append("effective_datetime", -1)
            .append("_id", -1);
    /**
     * Searches of one patient by code: every coding of {@code Observation.code} (multikey), so a secondary coding
     * (SpO2's {@code 59408-5}) finds its Observations as the primary one does.
     */
    public static final Document PATIENT_CODING_TIME = new Document("patient_id", 1)
            .append("resource_data.code.coding.code", 1).append("effective_datetime", -1).append("_id", -1);
    /** Searches by measuring device. */
    public static final Document DEVICE_TIME = new Document("device_id", 1).append("effective_datetime", -1)
            .append("_id", -1);
    /** The core's index: {@code $lastn} per primary code ({@code FhirStore}). */
    public static final Document PATIENT_CODE_TIME = new Document("patient_id", 1).append("code", 1)
            .append("effective_datetime", -1);
    /** Patient and Device searches by identifier, in id order (the core's {@code identifier} index has no id). */
    public static final Document IDENTIFIER_ID = new Document("resource_data.identifier.value", 1).append("_id", 1);
    public static final Document ID = new Document("_id", 1);

    /** Name and keys of every index this module creates. */
    static final List<Document> OWN = List.of(
            new Document("name", "fhir_api_patient_time").append("key", PATIENT_TIME),
            new Document("name", "fhir_api_patient_coding_time").append("key", PATIENT_CODING_TIME),
            new Document("name", "fhir_api_device_time").append("key", DEVICE_TIME));
    private static final String IDENTIFIER_ID_NAME = "fhir_api_identifier_id";

    private ReadIndexes() {
    }

    public static void ensure(MongoDatabase db) {
        MongoErrors.call("create read indexes", () -> {
            var observations = db.getCollection(OBSERVATIONS);
            for (Document index : OWN) {
                observations.createIndex((Bson) index.get("key"), new IndexOptions().name(index.getString("name")));
            }
            for (String collection : List.of(PATIENTS, DEVICES)) {
                db.getCollection(collection).createIndex(IDENTIFIER_ID, new IndexOptions().name(IDENTIFIER_ID_NAME));
            }
            return null;
        });
    }
}
