package org.mfc.fhir.core.legacy;

import org.mfc.fhir.core.model.MeasurementKind;

/**
 * The names of the legacy database (legacy-db.md), exactly as the legacy application spells them, typos included:
 * a site whose database differs changes them here. History collections and entry fields are those of the kinds'
 * table ({@link MeasurementKind}, its {@code legacy} target), named here for the code that reads a collection whole;
 * registry device fields are those of {@link org.mfc.fhir.core.model.DeviceSlot}.
 */
public final class LegacyNames {

    // Registry (master data) collections, legacy-db.md section 1.
    public static final String PATIENTS = "patients";
    public static final String AMY_BOXES = "amy_boxes";
    public static final String AMY_DEVICES = "amy_devices";
    public static final String WATCHES = "watches";
    /** Qube-Vital kiosks. */
    public static final String KIOSK_BOXES = "mfc_hv01_boxes";
    public static final String HOSPITALS = "hospitals";
    /** Watch alarms, legacy-db.md section 2. */
    public static final String EMERGENCY_ALARM = "emergency_alarm";

    // History (bucket) collections, legacy-db.md section 2: from the kinds' table, where they are spelled once.
    public static final String BLOOD_PRESSURE_HISTORIES = MeasurementKind.BLOOD_PRESSURE.legacy.collection();
    public static final String BLOOD_SUGAR_HISTORIES = MeasurementKind.BLOOD_GLUCOSE.legacy.collection();
    public static final String SPO2_HISTORIES = MeasurementKind.SPO2.legacy.collection();
    /** Sic: {@code temprature}. */
    public static final String TEMPERATURE_HISTORIES = MeasurementKind.BODY_TEMPERATURE.legacy.collection();
    public static final String BODY_DATA_HISTORIES = MeasurementKind.BODY_WEIGHT.legacy.collection();
    public static final String STEP_HISTORIES = MeasurementKind.STEPS.legacy.collection();
    public static final String SLEEP_HISTORIES = MeasurementKind.SLEEP.legacy.collection();
    public static final String CREATININE_HISTORIES = MeasurementKind.CREATININE.legacy.collection();
    public static final String LIPID_HISTORIES = MeasurementKind.LIPID_TOTAL.legacy.collection();
    public static final String HEART_RATE_HISTORIES = MeasurementKind.HEART_RATE.legacy.collection();

    // Fields.
    /** The patient a registry or bucket document belongs to (read in every shape: {@link LegacyIds}). */
    public static final String PATIENT_ID = "patient_id";
    /** {@code patients}: the 13-digit citizen id. */
    public static final String ID_CARD = "id_card";
    /** {@code patients}: the AVA4 box the patient owns. */
    public static final String AVA_MAC_ADDRESS = "ava_mac_address";
    /** {@code patients}: the Kati watch's IMEI. */
    public static final String WATCH_MAC_ADDRESS = "watch_mac_address";
    /** {@code patients}: {@value #UNREGISTERED} for kiosk walk-ins. */
    public static final String REGISTRATION_STATUS = "registration_status";
    public static final String UNREGISTERED = "unregistered";
    /** {@code patients}: hospitals, an ObjectId list. */
    public static final String NEW_HOSPITAL_IDS = "new_hospital_ids";
    /**
     * {@code patients} (chosen here): a birth date known only to the year or month ({@code 1979}, {@code 1979-07});
     * the legacy {@code birth_date} holds whole dates only.
     */
    public static final String BIRTH_DATE_PARTIAL = "birth_date_partial";
    public static final String IS_DELETED = "is_deleted";
    /** {@code amy_boxes}: the box MAC. */
    public static final String MAC_ADDRESS = "mac_address";
    /** {@code amy_devices}: the patient's AVA4 box. */
    public static final String MAC_GW = "mac_gw";
    /** {@code watches}: the watch's IMEI. */
    public static final String IMEI = "imei";
    /** {@code mfc_hv01_boxes}: holds the box MAC, despite the name. */
    public static final String KIOSK_BOX_MAC = "imei_of_hv01_box";
    /** {@code mfc_hv01_boxes}: the kiosk's hospital. */
    public static final String HOSPITAL_ID = "hospital_id";
    /** Bucket documents: the entries array. */
    public static final String DATA = "data";
    /** Per-month bucket key ({@code MM-YYYY}) and the Thai-local day of a step or sleep entry ({@code DDMMYYYY}). */
    public static final String DATE_TAG = "date_tag";
    public static final String CREATED_AT = "created_at";
    public static final String UPDATED_AT = "updated_at";

    private LegacyNames() {
    }
}
