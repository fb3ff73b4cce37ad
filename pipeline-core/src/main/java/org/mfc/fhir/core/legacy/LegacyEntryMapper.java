package org.mfc.fhir.core.legacy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.GlucoseMarker;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.ReadingDetails;
import org.mfc.fhir.core.parse.ThaiTime;

/**
 * Reading to the entry the legacy application reads (legacy-db.md section 2), using the field names of the
 * {@link MeasurementKind} table. Pure: no I/O.
 */
public final class LegacyEntryMapper {

    private static final DateTimeFormatter MONTH_TAG = DateTimeFormatter.ofPattern("MM-yyyy");
    private static final DateTimeFormatter DAY_TAG = DateTimeFormatter.ofPattern("ddMMyyyy");
    /** Entry field of the Thai-local day of a step or sleep entry ({@code DDMMYYYY}). */
    public static final String DAY_TAG_FIELD = LegacyNames.DATE_TAG;
    /** Sleep details the parser passes through verbatim into the legacy entry (legacy-db.md section 2). */
    static final java.util.List<String> SLEEP_DETAILS = java.util.List.of("sleep_data", "sleep_time", "sleep_num",
            "sleep_timestamp");

    /** {@code <prefix>_source}: 1 for a device reading, 2 for a watch (0 is manual entry, never ours). */
    static int source(DeviceFamily family) {
        return family == DeviceFamily.KATI ? 2 : 1;
    }

    /**
     * The legacy entry of a reading, in the legacy field's unit ({@link MeasurementKind.LegacyTarget#toLegacy}); null
     * for a kind the legacy application must not see ({@code legacy} is null: object temperatures).
     */
    public LegacyEntry map(Reading reading, ObjectId patientId, String observationId) {
        MeasurementKind.LegacyTarget target = reading.kind().legacy;
        if (target == null) {
            return null;
        }
        Document entry = new Document();
        for (Map.Entry<String, String> f : target.fields().entrySet()) {
            BigDecimal v = reading.value(f.getKey());
            if (v == null) {
                continue;
            }
            String field = f.getValue();
            if (field.contains("{marker}")) {
                GlucoseMarker marker = GlucoseMarker.of(reading.details().get(GlucoseMarker.DETAIL));
                // The legacy entry holds all four *_dtx fields; the marker selects the one with the value.
                for (GlucoseMarker other : GlucoseMarker.values()) {
                    entry.append(field.replace("{marker}", other.legacyPrefix), null);
                }
                field = field.replace("{marker}", marker.legacyPrefix);
                entry.append("dtx_type", marker.dtxType);
                entry.append("blood_sugar_marker", reading.details().getOrDefault(GlucoseMarker.DETAIL,
                        marker.legacyLabel));
            }
            String comparator = MeasurementKind.VALUE.equals(f.getKey())
                    ? reading.details().get(ReadingDetails.COMPARATOR) : null;
            if (target.toLegacy() != null && MeasurementKind.VALUE.equals(f.getKey())) {
                v = target.toLegacy().apply(v);
            }
            // A value beyond the meter's range is written as the meter showed it bounded (">600"), never as a number
            // that a chart would take for a measurement.
            entry.append(field, comparator == null ? number(v) : comparator + v.stripTrailingZeros().toPlainString());
        }
        if (reading.kind() == MeasurementKind.BODY_TEMPERATURE && reading.details().containsKey("mode")) {
            entry.append(target.prefix() + "_mode", reading.details().get("mode"));
        }
        if (reading.kind() == MeasurementKind.STEPS) {
            entry.append(DAY_TAG_FIELD, dayTag(reading.deviceTime()));
            if (reading.details().containsKey("step_goal")) {
                entry.append("step_goal", numberOrText(reading.details().get("step_goal")));
            }
        }
        if (reading.kind() == MeasurementKind.SLEEP) {
            for (String detail : SLEEP_DETAILS) {
                if (reading.details().containsKey(detail)) {
                    String raw = reading.details().get(detail);
                    entry.append(detail, detail.equals("sleep_num") ? numberOrText(raw) : raw);
                }
            }
            entry.append(DAY_TAG_FIELD, dayTag(reading.deviceTime()));
        }
        entry.append(target.prefix() + "_import_date", Date.from(reading.deviceTime()));
        entry.append(target.prefix() + "_source", source(reading.family()));
        entry.append(LegacyStore.ENTRY_ID_FIELD, observationId);
        String dateTag = target.monthly() ? monthTag(reading.deviceTime()) : null;
        return new LegacyEntry(reading.kind(), patientId, reading.deviceTime(), observationId, dateTag, entry);
    }

