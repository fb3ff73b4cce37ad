package org.mfc.fhir.core.messaging;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a dead letter (the worker's dead-letter topic, and the ingest API's MQTT rejects topic, which uses
 * the same vocabulary): why the record is there, where it came from, and the request it belongs to. Values are UTF-8
 * text; a record's value stays the original one, so a replay re-sends it unchanged (unless it was too large to
 * keep: {@link #VALUE_OMITTED}).
 */
public final class DeadLetterHeaders {

    /** The {@link org.mfc.fhir.core.model.Stage} the record failed in, by name. */
    public static final String STAGE = "dlq-stage";
    /** Why, naming fields and rules, never values. */
    public static final String REASON = "dlq-reason";
    public static final String ORIGINAL_TOPIC = "dlq-original-topic";
    public static final String ORIGINAL_PARTITION = "dlq-original-partition";
    public static final String ORIGINAL_OFFSET = "dlq-original-offset";
    /** On a replayed record: {@code topic/partition/offset} of the dead letter it was replayed from. */
    public static final String REPLAYED_FROM = "dlq-replayed-from";
    /**
     * On a dead letter sent without its value, because the value and the dead letter's headers together exceeded
     * what the dead-letter topic takes: the value's size in bytes. The value is still on the original topic, at the
     * original partition and offset, for as long as that topic retains it.
     */
    public static final String VALUE_OMITTED = "dlq-value-omitted";
    /** The ingest id answered to the client: how a request's dead letters are found again. */
    public static final String INGEST_ID = "ingest-id";

    private DeadLetterHeaders() {
    }

    /** The last value of header {@code name}, or null when the record has none. */
    public static String read(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Adds header {@code name}; a null value is written as the empty string. */
    public static void write(Headers headers, String name, String value) {
        headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}
