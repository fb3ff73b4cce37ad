package org.mfc.fhir.core.parse;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Thai local time (UTC+7, no daylight saving): the zone of the legacy application, so of legacy {@code date_tag}s,
 * {@code sleep_timestamp}s, birth dates, step days and sleep windows.
 */
public final class ThaiTime {

    public static final ZoneId ZONE = ZoneOffset.ofHours(7);
    /** The legacy {@code sleep_timestamp} form {@code DD/MM/YYYY HH:MM:SS}, in Thai local time. */
    private static final DateTimeFormatter LEGACY_STAMP = DateTimeFormatter.ofPattern("dd/MM/uuuu HH:mm:ss");

    private ThaiTime() {
    }

    /** Start (as an instant) of the Thai local day that contains {@code time}. */
    public static Instant startOfDay(Instant time) {
        return time.atZone(ZONE).toLocalDate().atStartOfDay(ZONE).toInstant();
    }

    /** {@code time} as the legacy application writes {@code sleep_timestamp}: Thai local, DD/MM/YYYY HH:MM:SS. */
    public static String legacyStamp(Instant time) {
        return LEGACY_STAMP.format(time.atZone(ZONE));
    }

    /** A legacy {@code sleep_timestamp} (Thai local), or null when the text is not one. */
    public static Instant parseLegacyStamp(String text) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text.strip(), LEGACY_STAMP).atZone(ZONE).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
