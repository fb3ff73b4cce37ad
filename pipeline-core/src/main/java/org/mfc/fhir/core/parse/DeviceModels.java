package org.mfc.fhir.core.parse;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceSlot;
import org.mfc.fhir.core.model.MeasurementKind;

/**
 * The BLE device models behind AVA4 gateways and Qube-Vital kiosks (devices.md sections 1 and 3): the exact
 * {@code data.attribute} a gateway reports, the kind it measures, the registry slot that names the device
 * ({@link DeviceSlot}), and which payload keys carry which value. Keys are matched in any letter case, so
 * {@code PR}/{@code pr} and {@code Temp}/{@code temp} are one row. Supporting a new BLE model is one row here, and a
 * fixture of its native payload under {@code pipeline-test-support/src/main/resources/payloads/<family>/}
 * ({@code DeviceModelsTest} requires one for every row).
 */
public final class DeviceModels {

    /**
     * @param attribute exact {@code data.attribute}, typos included ({@code BP_BIOLIGTH})
     * @param slot      the registry slot whose fields name a device of this model ({@code amy_devices},
     *                  {@code patients.*_mac_address}), the slot the migrator attributes the kind's old entries to
     * @param values    payload key to {@link MeasurementKind} value key
     * @param details   payload key to detail key (glucose marker, temperature mode)
     * @param range     the primary value's measuring range, for meters that report {@code HI} above it and
     *                  {@code LO} below it; null for devices that do not
     */
    public record Model(DeviceFamily family, String attribute, MeasurementKind kind, DeviceSlot slot,
            String displayName, Map<String, String> values, Map<String, String> details, Range range) {

        public Model(DeviceFamily family, String attribute, MeasurementKind kind, DeviceSlot slot, String displayName,
                Map<String, String> values, Map<String, String> details) {
            this(family, attribute, kind, slot, displayName, values, details, null);
        }

        /** A part of a generic body: no device model, so the kind's slot. */
        public static Model generic(MeasurementKind kind, Map<String, String> values, Map<String, String> details) {
            return new Model(DeviceFamily.GENERIC, kind.name(), kind, DeviceSlot.of(kind), null, values, details);
        }

        /**
         * The kind a reading of this model is: a thermometer in object mode measured a surface, not the patient.
         */
        public MeasurementKind kindFor(Map<String, String> readDetails) {
            if (kind == MeasurementKind.BODY_TEMPERATURE
                    && "object".equalsIgnoreCase(String.valueOf(readDetails.get("mode")).strip())) {
                return MeasurementKind.OBJECT_TEMPERATURE;
            }
            return kind;
        }
    }

    /** A meter's measuring range, in the kind's unit. */
    public record Range(java.math.BigDecimal low, java.math.BigDecimal high) {

        static Range of(int low, int high) {
            return new Range(java.math.BigDecimal.valueOf(low), java.math.BigDecimal.valueOf(high));
        }
    }

    /** The glucometers of the fleet (Contour, Accu-Chek Instant) measure 10..600 mg/dL and show LO and HI beyond. */
    private static final Range GLUCOMETER = Range.of(10, 600);

    private static final Map<String, String> BP = Map.of("bp_high", "systolic", "bp_low", "diastolic", "pr", "pulse");
    private static final Map<String, String> GLUCOSE = Map.of("blood_glucose", "value");
    private static final Map<String, String> MARKER = Map.of("marker", "marker");
    private static final Map<String, String> SPO2 = Map.of("spo2", "value", "pulse", "pulse", "pi", "pi");
    private static final Map<String, String> TEMP = Map.of("temp", "value");
    private static final Map<String, String> MODE = Map.of("mode", "mode");
    private static final Map<String, String> WEIGHT = Map.of("weight", "value", "resistance", "resistance");

