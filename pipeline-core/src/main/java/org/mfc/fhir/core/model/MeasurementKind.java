package org.mfc.fhir.core.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The one table of measurement kinds: what each kind becomes in FHIR R5 (code, category, UCUM unit, profile, IEEE
 * 11073 MDC code, components, normal range) and where the legacy application keeps it (collection, entry field
 * prefix, value fields, the unit of the legacy field). Device payload parsers produce {@link Reading}s whose value
 * keys are the keys used here; mappers and the legacy writer read only this table, so a new kind or a site with
 * other legacy field names changes one row.
 *
 * <p>Value keys: {@code value} is the primary value of single-value kinds; other keys are components. The key
 * {@code pulse} is special everywhere: a pulse that comes with another kind becomes its own heart-rate Observation
 * (fhir-r5-mapping.md section 1) and stays in the legacy entry of the kind it came with.
 *
 * <p>A kind is one code in one unit: uric acid in umol/L ({@code 14933-6}, what the meters send) and in mg/dL
 * ({@code 3084-1}, what laboratories report and the legacy field holds) are two kinds, so every stored value carries
 * the code and unit of what was measured (docs/decisions.md, "Units").
 */
public enum MeasurementKind {

    BLOOD_PRESSURE(Systems.LOINC, "85354-9", "Blood pressure panel with all children optional", Category.VITAL_SIGNS,
            null, "bp", Mdc.of("150020", "MDC_PRESS_BLD_NONINV"),
            List.of(new Component("systolic", "8480-6", "Systolic blood pressure", "mm[Hg]",
                            Mdc.of("150021", "MDC_PRESS_BLD_NONINV_SYS")),
                    new Component("diastolic", "8462-4", "Diastolic blood pressure", "mm[Hg]",
                            Mdc.of("150022", "MDC_PRESS_BLD_NONINV_DIA"))),
            new LegacyTarget("blood_pressure_histories", "blood_pressure", false,
                    Map.of("systolic", "sys_data", "diastolic", "dia_data", "pulse", "pr_data"),
                    "last_blood_pressure", null),
            Map.of("systolic", new Limits(20, 300, 70, 250), "diastolic", new Limits(10, 250, 40, 150),
                    "pulse", new Limits(10, 350, 30, 220)),
            Map.of("systolic", Normal.of(90, 120, "Normal adult systolic pressure (AHA/ACC 2017; below 90 low)"),
                    "diastolic", Normal.of(60, 80, "Normal adult diastolic pressure (AHA/ACC 2017; below 60 low)")),
            Aggregation.NONE),

    HEART_RATE(Systems.LOINC, "8867-4", "Heart rate", Category.VITAL_SIGNS, "/min", "heartrate",
            Mdc.of("149514", "MDC_PULS_RATE"), List.of(),
            new LegacyTarget("heart_rate_histories", "heart_rate", false,
                    Map.of("value", "heart_rate_data"), "last_heart_rate", null),
            Map.of("value", new Limits(10, 350, 30, 220)),
            Map.of("value", Normal.of(60, 100, "Normal adult resting heart rate")), Aggregation.NONE),

    SPO2(Systems.LOINC, "2708-6", "Oxygen saturation in Arterial blood", Category.VITAL_SIGNS, "%", "oxygensat",
            Mdc.of("150456", "MDC_PULS_OXIM_SAT_O2"),
            List.of(new Component("pi", "61006-3", "Perfusion index Tissue by Pulse oximetry", "%",
                    Mdc.of("150448", "MDC_PULS_OXIM_PERF_REL"))),
            new LegacyTarget("spo2_histories", "spo2", false,
                    Map.of("value", "spo2_data", "pulse", "spo2_pr_data", "pi", "spo2_pi_data"), "last_spo2", null),
            // 35 %: the lowest saturation the fleet's oximeters display; a 0 is a finger not in the clip.
            Map.of("value", new Limits(35, 100, 70, 100), "pulse", new Limits(10, 350, 30, 220),
                    "pi", new Limits(0, 100, 0.02, 20)),
            Map.of("value", Normal.of(95, 100, "Normal oxygen saturation at rest")), Aggregation.NONE),

