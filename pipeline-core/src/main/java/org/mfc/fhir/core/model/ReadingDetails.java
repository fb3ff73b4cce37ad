package org.mfc.fhir.core.model;

/**
 * The keys of {@link Reading#details()} that parsers set and mappers read: non-numeric qualifiers of a measurement.
 * One list, so a parser and the mappers cannot disagree on a spelling.
 */
public final class ReadingDetails {

    /** Glucose meal marker as the device spelled it. */
    public static final String MARKER = "marker";
    /** Thermometer mode as the device spelled it ({@code Head}, {@code Ear}, {@code Object}...). */
    public static final String MODE = "mode";
    /**
     * Comparator of the primary value ({@code >} or {@code <}): the device reported a value beyond its range
     * ({@code HI}, {@code LO}) and the value is the range's bound.
     */
    public static final String COMPARATOR = "comparator";
    /** {@value #TIME_FROM_MESSAGE} when the item had no time of its own and the message's time was used. */
    public static final String TIME_SOURCE = "time_source";
    public static final String TIME_FROM_MESSAGE = "message";
    /** {@value #CUFFLESS} for a blood pressure a watch estimates without a cuff. */
    public static final String METHOD = "method";
    public static final String CUFFLESS = "cuffless";
    /** Body site where the device sits when it is not the usual one ({@value #WRIST} for a watch). */
    public static final String SITE = "site";
    public static final String WRIST = "wrist";

    /**
     * Present when the migrator decided the unit of a legacy value by its magnitude (the entry does not state it);
     * the value is the unit decided.
     */
    public static final String UNIT_BY_MAGNITUDE = "unit_by_magnitude";

    private ReadingDetails() {
    }
}
