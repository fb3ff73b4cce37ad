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
