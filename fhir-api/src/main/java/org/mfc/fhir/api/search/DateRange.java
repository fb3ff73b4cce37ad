package org.mfc.fhir.api.search;

import java.time.Duration;
import java.time.Instant;

/**
 * What ANDed {@code date} parameters leave, as bounds on the matched Observation's effective start and end: the start
 * in {@code [startFrom, startTo)}, the end in {@code [endFrom, endTo)}, any bound open (null). An
 * {@code effectiveDateTime} starts and ends at the same instant; an {@code effectivePeriod} (a day's steps, a night's
 * sleep) at its start and end. FHIR's rules for a date search on a range (search.html, "date"): {@code eq} matches a
 * target wholly within the value's range, {@code ge} and {@code gt} one that ends at or after it, {@code le} and
 * {@code lt} one that starts before it. Each prefix bounds one side, so any number of them intersect to one
 * {@code DateRange}, which is one range on the effective-time index and, for period ends, a filter.
 */
public record DateRange(Instant startFrom, Instant startTo, Instant endFrom, Instant endTo) {

    public static final DateRange ALL = new DateRange(null, null, null, null);

    /** {@code eq}: starts at or after {@code from} and ends before {@code to}. */
    public static DateRange within(Instant from, Instant to) {
        return new DateRange(from, null, null, to);
    }

    /** {@code ge}, {@code gt}: ends at or after {@code from}. */
    public static DateRange endingFrom(Instant from) {
        return new DateRange(null, null, from, null);
    }

    /** {@code le}, {@code lt}: starts before {@code to}. */
    public static DateRange startingBefore(Instant to) {
        return new DateRange(null, to, null, null);
    }

    public DateRange intersect(DateRange other) {
        return new DateRange(max(startFrom, other.startFrom), min(startTo, other.startTo), max(endFrom, other.endFrom),
                min(endTo, other.endTo));
    }

    /**
     * No Observation can satisfy it (e.g. {@code date=2025-04-01&date=2025-04-03}). A start never follows its end,
     * so a start from one instant and an end before it cannot both hold. ({@code lt2025-04-01&gt2025-04-01} is not
     * empty: a period covering the whole day matches it.)
     */
    public boolean empty() {
        return notBefore(startFrom, startTo) || notBefore(endFrom, endTo) || notBefore(startFrom, endTo);
    }

    /**
     * The lowest start a match can have when no effective period is longer than {@code longestPeriod}: the index
     * range's lower bound (null: open).
     */
    public Instant lowestStart(Duration longestPeriod) {
        return max(startFrom, endFrom == null ? null : endFrom.minus(longestPeriod));
    }

    /** Every match starts before this (exclusive; null: open): its start, and its end, bounded above. */
    public Instant startBelow() {
        return min(startTo, endTo);
    }

    private static boolean notBefore(Instant a, Instant b) {
        return a != null && b != null && !a.isBefore(b);
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }
}
