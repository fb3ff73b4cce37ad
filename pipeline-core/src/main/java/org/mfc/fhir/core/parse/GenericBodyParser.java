package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.mfc.fhir.core.ids.Identifiers;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The old API's normalised body {@code {timestamp, device_id, type, data}} (devices.md section 4), posted on the old
 * per-family paths. The topic names the family the path was for ({@code AVA4}, {@code KATI}, {@code QUBE_VITAL}),
 * which decides what {@code device_id} is: the AVA4 box MAC, the Kati IMEI or the Qube kiosk MAC. Readings carry
 * that family (so legacy {@code *_source} and patient resolution follow the real device) and the device itself as
 * the measuring device, without a gateway. {@code type} is matched in any letter case.
 *
 * <p>{@code data} keys per type (the one table below): {@code BLOOD_PRESSURE} systolic, diastolic, pulse;
 * {@code BLOOD_SUGAR} blood_glucose, marker; {@code SPO2} spo2, pulse, pi; {@code TEMPERATURE} temperature, mode;
 * {@code WEIGHT} weight, resistance, and optionally height and bmi; {@code HEART_RATE} heart_rate; {@code STEPS}
 * steps (the day's count, for the Thai local day of {@code timestamp}); {@code SLEEP} sleep_data (one digit per
 * 5 minutes, as the watch sends) and sleep_time ({@code HHMM@HHMM}), optionally sleep_num; {@code CREATININE}
 * creatinine; {@code LIPID} at least one of total_cholesterol, ldl, hdl, triglycerides.
 */
public final class GenericBodyParser implements PayloadParser {

    /** One measurement a type can carry; {@code required} parts must be present, optional ones when given. */
    private record Part(DeviceModels.Model model, boolean required) {
    }

    private static final Map<String, List<Part>> TYPES = Map.ofEntries(
            type("BLOOD_PRESSURE", required(MeasurementKind.BLOOD_PRESSURE,
                    Map.of("systolic", "systolic", "diastolic", "diastolic", "pulse", "pulse"), Map.of())),
            type("BLOOD_SUGAR", required(MeasurementKind.BLOOD_GLUCOSE, Map.of("blood_glucose", "value"),
                    Map.of("marker", "marker"))),
            type("SPO2", required(MeasurementKind.SPO2, Map.of("spo2", "value", "pulse", "pulse", "pi", "pi"),
                    Map.of())),
            type("TEMPERATURE", required(MeasurementKind.BODY_TEMPERATURE, Map.of("temperature", "value"),
                    Map.of("mode", "mode"))),
            type("WEIGHT", required(MeasurementKind.BODY_WEIGHT, Map.of("weight", "value", "resistance",
                    "resistance"), Map.of()), optional(MeasurementKind.BODY_HEIGHT, "height"),
                    optional(MeasurementKind.BMI, "bmi")),
            type("HEART_RATE", required(MeasurementKind.HEART_RATE, Map.of("heart_rate", "value"), Map.of())),
            type("STEPS", required(MeasurementKind.STEPS, Map.of("steps", "value"), Map.of())),
            type("SLEEP"),
            type("CREATININE", required(MeasurementKind.CREATININE, Map.of("creatinine", "value"), Map.of())),
            type("LIPID", optional(MeasurementKind.LIPID_TOTAL, "total_cholesterol"),
                    optional(MeasurementKind.LIPID_LDL, "ldl"), optional(MeasurementKind.LIPID_HDL, "hdl"),
                    optional(MeasurementKind.TRIGLYCERIDES, "triglycerides")));

    private final DeviceTimeRule timeRule;

    public GenericBodyParser() {
        this(DeviceTimeRule.DEFAULT);
    }

    public GenericBodyParser(DeviceTimeRule timeRule) {
        this.timeRule = timeRule;
    }

