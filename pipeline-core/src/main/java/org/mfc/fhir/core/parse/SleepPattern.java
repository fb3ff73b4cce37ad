package org.mfc.fhir.core.parse;

/**
 * A watch's sleep string: one character per 5 minutes, {@code 0} awake, {@code 1} light sleep, {@code 2} deep
 * sleep. Legacy strings also hold {@code 3}, letters and {@code #}: those count as not asleep.
 */
public final class SleepPattern {

    public static final int MINUTES_PER_SLOT = 5;

    /** Minutes asleep (light + deep), deep and light. */
    public record Minutes(int asleep, int deep, int light) {
    }

    private SleepPattern() {
    }

    /**
     * Why a pattern from a device is unacceptable, or null: at most
     * {@link org.mfc.fhir.core.json.PayloadLimits#MAX_SLEEP_PATTERN_LENGTH} characters (48 hours), each a digit, an
     * ASCII letter or {@code #} (what watches and the legacy data hold).
     */
    public static String problem(String pattern) {
        if (pattern.length() > org.mfc.fhir.core.json.PayloadLimits.MAX_SLEEP_PATTERN_LENGTH) {
            return "must be at most " + org.mfc.fhir.core.json.PayloadLimits.MAX_SLEEP_PATTERN_LENGTH
                    + " characters (48 hours)";
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '#')) {
                return "must hold only digits, letters and #: one character per 5 minutes";
            }
        }
        return null;
    }

    public static Minutes count(String pattern) {
        int deep = 0;
        int light = 0;
        for (int i = 0; i < pattern.length(); i++) {
            switch (pattern.charAt(i)) {
                case '1' -> light++;
                case '2' -> deep++;
                default -> {
                    // awake, or a legacy marker that is not sleep
                }
            }
        }
        return new Minutes((deep + light) * MINUTES_PER_SLOT, deep * MINUTES_PER_SLOT, light * MINUTES_PER_SLOT);
    }
}
