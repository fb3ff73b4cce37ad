package org.mfc.fhir.core.ids;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises device identifiers. Devices and the legacy registry spell one device many ways
 * ({@code d616f9641622}, {@code D6:16:F9:64:16:22}, {@code " D616F9641622 "}); matching and ids use one form:
 * MACs as 12 upper-case hex digits without separators, IMEIs as digits only.
 */
public final class Identifiers {

    private static final Pattern MAC_SEPARATORS = Pattern.compile("[\\s:\\-.]");
    private static final Pattern HEX12 = Pattern.compile("[0-9A-F]{12}");
    private static final Pattern IMEI = Pattern.compile("[0-9]{15}");

    private Identifiers() {
    }

    /** The normalised MAC, or empty when the text is not a 48-bit address in any accepted spelling. */
    public static Optional<String> mac(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String compact = MAC_SEPARATORS.matcher(raw).replaceAll("").toUpperCase(Locale.ROOT);
        return HEX12.matcher(compact).matches() ? Optional.of(compact) : Optional.empty();
    }

    /** The normalised IMEI (15 digits; registry noise such as a leading {@code :} or spaces is dropped). */
    public static Optional<String> imei(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String compact = raw.strip();
        while (!compact.isEmpty() && !Character.isDigit(compact.charAt(0))) {
            compact = compact.substring(1).strip();
        }
        return IMEI.matcher(compact).matches() ? Optional.of(compact) : Optional.empty();
    }

    /**
     * A case-insensitive regular expression that matches every registry spelling of a normalised MAC: optional
     * separators between bytes and surrounding white space. Used to look up noisy registry documents.
     */
    public static String macRegex(String normalisedMac) {
        StringBuilder re = new StringBuilder("^\\s*");
        for (int i = 0; i < normalisedMac.length(); i += 2) {
            if (i > 0) {
                re.append("[:\\-.]?");
            }
            re.append(normalisedMac, i, i + 2);
        }
        return re.append("\\s*$").toString();
    }

    /** Like {@link #macRegex} for IMEIs: surrounding white space and a leading {@code :} are tolerated. */
    public static String imeiRegex(String normalisedImei) {
        return "^\\s*:?\\s*" + normalisedImei + "\\s*$";
    }
}
