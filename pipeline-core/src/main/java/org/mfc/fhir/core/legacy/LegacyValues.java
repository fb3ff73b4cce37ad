package org.mfc.fhir.core.legacy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;

import org.bson.types.Decimal128;

/**
 * Reads legacy values as they really occur (legacy-db.md section 3): numbers stored as strings, ints, longs,
 * doubles, Decimal128 or null within one field. Null, a missing field and blank text are "absent"; text that is not
 * a number is an error, never a zero.
 */
public final class LegacyValues {

    /** The outcome of reading one numeric field. */
    public record Number(BigDecimal value, boolean notANumber) {
        static final Number ABSENT = new Number(null, false);
        static final Number INVALID = new Number(null, true);

        public boolean present() {
            return value != null;
        }
    }

    private LegacyValues() {
    }

    public static Number number(Object raw) {
        if (raw == null) {
            return Number.ABSENT;
        }
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return new Number(BigDecimal.valueOf(((java.lang.Number) raw).longValue()), false);
        }
        if (raw instanceof Double || raw instanceof Float) {
            double d = ((java.lang.Number) raw).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Number.INVALID;
            }
            return new Number(BigDecimal.valueOf(d), false);
        }
        if (raw instanceof Decimal128 dec) {
            return dec.isNaN() || dec.isInfinite() ? Number.INVALID : new Number(dec.bigDecimalValue(), false);
        }
        if (raw instanceof String s) {
            String t = s.strip();
            if (t.isEmpty() || t.equalsIgnoreCase("null")) {
                return Number.ABSENT;
            }
            try {
                return new Number(new BigDecimal(t), false);
            } catch (NumberFormatException e) {
                return Number.INVALID;
            }
        }
        return Number.INVALID;
    }

    /** A legacy time: BSON Date, epoch milliseconds, or ISO-8601 text; null when absent or unreadable. */
    public static Instant instant(Object raw) {
        if (raw instanceof Date d) {
            return d.toInstant();
        }
        if (raw instanceof Long l) {
            return Instant.ofEpochMilli(l);
        }
        if (raw instanceof String s && !s.isBlank()) {
            try {
                return Instant.parse(s.strip());
            } catch (DateTimeParseException e) {
                try {
                    return java.time.OffsetDateTime.parse(s.strip()).toInstant();
                } catch (DateTimeParseException e2) {
                    return null;
                }
            }
        }
        return null;
    }

    public static String text(Object raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.toString().strip();
        return s.isEmpty() ? null : s;
    }

    /** {@code <prefix>_source}: 0 manual, 1 device, 2 watch; null when absent or not a small number. */
    public static Integer source(Object raw) {
        Number n = number(raw);
        if (!n.present()) {
            return null;
        }
        try {
            return n.value().intValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }
}