    /**
     * The entries of one message that the legacy application keeps as ONE entry: same collection, patient and time,
     * fields that do not overlap (a generic weight body with height and BMI is one {@code body_data_histories}
     * entry, as the legacy application writes it). The merged entry keeps the id of the entry with a
     * {@code patients.last_*} field (the weight), so the append stays idempotent.
     */
    public static List<LegacyEntry> mergeSameMeasurement(List<LegacyEntry> entries) {
        List<LegacyEntry> out = new ArrayList<>(entries.size());
        for (LegacyEntry e : entries) {
            int into = -1;
            for (int i = 0; i < out.size() && into < 0; i++) {
                if (mergeable(out.get(i), e)) {
                    into = i;
                }
            }
            if (into < 0) {
                out.add(e);
                continue;
            }
            LegacyEntry a = out.get(into);
            LegacyEntry lead = a.kind().legacy.lastField() == null && e.kind().legacy.lastField() != null ? e : a;
            LegacyEntry other = lead == a ? e : a;
            Document merged = new Document(lead.entry());
            other.entry().forEach((k, v) -> merged.putIfAbsent(k, v));
            // The id of the leading entry stays last, where every entry carries it.
            merged.remove(LegacyStore.ENTRY_ID_FIELD);
            merged.append(LegacyStore.ENTRY_ID_FIELD, lead.entryId());
            out.set(into, new LegacyEntry(lead.kind(), lead.patientId(), lead.deviceTime(), lead.entryId(),
                    lead.dateTag(), merged));
        }
        return out;
    }

    private static boolean mergeable(LegacyEntry a, LegacyEntry b) {
        if (!a.kind().legacy.collection().equals(b.kind().legacy.collection()) || !a.patientId().equals(b.patientId())
                || !a.deviceTime().equals(b.deviceTime()) || a.kind().aggregation != MeasurementKind.Aggregation.NONE
                || b.kind().aggregation != MeasurementKind.Aggregation.NONE) {
            return false;
        }
        String prefix = a.kind().legacy.prefix();
        for (String field : b.entry().keySet()) {
            if (a.entry().containsKey(field) && !field.equals(LegacyStore.ENTRY_ID_FIELD)
                    && !field.equals(prefix + "_import_date") && !field.equals(prefix + "_source")) {
                return false;
            }
        }
        return true;
    }

    public static String monthTag(Instant t) {
        return MONTH_TAG.format(t.atZone(ThaiTime.ZONE));
    }

    /** Thai-local day as the legacy application tags step and sleep entries: {@code DDMMYYYY}. */
    public static String dayTag(Instant t) {
        return DAY_TAG.format(t.atZone(ThaiTime.ZONE));
    }

    /**
     * A detail the legacy field holds as a number when it is one within the input limits ({@code "16"} as 16); any
     * other text ({@code "1e400"}, which would become an infinite double) stays text.
     */
    private static Object numberOrText(String raw) {
        try {
            BigDecimal bounded = org.mfc.fhir.core.json.PayloadLimits.bounded(new BigDecimal(raw.strip()));
            return bounded == null ? raw : number(bounded);
        } catch (NumberFormatException e) {
            return raw;
        }
    }

    /** Integers stay integers (the legacy app compares {@code sys_data} as ints); other values are doubles. */
    public static Object number(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() <= 0 && s.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
            return s.intValueExact();
        }
        return v.doubleValue();
    }
}
