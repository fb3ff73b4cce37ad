package org.mfc.fhir.core.parse;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.json.PayloadLimits;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.FieldProblem;

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

    /**
     * The message's bounds ({@link PayloadLimits}) first, so no parser ever works on an over-sized or over-precise
     * input; then the family's parser.
     */
    public ParseResult parse(DeviceFamily family, JsonNode payload, String topic, Instant receivedAt) {
        PayloadParser parser = parsers.get(family);
        if (parser == null) {
            return ParseResult.invalid("family", "device family " + family + " is not supported");
        }
        if (payload == null) {
            return ParseResult.invalid("$", "must be a JSON object");
        }
        if (topic != null && topic.length() > PayloadLimits.MAX_IDENTIFIER_LENGTH) {
            return ParseResult.invalid("topic", "must be at most " + PayloadLimits.MAX_IDENTIFIER_LENGTH
                    + " characters");
        }
        List<FieldProblem> outOfBounds = PayloadLimits.check(payload);
        if (!outOfBounds.isEmpty()) {
            return ParseResult.invalid(outOfBounds);
        }
        try {
            return parser.parse(payload, topic, receivedAt);
        } catch (Fields.AmbiguousKey e) {
            return ParseResult.invalid(e.key(), "is sent more than once in different letter cases ("
                    + e.getMessage() + "); send it once");
        }
    }

    public ParseResult parse(IngestRecord record) {
        return parse(record.family(), record.payload(), record.topic(), record.receivedInstant());
    }
}
