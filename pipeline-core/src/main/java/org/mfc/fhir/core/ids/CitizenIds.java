package org.mfc.fhir.core.ids;

/**
 * Thai citizen ids: 13 digits, the last a check digit over the first twelve (each digit times 13 down to 2, the
 * sum modulo 11 subtracted from 11, modulo 10). A card read wrong or a typed id is caught before it names a
 * patient.
 */
public final class CitizenIds {

    private CitizenIds() {
    }

    /**
     * The id as its digits: surrounding and inner white space and the dashes of its printed form
     * ({@code 3-7001-00123-46-3}) removed, as a card reader or a registry clerk may leave them; null stays null.
     */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '-' && !Character.isWhitespace(c) && c != '\u00A0') {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static boolean valid(String id) {
        if (id == null || id.length() != 13) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 13; i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            if (i < 12) {
                sum += (c - '0') * (13 - i);
            }
        }
        return (11 - sum % 11) % 10 == id.charAt(12) - '0';
    }
}
