package org.mfc.fhir.core.model;

import java.util.List;
import java.util.Map;

/**
 * The one table of measurement kinds: what each kind becomes in FHIR R5 (LOINC code, category, UCUM unit, profile,
 * components) and where the legacy application keeps it (collection, entry field prefix, value fields).
 * Device payload parsers produce {@link Reading}s whose value keys are the keys used here; mappers and the legacy
 * writer read only this table, so a new kind or a site with other legacy field names changes one row.
 *
 * <p>Value keys: {@code value} is the primary value of single-value kinds; other keys are components. The key
 * {@code pulse} is special everywhere: a pulse that comes with another kind becomes its own heart-rate Observation
 * (fhir-r5-mapping.md section 1) and stays in the legacy entry of the kind it came with.
 */
public enum MeasurementKind {

    BLOOD_PRESSURE("85354-9", "Blood pressure panel with all children optional", Category.VITAL_SIGNS, null, "bp",
            List.of(new Component("systolic", "8480-6", "Systolic blood pressure", "mm[Hg]"),
                    new Component("diastolic", "8462-4", "Diastolic blood pressure", "mm[Hg]")),
            new LegacyTarget("blood_pressure_histories", "blood_pressure", false,
                    Map.of("systolic", "sys_data", "diastolic", "dia_data", "pulse", "pr_data"),
                    "last_blood_pressure"),
            Map.of("systolic", new Limits(20, 300, 70, 250), "diastolic", new Limits(10, 250, 40, 150),
                    "pulse", new Limits(10, 350, 30, 220)), Aggregation.NONE),

    HEART_RATE("8867-4", "Heart rate", Category.VITAL_SIGNS, "/min", "heartrate", List.of(),
            new LegacyTarget("heart_rate_histories", "heart_rate", false,
                    Map.of("value", "heart_rate_data"), "last_heart_rate"),
            Map.of("value", new Limits(10, 350, 30, 220)), Aggregation.NONE),

    SPO2("2708-6", "Oxygen saturation in Arterial blood", Category.VITAL_SIGNS, "%", "oxygensat",
            List.of(new Component("pi", "61006-3", "Perfusion index Tissue by Pulse oximetry", "%")),
            new LegacyTarget("spo2_histories", "spo2", false,
                    Map.of("value", "spo2_data", "pulse", "spo2_pr_data", "pi", "spo2_pi_data"), "last_spo2"),
            Map.of("value", new Limits(0, 100, 70, 100), "pulse", new Limits(10, 350, 30, 220),
                    "pi", new Limits(0, 100, 0.02, 20)), Aggregation.NONE),

    BODY_TEMPERATURE("8310-5", "Body temperature", Category.VITAL_SIGNS, "Cel", "bodytemp", List.of(),
            new LegacyTarget("temprature_data_histories", "temprature", false,
                    Map.of("value", "temprature_data"), "last_body_temperature"),
            Map.of("value", new Limits(15, 47, 34, 42)), Aggregation.NONE),

