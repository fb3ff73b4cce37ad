package org.mfc.fhir.core.ids;

import java.util.Optional;

/**
 * Normalises device identifiers. Devices and the legacy registry spell one device many ways
 * ({@code d616f9641622}, {@code D6:16:F9:64:16:22}, {@code " D616F9641622 "}); matching and ids use one form:
 * MACs as 12 upper-case hex digits without separators, IMEIs as digits only.
 */
public final class Identifiers {

    /**
     * Longest raw spelling considered at all: a MAC with separators and padding is under 30 characters. Longer
     * input is not an identifier, and is refused before any work proportional to its length.
     */
    public static final int MAX_RAW_LENGTH = 64;

    private Identifiers() {
    }

    /** The normalised MAC, or empty when the text is not a 48-bit address in any accepted spelling. */
    public static Optional<String> mac(String raw) {
        if (raw == null || raw.length() > MAX_RAW_LENGTH) {
            return Optional.empty();
        }
        StringBuilder hex = new StringBuilder(12);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == ':' || c == '-' || c == '.' || c == ' ' || (c >= '\t' && c <= '\r')) {
                continue;
            }
            int digit = Character.digit(c, 16);
            if (digit < 0 || c > 'f' || hex.length() == 12) {
                return Optional.empty();
            }
            hex.append(Character.toUpperCase(c));
        }
        return hex.length() == 12 ? Optional.of(hex.toString()) : Optional.empty();
    }

    /** The normalised IMEI (15 digits; registry noise such as a leading {@code :} or spaces is dropped). */
    public static Optional<String> imei(String raw) {
        if (raw == null || raw.length() > MAX_RAW_LENGTH) {
            return Optional.empty();
        }
        String compact = raw.strip();
        int start = 0;
        while (start < compact.length() && !Character.isDigit(compact.charAt(start))) {
            start++;
        }
        compact = compact.substring(start).strip();
        if (compact.length() != 15) {
            return Optional.empty();
        }
        for (int i = 0; i < compact.length(); i++) {
            if (!isAsciiDigit(compact.charAt(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(compact);
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * A case-insensitive regular expression that matches every registry spelling of a normalised MAC: optional
     * separators between bytes and surrounding white space. Used to look up noisy registry documents.
     */
    public static String macRegex(String normalisedMac) {
        return "^\\s*" + macBody(normalisedMac) + "\\s*$";
    }

    /**
     * As {@link #macRegex}, matching the spellings of any of the MACs: one registry query for a batch's devices.
     * A value it matches matches the {@link #macRegex} of exactly one of them, its {@link #mac normalised form}.
     */
    public static String anyMacRegex(java.util.Collection<String> normalisedMacs) {
        return anyOf(normalisedMacs.stream().map(Identifiers::macBody).toList());
    }

    private static String macBody(String normalisedMac) {
        StringBuilder re = new StringBuilder(normalisedMac.length() * 2);
        for (int i = 0; i < normalisedMac.length(); i += 2) {
            if (i > 0) {
                re.append("[:\\-.]?");
            }
            re.append(normalisedMac, i, Math.min(i + 2, normalisedMac.length()));
        }
        return re.toString();
    }

    /** As {@link #imeiRegex}, matching any of the IMEIs. */
    public static String anyImeiRegex(java.util.Collection<String> normalisedImeis) {
        return "^\\s*:?\\s*(?:" + String.join("|", normalisedImeis) + ")\\s*$";
    }

    /**
     * A registry {@code id_card} holding {@code citizenId} (its digits, {@link CitizenIds#normalise}) as typed by
     * hand: surrounding white space, and dashes or spaces between the digits ({@code 3-7001-00123-46-3}), tolerated.
     */
    public static String citizenIdRegex(String citizenId) {
        return anyOf(java.util.List.of(citizenIdBody(citizenId)));
    }

    /** As {@link #citizenIdRegex}, matching any of the ids. */
    public static String anyCitizenIdRegex(java.util.Collection<String> citizenIds) {
        return anyOf(citizenIds.stream().map(Identifiers::citizenIdBody).toList());
    }

    private static String citizenIdBody(String citizenId) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < citizenId.length(); i++) {
            if (i > 0) {
                re.append("[-\\s]*");
            }
            re.append(java.util.regex.Pattern.quote(String.valueOf(citizenId.charAt(i))));
        }
        return re.toString();
    }

    private static String anyOf(java.util.List<String> bodies) {
        return "^\\s*(?:" + String.join("|", bodies) + ")\\s*$";
    }

    /** Like {@link #macRegex} for IMEIs: surrounding white space and a leading {@code :} are tolerated. */
    public static String imeiRegex(String normalisedImei) {
        return "^\\s*:?\\s*" + normalisedImei + "\\s*$";
    }
}
