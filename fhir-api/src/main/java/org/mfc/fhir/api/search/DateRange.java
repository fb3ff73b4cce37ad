package org.mfc.fhir.api.search;

import java.time.Instant;

/**
 * What ANDed {@code date} parameters leave of the time line: {@code from} inclusive, {@code to} exclusive, either
 * open (null). Every prefix the API supports is such an interval, so any number of them intersect to one, which is
 * one range on the effective-time index.
 */
public record DateRange(Instant from, Instant to) {

    public static final DateRange ALL = new DateRange(null, null);

    public DateRange intersect(DateRange other) {
        Instant f = from == null ? other.from : other.from == null ? from : max(from, other.from);
        Instant t = to == null ? other.to : other.to == null ? to : min(to, other.to);
        return new DateRange(f, t);
    }

    /** No instant can satisfy it (e.g. {@code date=lt2024&date=gt2025}). */
    public boolean empty() {
        return from != null && to != null && !from.isBefore(to);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
