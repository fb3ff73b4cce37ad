package org.mfc.fhir.core.ids;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import org.bson.types.ObjectId;
import org.mfc.fhir.core.model.DeviceIdentity;

/**
 * Ids that are a function of the fact they name (fhir-r5-mapping.md section 4): a replay, a duplicate upload or the
 * migrator converting the same fact lands on the same document.
 */
public final class DeterministicIds {

    private static final HexFormat HEX = HexFormat.of();

    private DeterministicIds() {
    }

    /**
     * The readable identity of an Observation (HL7 Personal Health Device guide): device, patient, code, the
     * device's own time (epoch seconds) and the value with its unit ({@link #valueText}). A second reading in the
     * same second with another value is another fact; a replay of the same reading is the same fact. {@code value}
     * is null for facts identified by their period (a night's sleep, a day's steps). Stored as
     * {@code Observation.identifier}; its hash is the resource id.
     */
    public static String observationKey(DeviceIdentity device, String patientId, String code, Instant deviceTime,
            String value) {
        return observationKey(device.key(), patientId, code, deviceTime, value);
    }

    /** As {@link #observationKey(DeviceIdentity, String, String, Instant, String)} for a device given by its key. */
    public static String observationKey(String deviceKey, String patientId, String code, Instant deviceTime,
            String value) {
        String key = deviceKey + "|" + patientId + "|" + code + "|" + deviceTime.getEpochSecond();
        return value == null ? key : key + "|" + value;
    }

    /**
     * A value as the identity spells it: comparator, number, a space, UCUM unit ({@code 72 /min},
     * {@code >600 mg/dL}); an absent value is {@code -}. The number is taken at double precision, the precision the
     * legacy history stores, so a reading and its legacy entry spell it alike ({@code 36.43000031}, {@code 137}).
     */
    public static String valueText(BigDecimal value, String unit, String comparator) {
        if (value == null) {
            return "-";
        }
        BigDecimal canonical = BigDecimal.valueOf(value.doubleValue()).stripTrailingZeros();
        if (canonical.signum() == 0) {
            canonical = BigDecimal.ZERO;
        }
        return (comparator == null ? "" : comparator) + canonical.toPlainString() + " " + unit;
    }

    /** Observation id: 32 hex digits (128 bits) of SHA-256 over {@link #observationKey}. */
    public static String observationId(String observationKey) {
        return HEX.formatHex(sha256("obs|" + observationKey), 0, 16);
    }

    /** FHIR Device id: the device's normalised key, readable and stable. */
    public static String deviceId(DeviceIdentity device) {
        return device.key();
    }

    /**
     * The legacy {@code patients._id} of a walk-in patient known only by citizen id: derived from the id so two
     * readings of the same walk-in (or a replay) never create two patients.
     */
    public static ObjectId walkInPatientId(String citizenId) {
        byte[] digest = sha256("walk-in|" + citizenId);
        byte[] twelve = new byte[12];
        System.arraycopy(digest, 0, twelve, 0, 12);
        return new ObjectId(twelve);
    }

    /** Hex SHA-256 of arbitrary text: content hashes and provenance ids. */
    public static String sha256Hex(String text) {
        return HEX.formatHex(sha256(text));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