    @Override
    public ParseResult parse(JsonNode payload, String topic, Instant receivedAt) {
        if (payload == null || !payload.isObject()) {
            return ParseResult.invalid("$", "must be a JSON object");
        }
        DeviceFamily origin = origin(topic);
        if (origin == null) {
            return ParseResult.invalid("topic", "must name the family of the path: AVA4, KATI or QUBE_VITAL");
        }
        List<FieldProblem> problems = new ArrayList<>();
        DeviceIdentity device = device(origin, Fields.text(payload, "device_id"), problems);
        String typeText = Fields.text(payload, "type");
        String type = typeText == null ? null : typeText.toUpperCase(Locale.ROOT);
        List<Part> parts = type == null ? null : TYPES.get(type);
        if (parts == null) {
            problems.add(new FieldProblem("type", typeText == null ? "is required"
                    : "is not a known type (" + String.join(", ", new java.util.TreeSet<>(TYPES.keySet())) + ")"));
        }
        Instant time = timestamp(payload, problems);
        if (time != null) {
            timeRule.accepts(time, receivedAt, "timestamp", problems);
        }
        JsonNode data = Fields.get(payload, "data");
        if (data == null || !data.isObject()) {
            problems.add(new FieldProblem("data", "is required and must be an object"));
        }
        if (!problems.isEmpty()) {
            return ParseResult.invalid(problems);
        }
        List<FieldProblem> refusedValues = new ArrayList<>();
        List<Reading> readings = type.equals("SLEEP") ? sleep(origin, device, data, time, problems)
                : measurements(origin, device, parts, data, time, problems, refusedValues);
        if (!problems.isEmpty()) {
            return ParseResult.invalid(problems);
        }
        if (!refusedValues.isEmpty()) {
            return ParseResult.ofItems(device, readings, refusedValues.stream()
                    .map(v -> new ParseResult.RefusedItem(v.field(), List.of(v))).toList());
        }
        return new ParseResult(MessageClass.READINGS, device, readings, List.of(), List.of());
    }

    /** @param refusedValues impossible secondary values (a pulse of 0 beside a blood pressure), refused alone */
    private static List<Reading> measurements(DeviceFamily origin, DeviceIdentity device, List<Part> parts,
            JsonNode data, Instant time, List<FieldProblem> problems, List<FieldProblem> refusedValues) {
        List<Reading> readings = new ArrayList<>();
        for (Part part : parts) {
            DeviceModels.Model model = part.model();
            // An optional part is skipped only when none of its values was sent: one that was sent but is not a
            // number ("height": "abc") is read below and refuses the message, never dropped in silence.
            if (!part.required() && model.values().keySet().stream().allMatch(k -> absent(data, k))) {
                continue;
            }
            ModelValues.Extracted x = ModelValues.read(model, data, "data", problems);
            Reading r;
            if (model.kind() == MeasurementKind.STEPS) {
                Instant day = ThaiTime.startOfDay(time);
                r = new Reading(origin, model.kind(), device, null, null, day, day.plus(Duration.ofDays(1)),
                        x.values(), x.details());
            } else {
                r = new Reading(origin, model.kindFor(x.details()), device, null, null, time, null, x.values(),
                        x.details());
            }
            List<FieldProblem> secondary = new ArrayList<>();
            r = PossibleValues.withoutImpossibleSecondary(r, x.fields(), secondary);
            if (PossibleValues.check(r, x.fields(), problems)) {
                readings.add(r);
                refusedValues.addAll(secondary);
            }
        }
        if (readings.isEmpty() && problems.isEmpty()) {
            List<String> keys = parts.stream().flatMap(p -> p.model().values().keySet().stream()).sorted().toList();
            problems.add(new FieldProblem("data", "holds none of " + String.join(", ", keys)));
        }
        return readings;
    }

    /** Not sent: missing, JSON null, or one of the spellings {@link Fields#decimal} reads as "not measured". */
    private static boolean absent(JsonNode data, String key) {
        JsonNode n = Fields.get(data, key);
        return n == null || n.isNull() || (n.isTextual() && (n.asText().isBlank()
                || n.asText().strip().equalsIgnoreCase("null")));
    }

