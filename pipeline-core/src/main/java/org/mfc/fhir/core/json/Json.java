package org.mfc.fhir.core.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration for device payloads and Kafka records. Strict on purpose: duplicate keys, NaN and
 * Infinity are errors (a duplicated {@code bp_high} is ambiguous, not "last one wins"); decimals stay exact; nesting,
 * numbers, names and strings are bounded so a hostile body cannot exhaust the stack or the heap
 * ({@link PayloadLimits} holds the finer bounds every message is checked against).
 */
public final class Json {

    /** Deepest nesting accepted in a payload; see {@link PayloadLimits#MAX_NESTING_DEPTH}. */
    public static final int MAX_NESTING_DEPTH = PayloadLimits.MAX_NESTING_DEPTH;

    /**
     * Longest string the parser materialises at all: above the largest request body, so that an over-long field is
     * refused by {@link PayloadLimits} with its name rather than as unreadable JSON.
     */
    private static final int MAX_PARSED_STRING = 2 * 1024 * 1024;

    private static final ObjectMapper MAPPER = mapper(MAX_NESTING_DEPTH);

    /**
     * Kafka records and parked records: an {@link IngestRecord} holds the payload one level down, so its limit is one
     * level deeper. A payload the API accepted is therefore always a record the worker can read.
     */
    private static final ObjectMapper RECORD_MAPPER = mapper(MAX_NESTING_DEPTH + 1);

    private Json() {
    }

    private static ObjectMapper mapper(int depth) {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(depth)
                .maxNumberLength(PayloadLimits.MAX_NUMBER_LENGTH)
                .maxNameLength(PayloadLimits.MAX_STRING_LENGTH)
                .maxStringLength(MAX_PARSED_STRING)
                .build());
        return mapper;
    }

    /** Device payloads (request bodies). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@link IngestRecord}s read back from Kafka or from the parked collection. */
    public static ObjectMapper recordMapper() {
        return RECORD_MAPPER;
    }
}
