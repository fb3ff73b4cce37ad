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
    /** IEEE 11073-10101 nomenclature (MDC codes), as the HL7 Personal Health Device guide writes it. */
    public static final String MDC = "urn:iso:std:iso:11073:10101";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    public static final String REFERENCE_RANGE_MEANING = "http://terminology.hl7.org/CodeSystem/referencerange-meaning";
    /** The HL7 Personal Health Device gateway extension: the gateway a measurement was reported through. */
    public static final String GATEWAY_DEVICE_EXTENSION =
            "http://hl7.org/fhir/StructureDefinition/observation-gatewayDevice";

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
    /** Thai 13-digit citizen id whose check digit is right. */
    public static final String CITIZEN_ID = PROJECT_BASE + "/sid/th-citizen-id";
    /** A legacy {@code id_card} that is not a valid citizen id (wrong length or check digit): kept, not claimed. */
    public static final String LEGACY_ID_CARD = PROJECT_BASE + "/sid/legacy-id-card";
    /**
     * Hospital number ({@code hn_id_no}) of a patient the registry ties to no hospital. An HN is only unique within
     * its hospital: with a known hospital the system is {@link #hospitalNumber(String)}.
     */
    public static final String HOSPITAL_NUMBER = PROJECT_BASE + "/sid/hn";
    /** Data-quality flags ({@code meta.tag}): never clinical findings (docs/decisions.md, "Flags"). */
    public static final String DATA_QUALITY = PROJECT_BASE + "/CodeSystem/data-quality";
    /** The version of the mapping that produced a resource ({@code meta.tag}; envelope {@code mapping_version}). */
    public static final String MAPPING_VERSION = PROJECT_BASE + "/CodeSystem/mapping-version";
    /** How a value was obtained, where no standard code says it (a watch's cuffless estimate). */
    public static final String MEASUREMENT_METHOD = PROJECT_BASE + "/CodeSystem/measurement-method";
    /** Legacy `patients._id`, `hospitals._id`. */
    public static final String LEGACY_ID = PROJECT_BASE + "/sid/legacy-id";
    /** Ingest id carried by Provenance and stored documents. */
    public static final String INGEST_ID = PROJECT_BASE + "/sid/ingest-id";

    private Systems() {
    }

    /** The hospital-scoped HN system: {@code .../sid/hn/<hospital _id hex>}. */
    public static String hospitalNumber(String hospitalId) {
        return HOSPITAL_NUMBER + "/" + hospitalId;
    }
}
