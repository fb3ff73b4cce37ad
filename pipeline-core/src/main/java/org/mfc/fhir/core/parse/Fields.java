package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.mfc.fhir.core.json.PayloadLimits;
import org.mfc.fhir.core.model.FieldProblem;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Lenient-but-exact field access shared by the parsers: key case variants ({@code PR}/{@code pr},
 * {@code Temp}/{@code temp}) are one key, numbers may arrive as numeric strings, and anything else that is not a
 * number is a problem naming the field, never a silent zero.
 */
public final class Fields {

    private Fields() {
    }

    /**
     * The member named {@code name} in any letter case, or null. Two members that are the same key in different
     * letter cases ({@code bp_high} and {@code BP_HIGH}) are ambiguous, like a duplicated key: {@link AmbiguousKey}
     * is thrown, and the message is refused naming the key ({@link Parsers}), never read as one of them.
     */
    public static JsonNode get(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode found = null;
        String foundKey = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                if (found != null) {
                    throw new AmbiguousKey(foundKey, e.getKey());
                }
                found = e.getValue();
                foundKey = e.getKey();
            }
        }
        return found;
    }

    /** A key sent twice in different letter cases; its message is refused (the names are keys, never values). */
    public static final class AmbiguousKey extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String first;

        AmbiguousKey(String first, String second) {
            super(first + " and " + second + " are one key in two letter cases", null, false, false);
            this.first = first;
        }

        public String key() {
            return first;
        }
    }

    /** Text of a string or number member, trimmed; null when absent, JSON null or not a scalar. */
    public static String text(JsonNode object, String name) {
        JsonNode n = get(object, name);
        if (n == null || n.isNull() || !n.isValueNode()) {
            return null;
        }
        String t = n.asText().strip();
        return t.isEmpty() ? null : t;
    }

    /**
     * A decimal from a number or a numeric string. Absent, null, {@code ""} and {@code "null"} mean "not measured"
     * and give null; anything else that is not a finite number within {@link PayloadLimits}' scale and precision
     * adds a problem at {@code path} and gives null ({@link PayloadLimits#bounded}), so every later stage works on a
     * value of bounded size.
     */
    public static BigDecimal decimal(JsonNode object, String name, String path, List<FieldProblem> problems) {
        JsonNode n = get(object, name);
        if (n == null || n.isNull()) {
            return null;
        }
        BigDecimal v = null;
        if (n.isNumber()) {
            v = n.decimalValue();
        } else if (n.isTextual()) {
            String t = n.asText().strip();
            if (t.isEmpty() || t.equalsIgnoreCase("null")) {
                return null;
            }
            try {
                if (t.length() <= PayloadLimits.MAX_NUMBER_LENGTH) {
                    v = new BigDecimal(t);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        if (v == null) {
            problems.add(new FieldProblem(path, "must be a number or a numeric string"));
            return null;
        }
        BigDecimal bounded = PayloadLimits.bounded(v);
        if (bounded == null) {
            problems.add(new FieldProblem(path, PayloadLimits.decimalBoundsReason()));
        }
        return bounded;
    }

    /** Epoch seconds (number or numeric string) as an Instant; a problem at {@code path} when not an integer. */
    public static Instant epochSeconds(JsonNode object, String name, String path, List<FieldProblem> problems) {
        JsonNode n = get(object, name);
        if (n == null || n.isNull()) {
            problems.add(new FieldProblem(path, "is required (epoch seconds)"));
            return null;
        }
        int before = problems.size();
        BigDecimal v = decimal(object, name, path, problems);
        if (v == null) {
            if (problems.size() == before) {
                problems.add(new FieldProblem(path, "is required (epoch seconds)"));
            }
            return null;
        }
        try {
            long seconds = v.longValueExact();
            return Instant.ofEpochSecond(seconds);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            problems.add(new FieldProblem(path, "must be whole epoch seconds"));
            return null;
        }
    }
}
