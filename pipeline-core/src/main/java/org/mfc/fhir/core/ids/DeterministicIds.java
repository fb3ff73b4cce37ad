package org.mfc.fhir.core.ids;

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
     * The readable identity of an Observation: device, patient, LOINC code, the device's own time (epoch seconds)
     * and an optional sub-kind. Stored as {@code Observation.identifier}; its hash is the resource id.
     */
    public static String observationKey(DeviceIdentity device, String patientId, String loinc, Instant deviceTime,
            String subKind) {
        String key = device.key() + "|" + patientId + "|" + loinc + "|" + deviceTime.getEpochSecond();
        return subKind == null || subKind.isEmpty() ? key : key + "|" + subKind;
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
