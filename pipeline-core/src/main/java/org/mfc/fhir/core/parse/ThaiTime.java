package org.mfc.fhir.core.parse;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Thai local time (UTC+7, no daylight saving): the zone of legacy {@code date_tag}s, step days and sleep windows. */
public final class ThaiTime {

    public static final ZoneId ZONE = ZoneOffset.ofHours(7);

    private ThaiTime() {
    }

    /** Start (as an instant) of the Thai local day that contains {@code time}. */
    public static Instant startOfDay(Instant time) {
        return time.atZone(ZONE).toLocalDate().atStartOfDay(ZONE).toInstant();
    }
}
