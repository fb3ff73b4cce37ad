package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.mfc.fhir.core.model.FieldProblem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The position a watch attaches to an SOS or a fall (devices.md section 2), reduced to a known shape before it
 * goes anywhere: {@code GPS{latitude, longitude, speed, header}} as numbers (coordinates in range),
 * {@code WiFi} as text, {@code LBS{MCC, MNC, LAC, CID}} as the watch sent them (text as text, leading zeros kept; a
 * JSON whole number as a whole number). The member names are the ones the legacy
 * application reads, written by us: no member name a device chose ever reaches MongoDB. A part that does not fit is
 * left out; an emergency is never refused over its location.
 */
final class AlertLocation {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] GPS_NUMBERS = {"latitude", "longitude", "speed", "header"};
    private static final String[] LBS_FIELDS = {"MCC", "MNC", "LAC", "CID"};
    /** Larger than any cell code (a 28-bit LTE cell id), well within a long. */
    private static final BigDecimal MAX_CELL_CODE = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final int MAX_CELL_CODE_LENGTH = 32;

    private AlertLocation() {
    }

    /** The known parts of {@code location}; a scalar is kept as text; null when nothing usable is there. */
    static JsonNode of(JsonNode location) {
        if (location == null || location.isNull()) {
            return null;
        }
        if (location.isValueNode()) {
            String text = location.asText().strip();
            return text.isEmpty() ? null : TextNode.valueOf(text);
        }
        if (!location.isObject()) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        ObjectNode gps = gps(Fields.get(location, "GPS"));
        if (gps != null) {
            out.set("GPS", gps);
        }
        String wifi = Fields.text(location, "WiFi");
        if (wifi != null) {
            out.put("WiFi", wifi);
        }
        ObjectNode lbs = lbs(Fields.get(location, "LBS"));
        if (lbs != null) {
            out.set("LBS", lbs);
        }
        return out.isEmpty() ? null : out;
    }

    private static ObjectNode gps(JsonNode gps) {
        if (gps == null || !gps.isObject()) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        for (String name : GPS_NUMBERS) {
            BigDecimal v = number(gps, name);
            if (v != null && inRange(name, v)) {
                out.put(name, v.doubleValue());
            }
        }
        // A position needs both coordinates.
        if (!(out.has("latitude") && out.has("longitude"))) {
            out.remove("latitude");
            out.remove("longitude");
        }
        return out.isEmpty() ? null : out;
    }

    private static ObjectNode lbs(JsonNode lbs) {
        if (lbs == null || !lbs.isObject()) {
            return null;
        }
        ObjectNode out = NODES.objectNode();
        for (String name : LBS_FIELDS) {
            // Cell codes are identifiers: "03" and "0005678" keep their zeros, a whole number stays whole.
            JsonNode v = Fields.get(lbs, name);
            if (v != null && v.canConvertToExactIntegral() && v.isNumber()) {
                BigDecimal whole = v.decimalValue();
                if (whole.abs().compareTo(MAX_CELL_CODE) <= 0) {
                    out.put(name, whole.longValueExact());
                }
            } else {
                String text = Fields.text(lbs, name);
                if (text != null && text.length() <= MAX_CELL_CODE_LENGTH) {
                    out.put(name, text);
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static BigDecimal number(JsonNode object, String name) {
        List<FieldProblem> ignored = new ArrayList<>(1);
        return Fields.decimal(object, name, name, ignored);
    }

    private static boolean inRange(String name, BigDecimal v) {
        double d = v.doubleValue();
        return switch (name) {
            case "latitude" -> d >= -90 && d <= 90;
            case "longitude" -> d >= -180 && d <= 180;
            default -> Double.isFinite(d);
        };
    }
}
