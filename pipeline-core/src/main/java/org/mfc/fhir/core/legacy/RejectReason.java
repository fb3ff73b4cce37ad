package org.mfc.fhir.core.legacy;

/**
 * Why a legacy history entry (or one reading of it) was not converted. The codes appear in the migration report,
 * in {@code migration_rejects} and in the test-data generator's manifest, so a test can compare them exactly.
 */
public enum RejectReason {
    /** The bucket's {@code patient_id} names no patient ({@code "unknown"}, empty, not an id). */
    BUCKET_WITHOUT_PATIENT("bucket-without-patient"),
    /** The bucket's {@code patient_id} is an id, but {@code patients} holds no such document. */
    UNKNOWN_PATIENT("unknown-patient"),
    /** The entry is not a document. */
    MALFORMED_ENTRY("malformed-entry"),
    /** No {@code <prefix>_import_date}, or one that is not a time. */
    MISSING_TIME("missing-time"),
    /** The time is before any device of the fleet existed or far in the future (DeviceTimeRule). */
    IMPLAUSIBLE_TIME("implausible-time"),
    /** A value is text that is not a number ("abc"). */
    NOT_A_NUMBER("not-a-number"),
    /** A value the reading cannot exist without is null or absent (systolic without diastolic, empty entry). */
    MISSING_VALUE("missing-value"),
    /** A value outside the physiologically possible range of its kind ({@code MeasurementKind.limits}). */
    OUT_OF_RANGE("out-of-range"),
    /**
     * A value of a field whose unit the entry does not state (uric acid, total cholesterol, waist) whose magnitude
     * fits no unit's band (LegacyUnits): it could be either.
     */
    AMBIGUOUS_UNIT("ambiguous-unit"),
    /** Glucose entry whose meal marker cannot be told (no dtx_type, no marker, several values). */
    AMBIGUOUS_GLUCOSE_MARKER("ambiguous-glucose-marker"),
    /** Sleep entry without a usable window ({@code sleep_time}) or pattern ({@code sleep_data}). */
    MALFORMED_SLEEP("malformed-sleep"),
    /** Step entry whose day cannot be told ({@code date_tag} not {@code DDMMYYYY}). */
    MALFORMED_DAY("malformed-day"),
    /** The reading was read but the FHIR mapping refused it (the mapper's own checks; the reason is logged). */
    MAPPING_FAILED("mapping-failed");

    public final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public static RejectReason ofCode(String code) {
        for (RejectReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown reject reason " + code);
    }
}
