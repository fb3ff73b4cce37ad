package org.mfc.fhir.core.model;

/**
 * Every URI the pipeline writes as a code or identifier system. The project's own systems live under
 * {@value #PROJECT_BASE} and are listed in the README, so a receiving system can interpret them.
 */
public final class Systems {

    public static final String LOINC = "http://loinc.org";
    public static final String UCUM = "http://unitsofmeasure.org";
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    public static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    public static final String VITAL_SIGNS_PROFILE_BASE = "http://hl7.org/fhir/StructureDefinition/";
    public static final String IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";

    public static final String PROJECT_BASE = "https://fhir.mfc.local";
    /** Codes for quantities LOINC has no code for (body impedance). */
    public static final String MEASUREMENT_CODES = PROJECT_BASE + "/CodeSystem/measurement";
    /** Readable, deterministic Observation identifier: device|patient|code|time. */
    public static final String OBSERVATION_ID = PROJECT_BASE + "/sid/observation";
    /** BLE addresses of measuring devices (HL7's EUI-48 Bluetooth system). */
    public static final String BLE_MAC = "http://hl7.org/fhir/sid/eui-48/bluetooth";
    /** MAC of gateway and kiosk boxes (AVA4, Qube-Vital). */
    public static final String BOX_MAC = PROJECT_BASE + "/sid/box-mac";
    public static final String IMEI = "urn:gsma:imei";
    /** Thai 13-digit citizen id. */
    public static final String CITIZEN_ID = PROJECT_BASE + "/sid/th-citizen-id";
    /** Hospital number (`hn_id_no`). */
    public static final String HOSPITAL_NUMBER = PROJECT_BASE + "/sid/hn";
    /** Legacy `patients._id`, `hospitals._id`. */
    public static final String LEGACY_ID = PROJECT_BASE + "/sid/legacy-id";
    /** Ingest id carried by Provenance and stored documents. */
    public static final String INGEST_ID = PROJECT_BASE + "/sid/ingest-id";

    private Systems() {
    }
}