    BODY_WEIGHT("29463-7", "Body weight", Category.VITAL_SIGNS, "kg", "bodyweight",
            List.of(new Component("resistance", Systems.MEASUREMENT_CODES, "body-impedance", "Body impedance", "Ohm",
                    true)),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "weight"), "last_weight"),
            Map.of("value", new Limits(0.1, 650, 2, 300), "resistance", new Limits(0, 10_000, 100, 1_500)),
            Aggregation.NONE),

    BODY_HEIGHT("8302-2", "Body height", Category.VITAL_SIGNS, "cm", "bodyheight", List.of(),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "height"), null),
            Map.of("value", new Limits(20, 280, 40, 230)), Aggregation.NONE),

    BMI("39156-5", "Body mass index (BMI) [Ratio]", Category.VITAL_SIGNS, "kg/m2", "bmi", List.of(),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "bmi"), null),
            Map.of("value", new Limits(3, 200, 10, 70)), Aggregation.NONE),

    RESPIRATORY_RATE("9279-1", "Respiratory rate", Category.VITAL_SIGNS, "/min", "resprate", List.of(),
            new LegacyTarget("spo2_histories", "spo2", false, Map.of("value", "spo2_resp_data"), null),
            Map.of("value", new Limits(0, 200, 6, 60)), Aggregation.NONE),

    BLOOD_GLUCOSE("41653-7", "Glucose [Mass/volume] in Capillary blood by Glucometer", Category.LABORATORY,
            "mg/dL", null, List.of(),
            new LegacyTarget("blood_sugar_histories", "blood_sugar", false, Map.of("value", "{marker}_dtx"),
                    "last_blood_sugar"),
            Map.of("value", new Limits(1, 3_000, 20, 600)), Aggregation.NONE),

    CHOLESTEROL("14647-2", "Cholesterol [Moles/volume] in Serum or Plasma", Category.LABORATORY, "mmol/L", null,
            List.of(), new LegacyTarget("lipid_histories", "lipids", false, Map.of("value", "lipids"), "last_lipids"),
            Map.of("value", new Limits(0, 100, 1.5, 15)), Aggregation.NONE),

    URIC_ACID("14933-6", "Urate [Moles/volume] in Serum or Plasma", Category.LABORATORY, "umol/L", null, List.of(),
            new LegacyTarget("creatinine_histories", "cretinines", false, Map.of("value", "uric"), "last_uric"),
            Map.of("value", new Limits(0, 5_000, 60, 1_200)), Aggregation.NONE),

    CREATININE("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL", null,
            List.of(), new LegacyTarget("creatinine_histories", "cretinines", false,
                    Map.of("value", "cretinines"), "last_creatinine"),
            Map.of("value", new Limits(0, 50, 0.1, 20)), Aggregation.NONE),

    LIPID_TOTAL("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL", null,
            List.of(), new LegacyTarget("lipid_histories", "lipids", false, Map.of("value", "lipids"), null),
            Map.of("value", new Limits(0, 5_000, 50, 1_000)), Aggregation.NONE),

    LIPID_LDL("2089-1", "Cholesterol in LDL [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL", null,
            List.of(), new LegacyTarget("lipid_histories", "lipids", false, Map.of("value", "ldl_lipids"), null),
            Map.of("value", new Limits(0, 3_000, 10, 600)), Aggregation.NONE),

    LIPID_HDL("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL", null,
            List.of(), new LegacyTarget("lipid_histories", "lipids", false, Map.of("value", "hdl_lipids"), null),
            Map.of("value", new Limits(0, 500, 5, 200)), Aggregation.NONE),

    TRIGLYCERIDES("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL", null,
            List.of(), new LegacyTarget("lipid_histories", "lipids", false, Map.of("value", "tri_lipids"), null),
            Map.of("value", new Limits(0, 20_000, 10, 2_000)), Aggregation.NONE),

    STEPS("41950-7", "Number of steps in 24 hour Measured", Category.ACTIVITY, "/d", null, List.of(),
            new LegacyTarget("step_histories", "step", true, Map.of("value", "step"), "last_step"),
            Map.of("value", new Limits(0, 300_000, 0, 60_000)), Aggregation.DAILY_MAXIMUM),

    SLEEP("93832-4", "Sleep duration", Category.ACTIVITY, "min", null,
            List.of(new Component("deep", "93831-6", "Deep sleep duration", "min"),
                    new Component("light", "93830-8", "Light sleep duration", "min")),
            new LegacyTarget("sleep_data_histories", "sleep_data", true, Map.of(), "last_sleep"),
            Map.of("value", new Limits(0, 1_440, 0, 1_080), "deep", new Limits(0, 1_440, 0, 1_080),
                    "light", new Limits(0, 1_440, 0, 1_080)), Aggregation.NONE);

    /** FHIR observation-category codes. */
    public enum Category {
        VITAL_SIGNS("vital-signs", "Vital Signs"),
        LABORATORY("laboratory", "Laboratory"),
        ACTIVITY("activity", "Activity"),
        EXAM("exam", "Exam");

        public final String code;
        public final String display;

        Category(String code, String display) {
            this.code = code;
            this.display = display;
        }
    }

    /**
     * A component of a multi-part Observation, or a secondary value stored as a component. {@code system} is LOINC
     * unless no LOINC code exists for the quantity (body impedance), in which case it is the project's code system.
     * {@code ownObservation}: the value becomes its own Observation (category {@code exam}, no profile) instead of
     * a component, because the kind's vital-signs profile binds component units to the vital-signs units and
     * forbids it (body impedance in Ohm; docs/decisions.md).
     */
    public record Component(String key, String system, String code, String display, String unit,
            boolean ownObservation) {

        Component(String key, String loinc, String display, String unit) {
            this(key, Systems.LOINC, loinc, display, unit, false);
        }
    }

    /**
     * Where the legacy application reads this kind: bucket collection, entry field prefix
     * ({@code <prefix>_import_date}, {@code <prefix>_source}), whether buckets are per month, value key to entry
     * field, and the {@code patients.last_*} field for dashboards (null when the legacy app keeps none).
     * A field name may contain {@code {marker}} (glucose: the field depends on the meal marker).
     */
    public record LegacyTarget(String collection, String prefix, boolean monthly, Map<String, String> fields,
            String lastField) {
    }

    /**
     * The one plausibility rule of the pipeline (docs/decisions.md, "Out-of-range values"): a value outside
     * [{@code possibleMin}, {@code possibleMax}] cannot be a measurement of a living patient (SpO2 above 100 %,
     * systolic 0) and rejects the whole message with a reason (dead letter); a value inside that range but outside
     * [{@code plausibleMin}, {@code plausibleMax}] is possible but suspicious and is stored as measured with an
     * Observation {@code interpretation}. Bounds are inclusive and in the kind's UCUM unit.
     */
    public record Limits(double possibleMin, double possibleMax, double plausibleMin, double plausibleMax) {

        public boolean possible(java.math.BigDecimal v) {
            double d = v.doubleValue();
            return d >= possibleMin && d <= possibleMax;
        }

        public boolean plausible(java.math.BigDecimal v) {
            double d = v.doubleValue();
            return d >= plausibleMin && d <= plausibleMax;
        }
    }

    /** How successive readings of one fact combine. */
    public enum Aggregation {
        /** Every reading is its own fact; a replay is a no-op (first write wins). */
        NONE,
        /**
         * One fact per device and local day whose value only grows during the day (the watch's cumulative step
         * count): a higher value replaces the stored one, a lower value or a replay changes nothing.
         */
        DAILY_MAXIMUM
    }

    public static final String VALUE = "value";
    public static final String PULSE = "pulse";

    public final String loinc;
    public final String display;
    public final Category category;
    /** UCUM unit of the primary value; null for panels without a value of their own. */
    public final String unit;
    /** Suffix of the R5 vital-signs profile ({@code http://hl7.org/fhir/StructureDefinition/<profile>}), or null. */
    public final String profile;
    public final List<Component> components;
    public final LegacyTarget legacy;
    /** Plausibility limits per value key ({@link Limits}); every value key a parser emits has one. */
    public final Map<String, Limits> limits;
    public final Aggregation aggregation;

    MeasurementKind(String loinc, String display, Category category, String unit, String profile,
            List<Component> components, LegacyTarget legacy, Map<String, Limits> limits, Aggregation aggregation) {
        this.loinc = loinc;
        this.display = display;
        this.category = category;
        this.unit = unit;
        this.profile = profile;
        this.components = components;
        this.legacy = legacy;
        this.limits = limits;
        this.aggregation = aggregation;
    }

    /** Single-value kinds carry {@link #VALUE}; panels (blood pressure) only components. */
    public boolean hasPrimaryValue() {
        return unit != null;
    }
}