    private static final List<Model> MODELS = List.of(
            new Model(DeviceFamily.AVA4, "BP_BIOLIGTH", MeasurementKind.BLOOD_PRESSURE, DeviceSlot.BLOOD_PRESSURE,
                    "WBP BIOLIGHT", BP, Map.of()),
            new Model(DeviceFamily.AVA4, "WBP BIOLIGHT", MeasurementKind.BLOOD_PRESSURE, DeviceSlot.BLOOD_PRESSURE,
                    "WBP BIOLIGHT", BP, Map.of()),
            new Model(DeviceFamily.AVA4, "BLE_BPG", MeasurementKind.BLOOD_PRESSURE, DeviceSlot.BLOOD_PRESSURE,
                    "BLE BPG", BP, Map.of()),
            new Model(DeviceFamily.AVA4, "Contour_Elite", MeasurementKind.BLOOD_GLUCOSE, DeviceSlot.GLUCOMETER,
                    "Contour Elite", GLUCOSE, MARKER, GLUCOMETER),
            new Model(DeviceFamily.AVA4, "AccuChek_Instant", MeasurementKind.BLOOD_GLUCOSE, DeviceSlot.GLUCOMETER,
                    "Accu-Chek Instant", GLUCOSE, MARKER, GLUCOMETER),
            new Model(DeviceFamily.AVA4, "Oximeter JUMPER", MeasurementKind.SPO2, DeviceSlot.OXIMETER,
                    "Oximeter JUMPER", SPO2, Map.of()),
            new Model(DeviceFamily.AVA4, "IR_TEMO_JUMPER", MeasurementKind.BODY_TEMPERATURE, DeviceSlot.THERMOMETER,
                    "IR Thermometer JUMPER", TEMP, MODE),
            new Model(DeviceFamily.AVA4, "BodyScale_JUMPER", MeasurementKind.BODY_WEIGHT, DeviceSlot.SCALE,
                    "Body Scale JUMPER", WEIGHT, Map.of()),
            new Model(DeviceFamily.AVA4, "MGSS_REF_UA", MeasurementKind.URIC_ACID, DeviceSlot.URIC_METER,
                    "MGSS uric acid meter", Map.of("uric_acid", "value"), Map.of()),
            new Model(DeviceFamily.AVA4, "MGSS_REF_CHOL", MeasurementKind.CHOLESTEROL, DeviceSlot.CHOLESTEROL_METER,
                    "MGSS cholesterol meter", Map.of("cholesterol", "value"), Map.of()),
            new Model(DeviceFamily.QUBE_VITAL, "WBP_JUMPER", MeasurementKind.BLOOD_PRESSURE, DeviceSlot.BLOOD_PRESSURE,
                    "WBP JUMPER", BP, Map.of()),
            new Model(DeviceFamily.QUBE_VITAL, "CONTOUR", MeasurementKind.BLOOD_GLUCOSE, DeviceSlot.GLUCOMETER,
                    "Contour", GLUCOSE, MARKER, GLUCOMETER),
            new Model(DeviceFamily.QUBE_VITAL, "Oximeter_JUMPER", MeasurementKind.SPO2, DeviceSlot.OXIMETER,
                    "Oximeter JUMPER", SPO2, Map.of()),
            new Model(DeviceFamily.QUBE_VITAL, "TEMO_Jumper", MeasurementKind.BODY_TEMPERATURE, DeviceSlot.THERMOMETER,
                    "Thermometer JUMPER", TEMP, MODE),
            new Model(DeviceFamily.QUBE_VITAL, "BodyScale_JUMPER", MeasurementKind.BODY_WEIGHT, DeviceSlot.SCALE,
                    "Body Scale JUMPER", WEIGHT, Map.of()));

    private DeviceModels() {
    }

    public static Optional<Model> find(DeviceFamily family, String attribute) {
        if (attribute == null) {
            return Optional.empty();
        }
        return MODELS.stream().filter(m -> m.family() == family && m.attribute().equals(attribute.strip()))
                .findFirst();
    }

    public static List<Model> all() {
        return MODELS;
    }
}