    /** A night in the watch's own form; the body's {@code timestamp} plays the watch's {@code timeStamps}. */
    private static List<Reading> sleep(DeviceFamily origin, DeviceIdentity device, JsonNode data, Instant time,
            List<FieldProblem> problems) {
        String pattern = Fields.text(data, "sleep_data");
        String window = Fields.text(data, "sleep_time");
        Optional<SleepWindow> w = SleepWindow.parse(window);
        if (pattern == null) {
            problems.add(new FieldProblem("data.sleep_data", "is required: one digit per 5 minutes"));
        } else if (SleepPattern.problem(pattern) != null) {
            problems.add(new FieldProblem("data.sleep_data", SleepPattern.problem(pattern)));
        }
        if (w.isEmpty()) {
            problems.add(new FieldProblem("data.sleep_time", "is required as HHMM@HHMM (Thai local window)"));
        }
        if (!problems.isEmpty()) {
            return List.of();
        }
        SleepWindow.Night night = w.get().nightOf(time);
        SleepPattern.Minutes m = SleepPattern.count(pattern);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("sleep_data", pattern);
        details.put("sleep_time", window);
        String num = Fields.text(data, "sleep_num");
        if (num != null) {
            details.put("sleep_num", num);
        }
        details.put("sleep_timestamp", ThaiTime.legacyStamp(time));
        Reading reading = new Reading(origin, MeasurementKind.SLEEP, device, null, null, night.start(), night.end(),
                Map.of(MeasurementKind.VALUE, BigDecimal.valueOf(m.asleep()), "deep", BigDecimal.valueOf(m.deep()),
                        "light", BigDecimal.valueOf(m.light())), details);
        // The worker refuses a night past the possible range (more sleep than a day holds): so does the API.
        if (!PossibleValues.check(reading, Map.of(MeasurementKind.VALUE, "data.sleep_data", "deep",
                "data.sleep_data", "light", "data.sleep_data"), problems)) {
            return List.of();
        }
        return List.of(reading);
    }

    /** The family a generic body was posted for: the topic the API passes along from the path. */
    public static DeviceFamily origin(String topic) {
        if (topic == null) {
            return null;
        }
        return switch (topic.strip().toUpperCase(Locale.ROOT)) {
            case "AVA4" -> DeviceFamily.AVA4;
            case "KATI" -> DeviceFamily.KATI;
            case "QUBE_VITAL" -> DeviceFamily.QUBE_VITAL;
            default -> null;
        };
    }

    private static DeviceIdentity device(DeviceFamily origin, String raw, List<FieldProblem> problems) {
        if (origin == DeviceFamily.KATI) {
            Optional<String> imei = Identifiers.imei(raw);
            if (imei.isEmpty()) {
                problems.add(new FieldProblem("device_id", "is required: the watch's 15-digit IMEI"));
                return null;
            }
            return new DeviceIdentity(IdType.IMEI, imei.get(), KatiParser.MODEL);
        }
        Optional<String> mac = Identifiers.mac(raw);
        if (mac.isEmpty()) {
            problems.add(new FieldProblem("device_id", "is required: the "
                    + (origin == DeviceFamily.AVA4 ? "AVA4 box" : "Qube-Vital kiosk")
                    + " MAC (12 hex digits, separators optional)"));
            return null;
        }
        return new DeviceIdentity(IdType.BOX_MAC, mac.get(), origin == DeviceFamily.AVA4 ? "AVA4"
                : QubeVitalParser.MODEL);
    }

    /** ISO-8601 with an offset ({@code 2024-01-15T10:30:00Z}), or epoch seconds. */
    private static Instant timestamp(JsonNode payload, List<FieldProblem> problems) {
        JsonNode n = Fields.get(payload, "timestamp");
        if (n != null && n.isNumber()) {
            return Fields.epochSeconds(payload, "timestamp", "timestamp", problems);
        }
        String text = Fields.text(payload, "timestamp");
        if (text == null) {
            problems.add(new FieldProblem("timestamp", "is required: ISO-8601 with offset, e.g. 2024-01-15T10:30:00Z"));
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem("timestamp", "must be ISO-8601 with offset, e.g. 2024-01-15T10:30:00Z"));
            return null;
        }
    }

    private static Map.Entry<String, List<Part>> type(String name, Part... parts) {
        return Map.entry(name, List.of(parts));
    }

    private static Part required(MeasurementKind kind, Map<String, String> values, Map<String, String> details) {
        return new Part(DeviceModels.Model.generic(kind, values, details), true);
    }

    private static Part optional(MeasurementKind kind, String key) {
        return new Part(DeviceModels.Model.generic(kind, Map.of(key, MeasurementKind.VALUE), Map.of()), false);
    }

    /** The accepted {@code type} values (upper case). */
    public static java.util.Set<String> types() {
        return TYPES.keySet();
    }
}
