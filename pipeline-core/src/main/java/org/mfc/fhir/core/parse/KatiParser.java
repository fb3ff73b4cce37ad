package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
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
import org.mfc.fhir.core.model.ReadingDetails;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Kati watch messages (devices.md section 2). The topic comes from the request path ({@code /api/v1/kati/{topic}})
 * because the watch's MQTT topic is not part of its body. Every vital present in a {@code VitalSign} or in an
 * {@code AP55} item becomes its own reading; {@code hb} with a step count is the day's cumulative steps; a
 * {@code sleepdata} with a {@code sleep} object is one night; SOS and fall are alerts; the rest is device status.
 */
public final class KatiParser implements PayloadParser {

    public static final String MODEL = "Kati Watch";

    /** The topics a watch publishes; matched in any letter case ({@code SOS} and {@code sos} both occur). */
    public enum Topic {
        VITAL_SIGN("VitalSign"), AP55("AP55"), HB("hb"), SLEEP_DATA("sleepdata"), LOCATION("location"),
        SOS("SOS"), FALL_DOWN("fallDown"), ONLINE_TRIGGER("onlineTrigger");

        public final String wireName;

        Topic(String wireName) {
            this.wireName = wireName;
        }

        public static Optional<Topic> of(String name) {
            // Surrounding spaces are tolerated; control characters (a line feed or NUL in the path segment) are not.
            if (name == null || name.chars().anyMatch(Character::isISOControl)) {
                return Optional.empty();
            }
            for (Topic t : values()) {
                if (t.wireName.equalsIgnoreCase(name.strip())) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    /** {@code timeStamps}: {@code DD/MM/YYYY HH:MM:SS}, UTC. Single-digit day, month and hour are tolerated. */
    /** A night's minutes all come from the pattern. */
    private static final Map<String, String> SLEEP_FIELDS = Map.of(MeasurementKind.VALUE, "sleep.data", "deep",
            "sleep.data", "light", "sleep.data");
    private static final DateTimeFormatter TIME_STAMPS = DateTimeFormatter.ofPattern("d/M/uuuu H:mm:ss", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    private final DeviceTimeRule timeRule;

    public KatiParser() {
        this(DeviceTimeRule.DEFAULT);
    }

    public KatiParser(DeviceTimeRule timeRule) {
        this.timeRule = timeRule;
    }

    @Override
    public ParseResult parse(JsonNode payload, String topicName, Instant receivedAt) {
        if (payload == null || !payload.isObject()) {
            return ParseResult.invalid("$", "must be a JSON object");
        }
        Optional<Topic> topic = Topic.of(topicName);
        if (topic.isEmpty()) {
            return ParseResult.invalid("topic", "is not a Kati topic (VitalSign, AP55, hb, sleepdata, location, SOS,"
                    + " fallDown, onlineTrigger)");
        }
        List<FieldProblem> problems = new ArrayList<>();
        Optional<String> imei = Identifiers.imei(Fields.text(payload, "IMEI"));
        if (imei.isEmpty()) {
            problems.add(new FieldProblem("IMEI", "is required: the watch's 15-digit IMEI"));
            return ParseResult.invalid(problems);
        }
        DeviceIdentity watch = new DeviceIdentity(IdType.IMEI, imei.get(), MODEL);
        Context c = new Context(watch, receivedAt, problems, timeRule);
        ParseResult result = switch (topic.get()) {
            case VITAL_SIGN -> vitalSign(payload, c);
            case AP55 -> ap55(payload, c);
            case HB -> heartbeat(payload, c);
            case SLEEP_DATA -> sleep(payload, c);
            case LOCATION -> location(payload, c);
            case SOS -> alert(payload, c, "sos", "CRITICAL");
            case FALL_DOWN -> alert(payload, c, "fall_down", "HIGH");
            case ONLINE_TRIGGER -> status(c);
        };
        return problems.isEmpty() ? result : ParseResult.invalid(problems);
    }

    private record Context(DeviceIdentity watch, Instant receivedAt, List<FieldProblem> problems,
            DeviceTimeRule timeRule) {

        /** The same message, collecting one item's problems apart. */
        Context item(List<FieldProblem> itemProblems) {
            return new Context(watch, receivedAt, itemProblems, timeRule);
        }
    }

    private static ParseResult readings(Context c, List<Reading> readings) {
        return readings.isEmpty() ? status(c)
                : new ParseResult(MessageClass.READINGS, c.watch(), readings, List.of(), List.of());
    }

    private static ParseResult status(Context c) {
        return new ParseResult(MessageClass.DEVICE_STATUS, c.watch(), List.of(), List.of(), List.of());
    }

    /**
     * One spot measurement; a {@code VitalSign} without any vital is only battery and signal: device status. Each
     * vital is a measurement of its own: an impossible one (a heart rate of 0 when the watch did not catch it) is
     * refused alone, named in the answer, and the others are stored; the message is refused when none is left.
     */
    private static ParseResult vitalSign(JsonNode payload, Context c) {
        int before = c.problems().size();
        List<Reading> readings = new ArrayList<>();
        List<ParseResult.RefusedItem> refused = new ArrayList<>();
        Instant time = null;
        if (hasAnyVital(payload)) {
            time = timeStamps(payload, "timeStamps", "timeStamps", c, true);
        }
        vitals(payload, "", time, c, readings, refused);
        if (c.problems().size() > before) {
            return null;
        }
        return refused.isEmpty() ? readings(c, readings) : ParseResult.ofItems(c.watch(), readings, refused);
    }

    /**
     * The hourly batch: one reading per vital per item, each timed by its item's epoch {@code timestamp}, or by the
     * message's {@code timeStamps} when the item has none (said so on its resources). A bad item is refused alone;
     * the message is refused only when no item is acceptable.
     */
    private static ParseResult ap55(JsonNode payload, Context c) {
        JsonNode data = Fields.get(payload, "data");
        if (data == null || !data.isArray()) {
            c.problems().add(new FieldProblem("data", "is required and must be an array"));
            return null;
        }
        if (data.size() > ParseResult.MAX_ITEMS) {
            c.problems().add(new FieldProblem("data", "holds at most " + ParseResult.MAX_ITEMS + " items"));
            return null;
        }
        List<Reading> readings = new ArrayList<>();
        List<ParseResult.RefusedItem> refused = new ArrayList<>();
        Instant messageTime = null;
        boolean messageTimeRead = false;
        for (int i = 0; i < data.size(); i++) {
            String path = "data[" + i + "]";
            JsonNode item = data.get(i);
            List<FieldProblem> itemProblems = new ArrayList<>();
            Context ic = c.item(itemProblems);
            if (!item.isObject()) {
                itemProblems.add(new FieldProblem(path, "must be an object"));
                refused.add(new ParseResult.RefusedItem(path, itemProblems));
                continue;
            }
            Instant time = null;
            boolean fromMessage = false;
            if (hasAnyVital(item)) {
                JsonNode stamp = Fields.get(item, "timestamp");
                if (stamp == null || stamp.isNull()) {
                    if (!messageTimeRead) {
                        messageTime = timeStamps(payload, "timeStamps", "timeStamps", c.item(new ArrayList<>()),
                                false);
                        messageTimeRead = true;
                    }
                    time = messageTime;
                    fromMessage = true;
                    if (time == null) {
                        itemProblems.add(new FieldProblem(path + ".timestamp", "is required (epoch seconds); the "
                                + "message has no usable timeStamps either"));
                    }
                } else {
                    time = Fields.epochSeconds(item, "timestamp", path + ".timestamp", itemProblems);
                    if (time != null && !c.timeRule().accepts(time, c.receivedAt(), path + ".timestamp",
                            itemProblems)) {
                        time = null;
                    }
                }
            }
            List<Reading> itemReadings = new ArrayList<>();
            List<ParseResult.RefusedItem> itemRefused = new ArrayList<>();
            vitals(item, path + ".", time, ic, itemReadings, itemRefused);
            if (!itemProblems.isEmpty()) {
                refused.add(new ParseResult.RefusedItem(path, itemProblems));
                continue;
            }
            refused.addAll(itemRefused);
            for (Reading r : itemReadings) {
                readings.add(fromMessage ? withDetail(r, ReadingDetails.TIME_SOURCE,
                        ReadingDetails.TIME_FROM_MESSAGE) : r);
            }
        }
        if (readings.isEmpty() && refused.isEmpty()) {
            return status(c);
        }
        return ParseResult.ofItems(c.watch(), readings, refused);
    }

    private static Reading withDetail(Reading r, String key, String value) {
        Map<String, String> details = new java.util.LinkedHashMap<>(r.details());
        details.put(key, value);
        return new Reading(r.family(), r.kind(), r.device(), r.gateway(), r.patientHint(), r.deviceTime(),
                r.periodEnd(), r.values(), details);
    }

    /** Heartbeat; with {@code step} it carries the day's cumulative step count (Thai local day). */
    private static ParseResult heartbeat(JsonNode payload, Context c) {
        int before = c.problems().size();
        BigDecimal steps = Fields.decimal(payload, "step", "step", c.problems());
        if (steps == null) {
            return c.problems().size() > before ? null : status(c);
        }
        Instant time = timeStamps(payload, "timeStamps", "timeStamps", c, true);
        if (time == null) {
            return null;
        }
        Instant dayStart = ThaiTime.startOfDay(time);
        Reading daily = new Reading(DeviceFamily.KATI, MeasurementKind.STEPS, c.watch(), null, null, dayStart,
                dayStart.plus(java.time.Duration.ofDays(1)), Map.of(MeasurementKind.VALUE, steps), Map.of());
        // Refused here, naming the field, rather than accepted and then dead-lettered by the mapper's same bound.
        if (!PossibleValues.check(daily, Map.of(MeasurementKind.VALUE, "step"), c.problems())) {
            return null;
        }
        return readings(c, List.of(daily));
    }

    /** One night; a {@code sleepdata} without a {@code sleep} object is a heartbeat-like status message. */
    private static ParseResult sleep(JsonNode payload, Context c) {
        JsonNode sleep = Fields.get(payload, "sleep");
        if (sleep == null || sleep.isNull()) {
            return status(c);
        }
        if (!sleep.isObject()) {
            c.problems().add(new FieldProblem("sleep", "must be an object"));
            return null;
        }
        Instant stamp = timeStamps(sleep, "timeStamps", "sleep.timeStamps", c, true);
        String window = Fields.text(sleep, "time");
        String pattern = Fields.text(sleep, "data");
        if (pattern == null) {
            c.problems().add(new FieldProblem("sleep.data", "is required: one digit per 5 minutes"));
        } else if (SleepPattern.problem(pattern) != null) {
            c.problems().add(new FieldProblem("sleep.data", SleepPattern.problem(pattern)));
            pattern = null;
        }
        Optional<SleepWindow> w = SleepWindow.parse(window);
        if (w.isEmpty()) {
            c.problems().add(new FieldProblem("sleep.time", "is required as HHMM@HHMM (Thai local window)"));
        }
        if (stamp == null || pattern == null || w.isEmpty()) {
            return null;
        }
        SleepWindow.Night nightOf = w.get().nightOf(stamp);
        if (!c.timeRule().accepts(nightOf.start(), c.receivedAt(), "sleep.time", c.problems())) {
            return null;
        }
        SleepPattern.Minutes minutes = SleepPattern.count(pattern);
        Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("sleep_data", pattern);
        details.put("sleep_time", window);
        String num = Fields.text(sleep, "num");
        if (num != null) {
            details.put("sleep_num", num);
        }
        // The legacy application's time zone, not the watch's UTC (docs/decisions.md, "sleep_timestamp").
        details.put("sleep_timestamp", ThaiTime.legacyStamp(stamp));
        Map<String, BigDecimal> values = Map.of(MeasurementKind.VALUE, BigDecimal.valueOf(minutes.asleep()),
                "deep", BigDecimal.valueOf(minutes.deep()), "light", BigDecimal.valueOf(minutes.light()));
        Reading night = new Reading(DeviceFamily.KATI, MeasurementKind.SLEEP, c.watch(), null, null,
                nightOf.start(), nightOf.end(), values, details);
        // The worker refuses a night past the possible range (more sleep than a day holds): so does the API.
        if (!PossibleValues.check(night, SLEEP_FIELDS, c.problems())) {
            return null;
        }
        return readings(c, List.of(night));
    }

    /** Position only: device status. GPS coordinates must be numbers when given (numeric strings, "" and "null" ok). */
    private static ParseResult location(JsonNode payload, Context c) {
        JsonNode gps = Fields.get(Fields.get(payload, "location"), "GPS");
        if (gps != null && gps.isObject()) {
            for (String axis : new String[] {"latitude", "longitude"}) {
                Fields.decimal(gps, axis, "location.GPS." + axis, c.problems());
            }
        }
        return status(c);
    }

    /**
     * SOS and fall. An emergency is never refused over its clock: the time is {@code timeStamps} when present and
     * plausible, else the receipt time. It needs the watch's {@code status}; its type and priority come from the
     * topic, as in the legacy {@code emergency_alarm} (the status is kept in {@code alert_data.status}, so a "not
     * worn" alarm on {@code sos} stays distinguishable).
     */
    private static ParseResult alert(JsonNode payload, Context c, String type, String priority) {
        Instant time = c.receivedAt();
        List<FieldProblem> timeProblems = new ArrayList<>();
        Instant stamp = timeStamps(payload, "timeStamps", "timeStamps",
                c.item(timeProblems), false);
        if (stamp != null && timeProblems.isEmpty()) {
            time = stamp;
        }
        String status = Fields.text(payload, "status");
        if (status == null) {
            // The topic alone is no alarm: a body without the watch's status (a VitalSign body sent here, say)
            // would otherwise raise an emergency and lose the vitals it carries.
            c.problems().add(new FieldProblem("status", "is required on an alarm topic: the watch's alarm status "
                    + "(\"SOS\", \"FALL DOWN\", or the status of another alarm the watch raises on sos)"));
            return ParseResult.invalid(c.problems());
        }
        AlertEvent event = new AlertEvent(c.watch(), type, status, priority, time,
                AlertLocation.of(Fields.get(payload, "location")));
        return new ParseResult(MessageClass.ALERT, c.watch(), List.of(), List.of(event), List.of());
    }

    private static boolean hasAnyVital(JsonNode object) {
        for (String key : new String[] {"heartRate", "bloodPressure", "bodyTemperature", "spO2"}) {
            JsonNode n = Fields.get(object, key);
            if (n != null && !n.isNull() && !(n.isTextual() && isBlank(n.asText()))
                    && !(n.isObject() && n.isEmpty())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBlank(String s) {
        return s.isBlank() || s.strip().equalsIgnoreCase("null");
    }

    /**
     * Every vital present in {@code object} becomes a reading at {@code time} (null when time was refused). The
     * watch's temperature is skin temperature at the wrist and its blood pressure a cuffless estimate there. A value
     * that is not a number is a problem of the message ({@code c}); a physiologically impossible vital is refused
     * alone ({@code refused}, at its field), the others kept.
     */
    private static void vitals(JsonNode object, String path, Instant time, Context c, List<Reading> out,
            List<ParseResult.RefusedItem> refused) {
        List<FieldProblem> p = c.problems();
        BigDecimal heartRate = Fields.decimal(object, "heartRate", path + "heartRate", p);
        BigDecimal temperature = Fields.decimal(object, "bodyTemperature", path + "bodyTemperature", p);
        BigDecimal spo2 = Fields.decimal(object, "spO2", path + "spO2", p);
        Map<String, BigDecimal> bp = bloodPressure(Fields.get(object, "bloodPressure"), path + "bloodPressure", p);
        if (time == null) {
            return;
        }
        Map<String, String> wrist = Map.of(ReadingDetails.SITE, ReadingDetails.WRIST);
        if (heartRate != null) {
            add(reading(MeasurementKind.HEART_RATE, c, time, Map.of(MeasurementKind.VALUE, heartRate), Map.of()),
                    Map.of(MeasurementKind.VALUE, path + "heartRate"), refused, out);
        }
        if (bp != null) {
            add(reading(MeasurementKind.BLOOD_PRESSURE, c, time, bp, Map.of(ReadingDetails.METHOD,
                    ReadingDetails.CUFFLESS, ReadingDetails.SITE, ReadingDetails.WRIST)),
                    Map.of("systolic", path + "bloodPressure.bp_sys", "diastolic", path + "bloodPressure.bp_dia"),
                    refused, out);
        }
        if (temperature != null) {
            add(reading(MeasurementKind.SKIN_TEMPERATURE, c, time, Map.of(MeasurementKind.VALUE, temperature), wrist),
                    Map.of(MeasurementKind.VALUE, path + "bodyTemperature"), refused, out);
        }
        if (spo2 != null) {
            add(reading(MeasurementKind.SPO2, c, time, Map.of(MeasurementKind.VALUE, spo2), Map.of()),
                    Map.of(MeasurementKind.VALUE, path + "spO2"), refused, out);
        }
    }

    /** Adds {@code r} when every value is possible; otherwise refuses it alone, at its (first) field. */
    private static void add(Reading r, Map<String, String> fields, List<ParseResult.RefusedItem> refused,
            List<Reading> out) {
        List<FieldProblem> problems = new ArrayList<>();
        if (PossibleValues.check(r, fields, problems)) {
            out.add(r);
        } else {
            refused.add(new ParseResult.RefusedItem(problems.get(0).field(), problems));
        }
    }

    /** {@code {bp_sys, bp_dia}}: both or neither; a half blood pressure is a problem, not a reading. */
    private static Map<String, BigDecimal> bloodPressure(JsonNode bp, String path, List<FieldProblem> problems) {
        if (bp == null || bp.isNull() || (bp.isTextual() && isBlank(bp.asText()))) {
            return null;
        }
        if (!bp.isObject()) {
            problems.add(new FieldProblem(path, "must be an object {bp_sys, bp_dia}"));
            return null;
        }
        BigDecimal sys = Fields.decimal(bp, "bp_sys", path + ".bp_sys", problems);
        BigDecimal dia = Fields.decimal(bp, "bp_dia", path + ".bp_dia", problems);
        if (sys == null && dia == null) {
            return null;
        }
        if (sys == null || dia == null) {
            problems.add(new FieldProblem(path + (sys == null ? ".bp_sys" : ".bp_dia"),
                    "is required when the other blood-pressure value is present"));
            return null;
        }
        return Map.of("systolic", sys, "diastolic", dia);
    }

    private static Reading reading(MeasurementKind kind, Context c, Instant time, Map<String, BigDecimal> values,
            Map<String, String> details) {
        return new Reading(DeviceFamily.KATI, kind, c.watch(), null, null, time, null, values, details);
    }

    /**
     * A {@code timeStamps} string as an Instant (UTC), checked against the device time rule. {@code required}: a
     * missing value is a problem; otherwise it gives null silently.
     */
    private static Instant timeStamps(JsonNode object, String name, String path, Context c, boolean required) {
        String text = Fields.text(object, name);
        if (text == null) {
            if (required) {
                c.problems().add(new FieldProblem(path, "is required as DD/MM/YYYY HH:MM:SS (UTC)"));
            }
            return null;
        }
        Instant time = parseTimeStamps(text);
        if (time == null) {
            c.problems().add(new FieldProblem(path, "must be DD/MM/YYYY HH:MM:SS (UTC)"));
            return null;
        }
        return c.timeRule().accepts(time, c.receivedAt(), path, c.problems()) ? time : null;
    }

    /** {@code DD/MM/YYYY HH:MM:SS} in UTC, or null when the text is not one. */
    public static Instant parseTimeStamps(String text) {
        try {
            return LocalDateTime.parse(text.strip(), TIME_STAMPS).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
