package org.mfc.fhir.api.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code date} value with its prefix, as the interval of effective times it admits. The value is the implicit
 * range of its precision ({@code 2025-04} is the whole month); a value without a time zone is read as UTC. With the
 * target time {@code t} (an instant): {@code eq} (the default) {@code from <= t < to}, {@code ge} {@code t >= from},
 * {@code gt} {@code t >= to}, {@code le} {@code t < to}, {@code lt} {@code t < from}. Other prefixes ({@code ne},
 * {@code sa}, {@code eb}, {@code ap}) are refused.
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
        DateRange implicit = implicitRange(parameter, value);
        return switch (prefix) {
            case "eq" -> implicit;
            case "ge" -> new DateRange(implicit.from(), null);
            case "gt" -> new DateRange(implicit.to(), null);
            case "le" -> new DateRange(null, implicit.to());
            case "lt" -> new DateRange(null, implicit.from());
            case "ne", "sa", "eb", "ap" -> throw InvalidParameter.notSupported(parameter,
                    "prefix " + prefix + " is not supported (eq, ge, gt, le, lt are)");
            default -> throw InvalidParameter.invalid(parameter, "unknown prefix (eq, ge, gt, le, lt)");
        };
    }

    private static DateRange implicitRange(String parameter, String value) {
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

    private static DateRange range(LocalDateTime from, LocalDateTime to, ZoneOffset zone) {
        Instant f = OffsetDateTime.of(from, zone).toInstant();
        Instant t = OffsetDateTime.of(to, zone).toInstant();
        return new DateRange(f, t);
    }
}
