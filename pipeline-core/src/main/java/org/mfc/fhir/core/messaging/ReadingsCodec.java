package org.mfc.fhir.core.messaging;

import java.io.IOException;

import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * The value of a record on the readings topic: one {@link IngestRecord} as JSON. The parked store keeps the same
 * text, so a parked reading is re-read exactly as the worker read it. Decoding uses the record limits
 * ({@link Json#recordMapper()}): a payload the API accepted is always a record every reader can decode.
 */
public final class ReadingsCodec {

    private ReadingsCodec() {
    }

    public static String encode(IngestRecord record) throws JsonProcessingException {
        return Json.recordMapper().writeValueAsString(record);
    }

    /** Never null: a value of JSON {@code null} is not a record (Jackson would answer it with null). */
    public static IngestRecord decode(String value) throws JsonProcessingException {
        return present(Json.recordMapper().readValue(value, IngestRecord.class));
    }

    /** As {@link #decode(String)}. */
    public static IngestRecord decode(byte[] value) throws IOException {
        return present(Json.recordMapper().readValue(value, IngestRecord.class));
    }

    private static IngestRecord present(IngestRecord record) throws JsonProcessingException {
        if (record == null) {
            throw MismatchedInputException.from(null, IngestRecord.class, "JSON null is not an ingest record");
        }
        return record;
    }
}
