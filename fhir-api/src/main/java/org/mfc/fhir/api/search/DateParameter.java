package org.mfc.fhir.api.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code date} value with its prefix, as the bounds it puts on a match's effective start and end
 * ({@link DateRange}). The value is the implicit range {@code [from, to)} of its precision ({@code 2025-04} is the
 * whole month); a value without a time zone is read as UTC. With the target's start {@code s} and end {@code e} (the
 * same instant for an {@code effectiveDateTime}): {@code eq} (the default) {@code from <= s} and {@code e < to},
 * {@code ge} {@code e >= from}, {@code gt} {@code e >= to}, {@code le} {@code s < to}, {@code lt} {@code s < from}.
 * Other prefixes ({@code ne}, {@code sa}, {@code eb}, {@code ap}) are refused.
 */
final class DateParameter {

    private static final Pattern VALUE = Pattern.compile(
            "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");

    private DateParameter() {
    }

    static DateRange parse(String parameter, String text) {
        String prefix = "eq";
        String value = text;
        if (text.length() >= 2 && Character.isLetter(text.charAt(0))) {
            prefix = text.substring(0, 2);
            value = text.substring(2);
        }
        Implicit implicit = implicitRange(parameter, value);
        return switch (prefix) {
            case "eq" -> DateRange.within(implicit.from(), implicit.to());
            case "ge" -> DateRange.endingFrom(implicit.from());
            case "gt" -> DateRange.endingFrom(implicit.to());
            case "le" -> DateRange.startingBefore(implicit.to());
            case "lt" -> DateRange.startingBefore(implicit.from());
            case "ne", "sa", "eb", "ap" -> throw InvalidParameter.notSupported(parameter,
                    "prefix " + prefix + " is not supported (eq, ge, gt, le, lt are)");
            default -> throw InvalidParameter.invalid(parameter, "unknown prefix (eq, ge, gt, le, lt)");
        };
    }

    /** The value's implicit range: {@code [from, to)}. */
    private record Implicit(Instant from, Instant to) {
    }

    private static Implicit implicitRange(String parameter, String value) {
        Matcher m = VALUE.matcher(value);
        if (!m.matches()) {
            throw InvalidParameter.invalid(parameter,
                    "not a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.sss]][Z|+hh:mm])");
        }
        try {
            int year = Integer.parseInt(m.group(1));
            if (m.group(2) == null) {
                LocalDate start = LocalDate.of(year, 1, 1);
                return range(start.atStartOfDay(), start.plusYears(1).atStartOfDay(), ZoneOffset.UTC);
            }
            int month = Integer.parseInt(m.group(2));
            if (m.group(3) == null) {
                LocalDate start = LocalDate.of(year, month, 1);
                return range(start.atStartOfDay(), start.plusMonths(1).atStartOfDay(), ZoneOffset.UTC);
            }
            LocalDate day = LocalDate.of(year, month, Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return range(day.atStartOfDay(), day.plusDays(1).atStartOfDay(), ZoneOffset.UTC);
            }
            ZoneOffset zone = m.group(8) == null || m.group(8).equals("Z") ? ZoneOffset.UTC
                    : ZoneOffset.of(m.group(8));
            LocalDateTime minute = day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
            if (m.group(6) == null) {
                return range(minute, minute.plusMinutes(1), zone);
            }
            LocalDateTime second = minute.withSecond(Integer.parseInt(m.group(6)));
            if (m.group(7) == null) {
                return range(second, second.plusSeconds(1), zone);
            }
            String fraction = m.group(7).substring(1);
            long nanos = Long.parseLong((fraction + "000000000").substring(0, 9));
            long unit = (long) Math.pow(10, 9 - fraction.length());
            LocalDateTime at = second.withNano((int) nanos);
            return range(at, at.plusNanos(unit), zone);
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw InvalidParameter.invalid(parameter, "not a valid calendar date or time");
        }
    }

    private static Implicit range(LocalDateTime from, LocalDateTime to, ZoneOffset zone) {
        return new Implicit(OffsetDateTime.of(from, zone).toInstant(), OffsetDateTime.of(to, zone).toInstant());
    }
}