    BODY_TEMPERATURE(Systems.LOINC, "8310-5", "Body temperature", Category.VITAL_SIGNS, "Cel", "bodytemp",
            Mdc.of("150364", "MDC_TEMP_BODY"), List.of(),
            new LegacyTarget("temprature_data_histories", "temprature", false,
                    Map.of("value", "temprature_data"), "last_body_temperature", null),
            // 30 Cel: below what the thermometers measure in body mode; lower readings are surfaces, not patients.
            Map.of("value", new Limits(30, 45, 34, 42)),
            Map.of("value", Normal.of(36.1, 37.2, "Normal adult body temperature")), Aggregation.NONE),

    /**
     * A watch's wrist temperature: skin, not core temperature. Its own code so it is never charted or alerted on as
     * a body temperature (docs/decisions.md, "What is not a vital sign").
     */
    SKIN_TEMPERATURE(Systems.LOINC, "39106-0", "Temperature of Skin", Category.VITAL_SIGNS, "Cel", null,
            Mdc.of("150388", "MDC_TEMP_SKIN"), List.of(),
            new LegacyTarget("temprature_data_histories", "temprature", false,
                    Map.of("value", "temprature_data"), "last_body_temperature", null),
            Map.of("value", new Limits(15, 45, 25, 40)), Map.of(), Aggregation.NONE),

    /**
     * A thermometer in object mode measured a surface (a bottle, a wall), not the patient: kept as what it is,
     * never written to the legacy temperature history the legacy application charts as body temperature.
     */
    OBJECT_TEMPERATURE(Systems.MEASUREMENT_CODES, "object-temperature",
            "Temperature of an object (thermometer in object mode)", Category.EXAM, "Cel", null, null, List.of(),
            null, Map.of("value", new Limits(-50, 300, 0, 100)), Map.of(), Aggregation.NONE),

