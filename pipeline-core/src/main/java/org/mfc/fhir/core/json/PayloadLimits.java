package org.mfc.fhir.core.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.mfc.fhir.core.model.FieldProblem;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The bounds every device message is held to before any parser looks at it (README, "Input limits"). The ingest API
 * and the worker apply the same check through {@code Parsers}, so a message the API accepted is one the worker can
 * process: nothing accepted can be too big, too deep or too precise for a later stage. Checking is one linear walk
 * of the already-parsed tree; the parser's own stream limits ({@link Json}) bound the tree itself.
 */
public final class PayloadLimits {

    /** Deepest nesting of a device message; real messages nest five levels at most. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Members of one object; the widest real message (a Qube-Vital reading) has about fifteen. */
    public static final int MAX_KEYS_PER_OBJECT = 64;
    /** Length of a member name. */
    public static final int MAX_KEY_LENGTH = 64;
    /** Items of one array ({@code device_list}, an AP55 {@code data} batch); an hour at one item a minute is 60. */
    public static final int MAX_ARRAY_ITEMS = 1_000;
    /**
     * Length of any string value. The longest legitimate one is a Kati sleep pattern (one character per 5 minutes:
     * 288 for a whole day) or the WiFi list of a location message; 4,096 leaves room for both.
     */
    public static final int MAX_STRING_LENGTH = 4_096;
    /** Length of an identifier (MAC, IMEI, ICCID, citizen id, device id) before normalisation. */
    public static final int MAX_IDENTIFIER_LENGTH = 64;
    /** Characters of a JSON number. */
    public static final int MAX_NUMBER_LENGTH = 64;
    /** Decimal places of a measured value, after trailing zeros are dropped. */
    public static final int MAX_DECIMAL_SCALE = 12;
    /** Significant digits of a measured value, after trailing zeros are dropped. */
    public static final int MAX_DECIMAL_PRECISION = 24;
    /** Problems listed for one message before the rest are counted in a last entry. */
    public static final int MAX_PROBLEMS = 100;

    /** Length of a short text value: a type, a marker, a mode, a status, a time stamp, a window, a count. */
    public static final int MAX_SHORT_TEXT_LENGTH = 64;
    /** Length of a person's name ({@code nameTH}, {@code nameEN}: title, first, middle, last). */
    public static final int MAX_NAME_LENGTH = 256;
    /** Length of a sleep pattern: one character per 5 minutes, 48 hours. */
    public static final int MAX_SLEEP_PATTERN_LENGTH = 576;

    /**
     * Tighter bounds for the string members every family uses, by member name in lower case; other strings get
     * {@link #MAX_STRING_LENGTH}. These bounds are what keep a legacy history entry, and so a legacy bucket,
     * bounded in bytes.
     */
    private static final Map<String, Integer> STRING_BOUNDS = Map.ofEntries(
            Map.entry("mac", MAX_IDENTIFIER_LENGTH), Map.entry("devicecode", MAX_IDENTIFIER_LENGTH),
            Map.entry("ble_addr", MAX_IDENTIFIER_LENGTH), Map.entry("ble_mac", MAX_IDENTIFIER_LENGTH),
            Map.entry("imei", MAX_IDENTIFIER_LENGTH), Map.entry("iccid", MAX_IDENTIFIER_LENGTH),
            Map.entry("citiz", MAX_IDENTIFIER_LENGTH), Map.entry("device_id", MAX_IDENTIFIER_LENGTH),
            Map.entry("type", MAX_SHORT_TEXT_LENGTH), Map.entry("attribute", MAX_SHORT_TEXT_LENGTH),
            Map.entry("marker", MAX_SHORT_TEXT_LENGTH), Map.entry("mode", MAX_SHORT_TEXT_LENGTH),
            Map.entry("status", MAX_SHORT_TEXT_LENGTH), Map.entry("gender", MAX_SHORT_TEXT_LENGTH),
            Map.entry("brith", MAX_SHORT_TEXT_LENGTH), Map.entry("time", MAX_SHORT_TEXT_LENGTH),
            Map.entry("timestamp", MAX_SHORT_TEXT_LENGTH), Map.entry("timestamps", MAX_SHORT_TEXT_LENGTH),
            Map.entry("sleep_time", MAX_SHORT_TEXT_LENGTH), Map.entry("num", MAX_SHORT_TEXT_LENGTH),
            Map.entry("sleep_num", MAX_SHORT_TEXT_LENGTH), Map.entry("step_goal", MAX_SHORT_TEXT_LENGTH),
            Map.entry("nameth", MAX_NAME_LENGTH), Map.entry("nameen", MAX_NAME_LENGTH),
            Map.entry("data", MAX_SLEEP_PATTERN_LENGTH), Map.entry("sleep_data", MAX_SLEEP_PATTERN_LENGTH));

