package org.mfc.fhir.core.parse;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A watch's sleep window {@code "HHMM@HHMM"}: Thai local start and end times of a night. The night a report
 * belongs to is the latest occurrence of the start time at or before the report's {@code timeStamps} (a report at
 * 07:10 after a 22:00@07:00 window belongs to the night that began the previous evening); the end is on the next
 * day when it is earlier than the start.
 */
public record SleepWindow(LocalTime start, LocalTime end) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{2})(\\d{2})@(\\d{2})(\\d{2})");

    public record Night(Instant start, Instant end) {
    }

    public static Optional<SleepWindow> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        int sh = Integer.parseInt(m.group(1));
        int sm = Integer.parseInt(m.group(2));
        int eh = Integer.parseInt(m.group(3));
        int em = Integer.parseInt(m.group(4));
        if (sh > 23 || sm > 59 || eh > 23 || em > 59) {
            return Optional.empty();
        }
        return Optional.of(new SleepWindow(LocalTime.of(sh, sm), LocalTime.of(eh, em)));
    }

    public Night nightOf(Instant reportedAt) {
        ZonedDateTime local = reportedAt.atZone(ThaiTime.ZONE);
        ZonedDateTime start = local.toLocalDate().atTime(this.start).atZone(ThaiTime.ZONE);
        if (start.isAfter(local)) {
            start = start.minusDays(1);
        }
        ZonedDateTime end = start.toLocalDate().atTime(this.end).atZone(ThaiTime.ZONE);
        if (!end.isAfter(start)) {
            end = end.plusDays(1);
        }
        return new Night(start.toInstant(), end.toInstant());
    }
}
