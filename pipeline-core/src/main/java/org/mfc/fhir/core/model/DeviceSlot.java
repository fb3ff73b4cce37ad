package org.mfc.fhir.core.model;

import java.util.Arrays;
import java.util.List;

/**
 * The one table of the legacy registry's device slots: for each kind of registered device, the fields that name it
 * ({@code amy_devices} first, then {@code patients.*_mac_address}, legacy-db.md section 1). Live resolution
 * ({@code legacy.PatientDirectory}) looks a measuring device up in every BLE slot's fields; the migrator
 * ({@code legacy.PatientDevices}) attributes old entries, which do not say which device took them, to the patient's
 * CURRENTLY registered device for the slot, or to a per-patient placeholder when none is registered
 * (docs/decisions.md, "Migration: identity"). A device model names its slot ({@code parse.DeviceModels}). In the
 * model, below both the parsers and the legacy package, because all three read it.
 */
public enum DeviceSlot {
    BLOOD_PRESSURE("bp", IdType.BLE_MAC, List.of("mac_bps", "mac_dusun_bps"), "blood_pressure_mac_address"),
    OXIMETER("oximeter", IdType.BLE_MAC, List.of("mac_oxymeter", "mac_mgss_oxymeter"),
            "fingertip_pulse_oximeter_mac_address"),
    THERMOMETER("thermometer", IdType.BLE_MAC, List.of("mac_body_temp"), "body_temperature_mac_address"),
    SCALE("scale", IdType.BLE_MAC, List.of("mac_weight"), "weight_scale_mac_address"),
    GLUCOMETER("glucometer", IdType.BLE_MAC, List.of("mac_gluc"), "blood_glucose_mac_address"),
    CHOLESTEROL_METER("cholesterol-meter", IdType.BLE_MAC, List.of("mac_chol"), "cholesterol_mac_address"),
    URIC_METER("uric-meter", IdType.BLE_MAC, List.of("mac_ua"), "uric_mac_address"),
    /**
     * A salt meter registered in {@code amy_devices}: it identifies the patient of a reading, though no kind the
     * pipeline stores comes from it yet; the registry has no {@code patients} field for it.
     */
    SALT_METER("salt-meter", IdType.BLE_MAC, List.of("mac_salt_meter"), null),
    WATCH("watch", IdType.IMEI, List.of("mac_watch"), "watch_mac_address"),
    /** Laboratory values (creatinine, urea, lipid panels, uric acid in mg/dL): always a placeholder. */
    LABORATORY("lab", null, List.of(), null),
    /** Entries typed in by hand ({@code <prefix>_source} 0): no device measured them. Always a placeholder. */
    MANUAL("manual", null, List.of(), null),
    /** A kind this table does not know yet: always a placeholder until a row is added here. */
    OTHER("device", null, List.of(), null);

    /** Short name used in placeholder device ids. */
    public final String code;
    /** How the registered device is identified; null for slots that never have one. */
    public final IdType idType;
    public final List<String> amyDevicesFields;
    public final String patientField;

    DeviceSlot(String code, IdType idType, List<String> amyDevicesFields, String patientField) {
        this.code = code;
        this.idType = idType;
        this.amyDevicesFields = amyDevicesFields;
        this.patientField = patientField;
    }

    /** {@code amy_devices} fields of every measuring (BLE) device, in table order. */
    public static List<String> bleAmyDevicesFields() {
        return Arrays.stream(values()).filter(s -> s.idType == IdType.BLE_MAC)
                .flatMap(s -> s.amyDevicesFields.stream()).toList();
    }

    /** {@code patients} fields of every measuring (BLE) device, in table order. */
    public static List<String> blePatientFields() {
        return Arrays.stream(values()).filter(s -> s.idType == IdType.BLE_MAC && s.patientField != null)
                .map(s -> s.patientField).toList();
    }

    /** The slot whose registered device measured a legacy entry of {@code kind}. */
    public static DeviceSlot of(MeasurementKind kind) {
        return switch (kind) {
            case BLOOD_PRESSURE -> BLOOD_PRESSURE;
            case SPO2, RESPIRATORY_RATE -> OXIMETER;
            case BODY_TEMPERATURE, OBJECT_TEMPERATURE -> THERMOMETER;
            case BODY_WEIGHT, BODY_HEIGHT, BMI -> SCALE;
            case BLOOD_GLUCOSE -> GLUCOMETER;
            case CHOLESTEROL -> CHOLESTEROL_METER;
            case URIC_ACID -> URIC_METER;
            // mg/dL panels are laboratory results: no meter of the fleet measures LDL, HDL or urea.
            case CREATININE, BUN, URIC_ACID_MASS, LIPID_TOTAL, LIPID_LDL, LIPID_HDL, TRIGLYCERIDES -> LABORATORY;
            // A tape measure is read by a person.
            case WAIST, WAIST_INCHES -> MANUAL;
            case HEART_RATE, STEPS, SLEEP, SKIN_TEMPERATURE -> WATCH;
            default -> OTHER;
        };
    }
}