    private PayloadLimits() {
    }

    /**
     * Every bound this class names, checked in one walk. Returns at most {@link #MAX_PROBLEMS} problems, each naming
     * the path and the bound, never the value.
     */
    public static List<FieldProblem> check(JsonNode payload) {
        List<FieldProblem> problems = new ArrayList<>();
        walk(payload, "$", "", 0, problems);
        return problems;
    }

    private static void walk(JsonNode node, String path, String name, int depth, List<FieldProblem> problems) {
        if (problems.size() >= MAX_PROBLEMS) {
            return;
        }
        if (depth > MAX_NESTING_DEPTH) {
            problems.add(new FieldProblem(path, "nests deeper than " + MAX_NESTING_DEPTH + " levels"));
            return;
        }
        if (node.isObject()) {
            if (node.size() > MAX_KEYS_PER_OBJECT) {
                problems.add(new FieldProblem(path, "has more than " + MAX_KEYS_PER_OBJECT + " members"));
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.length() > MAX_KEY_LENGTH) {
                    problems.add(new FieldProblem(path, "has a member name longer than " + MAX_KEY_LENGTH
                            + " characters"));
                    continue;
                }
                walk(e.getValue(), child(path, key), key, depth + 1, problems);
            }
        } else if (node.isArray()) {
            if (node.size() > MAX_ARRAY_ITEMS) {
                problems.add(new FieldProblem(path, "has more than " + MAX_ARRAY_ITEMS + " items"));
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", name, depth + 1, problems);
            }
        } else if (node.isTextual()) {
            text(node.textValue(), path, name, problems);
        } else if (node.isNumber()) {
            if (bounded(node.decimalValue()) == null) {
                problems.add(new FieldProblem(path, decimalBoundsReason()));
            }
        }
    }

    private static void text(String value, String path, String name, List<FieldProblem> problems) {
        int limit = STRING_BOUNDS.getOrDefault(name.toLowerCase(Locale.ROOT), MAX_STRING_LENGTH);
        if (value.length() > limit) {
            problems.add(new FieldProblem(path, "must be at most " + limit + " characters"));
            return;
        }
        if (!wellFormed(value)) {
            problems.add(new FieldProblem(path, "holds a control character or an unpaired UTF-16 surrogate"));
        }
    }

    /**
     * True when the text holds no control character other than tab, line feed and carriage return (FHIR's string
     * type allows no other) and no unpaired UTF-16 surrogate (which no encoder downstream, BSON or FHIR JSON,
     * carries faithfully).
     */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
            if (Character.isLowSurrogate(c) || (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The decimal as every later stage can carry it, or null when it is out of bounds: at most
     * {@link #MAX_DECIMAL_SCALE} places and {@link #MAX_DECIMAL_PRECISION} significant digits once trailing zeros are
     * dropped. A value within bounds as written is returned as written ({@code 120}, {@code 36.40}); one that needs
     * its trailing zeros dropped comes back without them ({@code 1E+2} as {@code 100}, {@code 0E-999999999} as
     * {@code 0}), so no stage ever formats an enormous scale.
     */
    public static BigDecimal bounded(BigDecimal v) {
        if (v.signum() == 0) {
            return v.scale() >= 0 && v.scale() <= MAX_DECIMAL_SCALE ? v : BigDecimal.ZERO;
        }
        if (v.scale() >= 0 && v.scale() <= MAX_DECIMAL_SCALE && v.precision() <= MAX_DECIMAL_PRECISION) {
            return v;
        }
        // Enormous exponents are refused before any arithmetic on the value.
        if (v.scale() > MAX_DECIMAL_SCALE + MAX_NUMBER_LENGTH
                || v.scale() < -MAX_DECIMAL_PRECISION - MAX_NUMBER_LENGTH) {
            return null;
        }
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() > MAX_DECIMAL_SCALE || s.precision() - Math.min(s.scale(), 0) > MAX_DECIMAL_PRECISION) {
            return null;
        }
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    public static String decimalBoundsReason() {
        return "must be a number with at most " + MAX_DECIMAL_SCALE + " decimal places and "
                + MAX_DECIMAL_PRECISION + " digits";
    }

    private static String child(String path, String key) {
        String name = key.isBlank() ? "\"" + key + "\"" : key;
        return "$".equals(path) ? name : path + "." + name;
    }
}
