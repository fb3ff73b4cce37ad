package org.mfc.fhir.core.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Locale;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.Systems;

/**
 * Reading to the entry the legacy application reads (legacy-db.md section 2), using the field names of the
 * {@link MeasurementKind} table. Pure: no I/O.
 */
public final class LegacyEntryMapper {

    /** Thai local time: legacy {@code date_tag} values are Thai-local dates. */
    public static final ZoneOffset THAI = ZoneOffset.ofHours(7);
    private static final DateTimeFormatter MONTH_TAG = DateTimeFormatter.ofPattern("MM-yyyy");
    private static final DateTimeFormatter DAY_TAG = DateTimeFormatter.ofPattern("ddMMyyyy");
    /** Entry field of the Thai-local day of a step or sleep entry ({@code DDMMYYYY}). */
    public static final String DAY_TAG_FIELD = "date_tag";
    /** Sleep details the parser passes through verbatim into the legacy entry (legacy-db.md section 2). */
    static final java.util.List<String> SLEEP_DETAILS = java.util.List.of("sleep_data", "sleep_time", "sleep_num",
            "sleep_timestamp");

    /** {@code <prefix>_source}: 1 for a device reading, 2 for a watch (0 is manual entry, never ours). */
    static int source(DeviceFamily family) {
        return family == DeviceFamily.KATI ? 2 : 1;
    }

    public LegacyEntry map(Reading reading, ObjectId patientId, String observationId) {
        MeasurementKind.LegacyTarget target = reading.kind().legacy;
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
            entry.append(field, number(v));
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

    public static String monthTag(Instant t) {
        return MONTH_TAG.format(t.atOffset(THAI));
    }

    /** Thai-local day as the legacy application tags step and sleep entries: {@code DDMMYYYY}. */
    public static String dayTag(Instant t) {
        return DAY_TAG.format(t.atOffset(THAI));
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

    /**
     * The glucose meal marker: legacy {@code dtx_type} and the {@code *_dtx} field it selects, and the code of the
     * FHIR component that carries it (docs/decisions.md, "Glucose meal marker").
     */
    public enum GlucoseMarker {
        BEFORE_MEAL(0, "pre_meal", "Before Meal", "before-meal"),
        AFTER_MEAL(1, "post_meal", "After Meal", "after-meal"),
        FASTING(2, "fasting", "Fasting", "fasting"),
        NO_MARKER(3, "no_marker", "No marker", "no-marker");

        /** Code system of the marker values in FHIR. */
        public static final String SYSTEM = Systems.PROJECT_BASE + "/CodeSystem/meal-marker";
        /** Code of the Observation component that carries the marker, in {@link Systems#MEASUREMENT_CODES}. */
        public static final String COMPONENT_CODE = "meal-marker";
        /** Key of the marker in {@code Reading.details()}. */
        public static final String DETAIL = "marker";

        public final int dtxType;
        public final String legacyPrefix;
        public final String legacyLabel;
        public final String code;

        GlucoseMarker(int dtxType, String legacyPrefix, String legacyLabel, String code) {
            this.dtxType = dtxType;
            this.legacyPrefix = legacyPrefix;
            this.legacyLabel = legacyLabel;
            this.code = code;
        }

        /** Every spelling seen (legacy-db.md section 3); absent or unrecognised means no marker. */
        public static GlucoseMarker of(String raw) {
            if (raw == null) {
                return NO_MARKER;
            }
            String m = raw.strip().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
            if (m.contains("before") || m.startsWith("pre")) {
                return BEFORE_MEAL;
            }
            if (m.contains("after") || m.startsWith("post")) {
                return AFTER_MEAL;
            }
            if (m.contains("fast")) {
                return FASTING;
            }
            return NO_MARKER;
        }
    }
}
