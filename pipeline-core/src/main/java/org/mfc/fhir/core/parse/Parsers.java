package org.mfc.fhir.core.parse;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parser of each device family. The ingest API validates with it and the worker parses the queued payload
 * with it, so the two can never disagree about what a message means.
 */
public final class Parsers {

    private final Map<DeviceFamily, PayloadParser> parsers = new EnumMap<>(DeviceFamily.class);

    public Parsers() {
        this(DeviceTimeRule.DEFAULT);
    }

    /** @param timeRule how far ahead of receipt a device clock may be (the same in every host) */
    public Parsers(DeviceTimeRule timeRule) {
        parsers.put(DeviceFamily.AVA4, new Ava4Parser(timeRule));
        parsers.put(DeviceFamily.KATI, new KatiParser(timeRule));
        parsers.put(DeviceFamily.QUBE_VITAL, new QubeVitalParser(timeRule));
        parsers.put(DeviceFamily.GENERIC, new GenericBodyParser(timeRule));
    }

    public boolean supports(DeviceFamily family) {
        return parsers.containsKey(family);
    }

    public ParseResult parse(DeviceFamily family, JsonNode payload, String topic, Instant receivedAt) {
        PayloadParser parser = parsers.get(family);
        if (parser == null) {
            return ParseResult.invalid("family", "device family " + family + " is not supported");
        }
        return parser.parse(payload, topic, receivedAt);
    }

    public ParseResult parse(IngestRecord record) {
        return parse(record.family(), record.payload(), record.topic(), record.receivedInstant());
    }
}