    BODY_WEIGHT(Systems.LOINC, "29463-7", "Body weight", Category.VITAL_SIGNS, "kg", "bodyweight",
            Mdc.of("188736", "MDC_MASS_BODY_ACTUAL"),
            List.of(new Component("resistance", Systems.MEASUREMENT_CODES, "body-impedance", "Body impedance", "Ohm",
                    true, null)),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "weight"), "last_weight",
                    null),
            Map.of("value", new Limits(0.1, 650, 2, 300), "resistance", new Limits(0, 10_000, 100, 1_500)), Map.of(),
            Aggregation.NONE),

    BODY_HEIGHT(Systems.LOINC, "8302-2", "Body height", Category.VITAL_SIGNS, "cm", "bodyheight",
            Mdc.of("188740", "MDC_LEN_BODY_ACTUAL"), List.of(),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "height"), null, null),
            Map.of("value", new Limits(20, 280, 40, 230)), Map.of(), Aggregation.NONE),

    BMI(Systems.LOINC, "39156-5", "Body mass index (BMI) [Ratio]", Category.VITAL_SIGNS, "kg/m2", "bmi",
            Mdc.of("188752", "MDC_RATIO_MASS_BODY_LEN_SQ"), List.of(),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "bmi"), null, null),
            Map.of("value", new Limits(3, 200, 10, 70)), Map.of(), Aggregation.NONE),

    /** Legacy {@code waist} in centimetres (the migrator tells cm from inches by magnitude, LegacyUnits). */
    WAIST(Systems.LOINC, "8280-0", "Waist Circumference at umbilicus by Tape measure", Category.EXAM, "cm", null,
            null, List.of(),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "waist"), null, null),
            Map.of("value", new Limits(30, 300, 50, 200)), Map.of(), Aggregation.NONE),

    /** Legacy {@code waist} written in inches beside the centimetres (legacy-db.md section 3). */
    WAIST_INCHES(Systems.LOINC, "8280-0", "Waist Circumference at umbilicus by Tape measure", Category.EXAM,
            "[in_i]", null, null, List.of(),
            new LegacyTarget("body_data_histories", "body_data", false, Map.of("value", "waist"), null, null),
            Map.of("value", new Limits(12, 120, 20, 80)), Map.of(), Aggregation.NONE),

    RESPIRATORY_RATE(Systems.LOINC, "9279-1", "Respiratory rate", Category.VITAL_SIGNS, "/min", "resprate",
            Mdc.of("151562", "MDC_RESP_RATE"), List.of(),
            new LegacyTarget("spo2_histories", "spo2", false, Map.of("value", "spo2_resp_data"), null, null),
            Map.of("value", new Limits(0, 200, 6, 60)),
            Map.of("value", Normal.of(12, 20, "Normal adult respiratory rate at rest")), Aggregation.NONE),

    /** Normal ranges depend on the meal marker: {@code GlucoseNormal} (ADA). */
    BLOOD_GLUCOSE(Systems.LOINC, "41653-7", "Glucose [Mass/volume] in Capillary blood by Glucometer",
            Category.LABORATORY, "mg/dL", null, Mdc.of("160184", "MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD"), List.of(),
            new LegacyTarget("blood_sugar_histories", "blood_sugar", false, Map.of("value", "{marker}_dtx"),
                    "last_blood_sugar", null),
            // 10 mg/dL: the meters' lowest reading ("LO" below it, stored with a comparator); a 1 is junk.
            Map.of("value", new Limits(10, 3_000, 20, 600)), Map.of(), Aggregation.NONE),

    /** Meter reading in mmol/L; the legacy {@code lipids} field holds mg/dL, so it receives the converted value. */
    CHOLESTEROL(Systems.LOINC, "14647-2", "Cholesterol [Moles/volume] in Serum or Plasma", Category.LABORATORY,
            "mmol/L", null, null, List.of(),
            new LegacyTarget("lipid_histories", "lipids", false, Map.of("value", "lipids"), "last_lipids",
                    new Conversion("mg/dL", new BigDecimal("38.67"), 0)),
            Map.of("value", new Limits(0.5, 26, 1.5, 15)), Map.of(), Aggregation.NONE),

    /** Meter reading in umol/L; the legacy {@code uric} field holds mg/dL, so it receives the converted value. */
    URIC_ACID(Systems.LOINC, "14933-6", "Urate [Moles/volume] in Serum or Plasma", Category.LABORATORY, "umol/L",
            null, null, List.of(),
            new LegacyTarget("creatinine_histories", "cretinines", false, Map.of("value", "uric"), "last_uric",
                    new Conversion("mg/dL", BigDecimal.ONE.divide(new BigDecimal("59.48"), 12, RoundingMode.HALF_UP),
                            1)),
            Map.of("value", new Limits(30, 3_000, 120, 1_200)), Map.of(), Aggregation.NONE),

    /** Laboratory uric acid in mg/dL, as the legacy {@code uric} field holds it. */
    URIC_ACID_MASS(Systems.LOINC, "3084-1", "Urate [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL",
            null, null, List.of(),
            new LegacyTarget("creatinine_histories", "cretinines", false, Map.of("value", "uric"), null, null),
            Map.of("value", new Limits(0.2, 50, 1, 20)), Map.of(), Aggregation.NONE),

    CREATININE(Systems.LOINC, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL",
            null, null, List.of(), new LegacyTarget("creatinine_histories", "cretinines", false,
                    Map.of("value", "cretinines"), "last_creatinine", null),
            Map.of("value", new Limits(0, 50, 0.1, 20)), Map.of(), Aggregation.NONE),

    BUN(Systems.LOINC, "3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma", Category.LABORATORY, "mg/dL",
            null, null, List.of(), new LegacyTarget("creatinine_histories", "cretinines", false,
                    Map.of("value", "bun"), null, null),
            Map.of("value", new Limits(0.5, 300, 2, 150)), Map.of(), Aggregation.NONE),

    LIPID_TOTAL(Systems.LOINC, "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", Category.LABORATORY,
            "mg/dL", null, null, List.of(), new LegacyTarget("lipid_histories", "lipids", false,
                    Map.of("value", "lipids"), null, null),
            Map.of("value", new Limits(20, 5_000, 50, 1_000)), Map.of(), Aggregation.NONE),

    LIPID_LDL(Systems.LOINC, "2089-1", "Cholesterol in LDL [Mass/volume] in Serum or Plasma", Category.LABORATORY,
            "mg/dL", null, null, List.of(), new LegacyTarget("lipid_histories", "lipids", false,
                    Map.of("value", "ldl_lipids"), null, null),
            Map.of("value", new Limits(0, 3_000, 10, 600)), Map.of(), Aggregation.NONE),

    LIPID_HDL(Systems.LOINC, "2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", Category.LABORATORY,
            "mg/dL", null, null, List.of(), new LegacyTarget("lipid_histories", "lipids", false,
                    Map.of("value", "hdl_lipids"), null, null),
            Map.of("value", new Limits(0, 500, 5, 200)), Map.of(), Aggregation.NONE),

    TRIGLYCERIDES(Systems.LOINC, "2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", Category.LABORATORY,
            "mg/dL", null, null, List.of(), new LegacyTarget("lipid_histories", "lipids", false,
                    Map.of("value", "tri_lipids"), null, null),
            Map.of("value", new Limits(0, 20_000, 10, 2_000)), Map.of(), Aggregation.NONE),

    STEPS(Systems.LOINC, "41950-7", "Number of steps in 24 hour Measured", Category.ACTIVITY, "/d", null, null,
            List.of(), new LegacyTarget("step_histories", "step", true, Map.of("value", "step"), "last_step", null),
            Map.of("value", new Limits(0, 300_000, 0, 60_000)), Map.of(), Aggregation.DAILY_MAXIMUM),

    SLEEP(Systems.LOINC, "93832-4", "Sleep duration", Category.ACTIVITY, "min", null, null,
            List.of(new Component("deep", "93831-6", "Deep sleep duration", "min", null),
                    new Component("light", "93830-8", "Light sleep duration", "min", null)),
            new LegacyTarget("sleep_data_histories", "sleep_data", true, Map.of(), "last_sleep", null),
            Map.of("value", new Limits(0, 1_440, 0, 1_080), "deep", new Limits(0, 1_440, 0, 1_080),
                    "light", new Limits(0, 1_440, 0, 1_080)), Map.of(), Aggregation.PERIOD);

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
     * An IEEE 11073-10101 (MDC) code, written beside LOINC as the HL7 Personal Health Device guide does
     * ({@link Systems#MDC}); the display is the MDC reference id.
     */
    public record Mdc(String code, String referenceId) {

        public static Mdc of(String code, String referenceId) {
            return new Mdc(code, referenceId);
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
            boolean ownObservation, Mdc mdc) {

        Component(String key, String loinc, String display, String unit, Mdc mdc) {
            this(key, Systems.LOINC, loinc, display, unit, false, mdc);
        }
    }

    /**
     * Where the legacy application reads this kind: bucket collection, entry field prefix
     * ({@code <prefix>_import_date}, {@code <prefix>_source}), whether buckets are per month, value key to entry
     * field, and the {@code patients.last_*} field for dashboards (null when the legacy app keeps none).
     * A field name may contain {@code {marker}} (glucose: the field depends on the meal marker).
     *
     * @param toLegacy how a value becomes the unit of the legacy field, or null when the field holds the kind's unit
     */
    public record LegacyTarget(String collection, String prefix, boolean monthly, Map<String, String> fields,
            String lastField, Conversion toLegacy) {
    }

    /**
     * A value in the kind's unit to the legacy field's {@code unit}: multiplied by {@code factor} and rounded half up
     * to {@code scale} decimals (the precision the field's laboratory values have).
     */
    public record Conversion(String unit, BigDecimal factor, int scale) {

        public BigDecimal apply(BigDecimal value) {
            return value.multiply(factor).setScale(scale, RoundingMode.HALF_UP);
        }
    }

    /**
     * The one plausibility rule of the pipeline (docs/decisions.md, "Out-of-range values"): a value outside
     * [{@code possibleMin}, {@code possibleMax}] cannot be a measurement of a living patient (SpO2 above 100 %,
     * systolic 0) and refuses the reading with a reason; a value inside that range but outside
     * [{@code plausibleMin}, {@code plausibleMax}] is possible but suspicious and is stored as measured with a
     * data-quality tag (never as a clinical interpretation). Bounds are inclusive and in the kind's UCUM unit.
     */
    public record Limits(double possibleMin, double possibleMax, double plausibleMin, double plausibleMax) {

        public boolean possible(BigDecimal v) {
            double d = v.doubleValue();
            return d >= possibleMin && d <= possibleMax;
        }

        public boolean plausible(BigDecimal v) {
            double d = v.doubleValue();
            return d >= plausibleMin && d <= plausibleMax;
        }
    }

    /**
     * An established normal (reference) range, in the kind's unit, inclusive: written as
     * {@code Observation.referenceRange}, and a value outside it gets the plain {@code H} or {@code L} interpretation.
     */
    public record Normal(BigDecimal low, BigDecimal high, String text) {

        static Normal of(double low, double high, String text) {
            return new Normal(plain(low), plain(high), text);
        }

        /** 90, not 9E+1: the decimal as a person writes it. */
        private static BigDecimal plain(double d) {
            return new BigDecimal(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
        }
    }

    /** How successive readings of one fact combine. */
    public enum Aggregation {
        /** Every reading is its own fact, identified with its value; a replay is a no-op (first write wins). */
        NONE,
        /**
         * One fact per device and period (a night's sleep): identified by the period, not the value; the first
         * report of the period is kept.
         */
        PERIOD,
        /**
         * One fact per device and local day whose value only grows during the day (the watch's cumulative step
         * count): a higher value replaces the stored one, a lower value or a replay changes nothing.
         */
        DAILY_MAXIMUM
    }

    public static final String VALUE = "value";
    public static final String PULSE = "pulse";

    /** Code system of {@link #code}: LOINC, or the project's for what LOINC has no code for. */
    public final String system;
    /** The kind's code (LOINC unless {@link #system} says otherwise): Observation.code, envelope {@code code}. */
    public final String code;
    public final String display;
    public final Category category;
    /** UCUM unit of the primary value; null for panels without a value of their own. */
    public final String unit;
    /** Suffix of the R5 vital-signs profile ({@code http://hl7.org/fhir/StructureDefinition/<profile>}), or null. */
    public final String profile;
    /** The IEEE 11073 code of the kind, or null when MDC has none for it. */
    public final Mdc mdc;
    public final List<Component> components;
    /** Where the legacy application keeps it; null when it must not be written there (object temperatures). */
    public final LegacyTarget legacy;
    /** Plausibility limits per value key ({@link Limits}); every value key a parser emits has one. */
    public final Map<String, Limits> limits;
    /** Normal ranges per value key, where one is established. */
    public final Map<String, Normal> normal;
    public final Aggregation aggregation;

    MeasurementKind(String system, String code, String display, Category category, String unit, String profile,
            Mdc mdc, List<Component> components, LegacyTarget legacy, Map<String, Limits> limits,
            Map<String, Normal> normal, Aggregation aggregation) {
        this.system = system;
        this.code = code;
        this.display = display;
        this.category = category;
        this.unit = unit;
        this.profile = profile;
        this.mdc = mdc;
        this.components = components;
        this.legacy = legacy;
        this.limits = limits;
        this.normal = normal;
        this.aggregation = aggregation;
    }

    /** Single-value kinds carry {@link #VALUE}; panels (blood pressure) only components. */
    public boolean hasPrimaryValue() {
        return unit != null;
    }

    /** The component of {@code key}, or null. */
    public Component component(String key) {
        for (Component c : components) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }
}
