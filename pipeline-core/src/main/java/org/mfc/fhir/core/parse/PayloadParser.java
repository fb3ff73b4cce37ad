package org.mfc.fhir.core.parse;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns one native device message into normalised readings. Pure: no I/O, thread-safe. */
public interface PayloadParser {

    /**
     * @param payload    the device's JSON message, already checked to be well-formed JSON
     * @param topic      the family's sub-channel (Kati topic, generic body type), or null
     * @param receivedAt receipt time, for the plausibility rule on device times
     */
    ParseResult parse(JsonNode payload, String topic, Instant receivedAt);
}
