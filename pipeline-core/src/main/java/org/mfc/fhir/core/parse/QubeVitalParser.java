package org.mfc.fhir.core.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.mfc.fhir.core.ids.CitizenIds;
import org.mfc.fhir.core.ids.Identifiers;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.PatientHint;
import org.mfc.fhir.core.model.Reading;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Qube-Vital HV01 kiosk messages (devices.md section 3): one flat {@code reportAttribute} reading per message,
 * timed by {@code time} and carrying the measured patient's demographics; {@code HB_Msg}/{@code reportMsg} are
 * device status. The BLE model rows are in {@link DeviceModels}.
 */
public final class QubeVitalParser implements PayloadParser {

    public static final String MODEL = "Qube-Vital HV01";
    private static final Pattern CITIZEN_ID = Pattern.compile("[0-9]{13}");
    private static final int BUDDHIST_ERA_OFFSET = 543;

    private final DeviceTimeRule timeRule;

    public QubeVitalParser() {
        this(DeviceTimeRule.DEFAULT);
    }

    public QubeVitalParser(DeviceTimeRule timeRule) {
        this.timeRule = timeRule;
    }

    @Override
    public ParseResult parse(JsonNode payload, String topic, Instant receivedAt) {
        if (payload == null || !payload.isObject()) {
            return ParseResult.invalid("$", "must be a JSON object");
        }
        List<FieldProblem> problems = new ArrayList<>();
        Optional<String> mac = Identifiers.mac(Fields.text(payload, "mac"));
        if (mac.isEmpty()) {
            problems.add(new FieldProblem("mac", "is required: the kiosk MAC (12 hex digits, separators optional)"));
        }
        String type = Fields.text(payload, "type");
        if (type == null) {
            problems.add(new FieldProblem("type", "is required"));
            return ParseResult.invalid(problems);
        }
        if (!problems.isEmpty()) {
            return ParseResult.invalid(problems);
        }
        DeviceIdentity kiosk = new DeviceIdentity(IdType.BOX_MAC, mac.get(), MODEL);
        if (type.equals("HB_Msg") || type.equals("reportMsg")) {
            return new ParseResult(MessageClass.DEVICE_STATUS, kiosk, List.of(), List.of(), List.of());
        }
        if (!type.equals("reportAttribute")) {
            return ParseResult.invalid("type", "must be reportAttribute, HB_Msg or reportMsg");
        }
        JsonNode data = Fields.get(payload, "data");
        if (data == null || !data.isObject()) {
            return ParseResult.invalid("data", "is required and must be an object");
        }
        String attribute = Fields.text(data, "attribute");
        Optional<DeviceModels.Model> model = DeviceModels.find(DeviceFamily.QUBE_VITAL, attribute);
        if (model.isEmpty()) {
            problems.add(new FieldProblem("data.attribute",
                    attribute == null ? "is required" : "is not a known Qube-Vital device attribute"));
        }
        Optional<String> ble = Identifiers.mac(Fields.text(data, "ble_mac"));
        if (ble.isEmpty()) {
            problems.add(new FieldProblem("data.ble_mac", "is required: 12 hex digits, separators optional"));
        }
        JsonNode value = Fields.get(data, "value");
        if (value == null || !value.isObject()) {
            problems.add(new FieldProblem("data.value", "is required and must be an object"));
        }
        Instant time = Fields.epochSeconds(payload, "time", "time", problems);
        if (time != null) {
            timeRule.accepts(time, receivedAt, "time", problems);
        }
        PatientHint hint = patientHint(payload, LocalDate.ofInstant(receivedAt, ThaiTime.ZONE), problems);
        if (!problems.isEmpty()) {
            return ParseResult.invalid(problems);
        }
        ModelValues.Extracted extracted = ModelValues.read(model.get(), value, "data.value", problems);
        if (!problems.isEmpty()) {
            return ParseResult.invalid(problems);
        }
        DeviceIdentity device = new DeviceIdentity(IdType.BLE_MAC, ble.get(), model.get().displayName());
        Reading reading = new Reading(DeviceFamily.QUBE_VITAL, model.get().kindFor(extracted.details()), device,
                kiosk, hint, time, null, extracted.values(), extracted.details());
        // An impossible pulse or perfusion index beside the reading's own value is refused alone.
        List<FieldProblem> secondary = new ArrayList<>();
        reading = PossibleValues.withoutImpossibleSecondary(reading, extracted.fields(), secondary);
        if (!PossibleValues.check(reading, extracted.fields(), problems)) {
            return ParseResult.invalid(problems);
        }
        if (!secondary.isEmpty()) {
            return ParseResult.ofItems(kiosk, List.of(reading), secondary.stream()
                    .map(v -> new ParseResult.RefusedItem(v.field(), List.of(v))).toList());
        }
        return new ParseResult(MessageClass.READINGS, kiosk, List.of(reading), List.of(), List.of());
    }

    /**
     * The patient's demographics. {@code citiz} is the patient key and required; names and birth date only serve to
     * create a walk-in patient, so an unreadable one is left out rather than refusing the measurement.
     */
    /** @param today the kiosk's day: a birth date after it is no birth date */
    static PatientHint patientHint(JsonNode payload, LocalDate today, List<FieldProblem> problems) {
        // The printed form's dashes and spaces are not part of the id (devices.md: drop separators before matching).
        String citizenId = CitizenIds.normalise(Fields.text(payload, "citiz"));
        if (citizenId == null || !CITIZEN_ID.matcher(citizenId).matches()) {
            problems.add(new FieldProblem("citiz", "is required: the 13-digit citizen id"));
            return null;
        }
        if (!CitizenIds.valid(citizenId)) {
            problems.add(new FieldProblem("citiz", "is not a valid citizen id: its check digit is wrong"));
            return null;
        }
        String[] name = nameParts(Fields.text(payload, "nameTH"));
        if (name == null) {
            name = nameParts(Fields.text(payload, "nameEN"));
        }
        return new PatientHint(citizenId, name == null ? null : name[0], name == null ? null : name[1],
                name == null ? null : name[2], birthDate(Fields.text(payload, "brith"), today),
                gender(Fields.text(payload, "gender")));
    }

    /**
     * {@code title#first#middle#last}: title, first name and last name (the middle name is not kept). Blank parts
     * are null; null when the whole name is blank.
     */
    static String[] nameParts(String raw) {
        if (raw == null) {
            return null;
        }
        String[] parts = raw.split("#", -1);
        String title = part(parts, 0);
        String first = part(parts, 1);
        String last = parts.length > 3 ? part(parts, parts.length - 1) : part(parts, 2);
        if (title == null && first == null && last == null) {
            return null;
        }
        return new String[] {title, first, last};
    }

    private static String part(String[] parts, int i) {
        if (i >= parts.length) {
            return null;
        }
        String p = parts[i].strip();
        return p.isEmpty() ? null : p;
    }

    /**
     * {@code brith} (sic): {@code YYYYMMDD} in the Buddhist Era, in FHIR date form. Thai cards write {@code 00} for
     * an unknown month or day: the year (and month) are kept ({@code 1979}, {@code 1979-07}). Null when absent, not
     * a date, or after {@code today} (a card misread, or a Gregorian year taken for a Buddhist one).
     */
    static String birthDate(String brith, LocalDate today) {
        if (brith == null || !brith.matches("[0-9]{8}")) {
            return null;
        }
        int year = Integer.parseInt(brith.substring(0, 4)) - BUDDHIST_ERA_OFFSET;
        int month = Integer.parseInt(brith.substring(4, 6));
        int day = Integer.parseInt(brith.substring(6, 8));
        if (year < 1800 || year > today.getYear()) {
            return null;
        }
        try {
            if (month == 0) {
                return day == 0 ? String.format(Locale.ROOT, "%04d", year) : null;
            }
            if (day == 0) {
                YearMonth ym = YearMonth.of(year, month);
                return ym.isAfter(YearMonth.from(today)) ? null : ym.toString();
            }
            LocalDate date = LocalDate.of(year, month, day);
            return date.isAfter(today) ? null : date.toString();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@code "1"} male, {@code "0"} female, anything else unknown (FHIR administrative-gender codes). */
    static String gender(String raw) {
        if ("1".equals(raw)) {
            return "male";
        }
        if ("0".equals(raw)) {
            return "female";
        }
        return "unknown";
    }
}
