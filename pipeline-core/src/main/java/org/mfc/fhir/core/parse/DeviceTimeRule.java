package org.mfc.fhir.core.parse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.mfc.fhir.core.model.FieldProblem;

/**
 * The one rule for device times (docs/decisions.md, "Device clocks"): a measurement time before {@link #FLOOR}
 * (older than any device in the fleet) or more than {@code maxAhead} after the pipeline received it is refused
 * with a problem naming the time field. A device clock is allowed a small skew into the future (minutes,
 * {@code DEVICE_CLOCK_MAX_AHEAD}); a device that sends its local time as UTC (seven hours ahead in Thailand) is
 * refused instead of being stored hours in the future, where it would hold back {@code patients.last_*}. Anything
 * older is the device's word and is kept as the effective time; a reading received more than {@code staleAfter}
 * after it was measured is stored with a {@code delayed-report} tag, never as current.
 */
public final class DeviceTimeRule {

    public static final Instant FLOOR = Instant.parse("2015-01-01T00:00:00Z");
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofMinutes(5);
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(24);
    public static final DeviceTimeRule DEFAULT = new DeviceTimeRule(DEFAULT_MAX_AHEAD);

    private final Duration maxAhead;

    public DeviceTimeRule(Duration maxAhead) {
        if (maxAhead.isNegative()) {
            throw new IllegalArgumentException("the allowed clock skew cannot be negative");
        }
        this.maxAhead = maxAhead;
    }

    public Duration maxAhead() {
        return maxAhead;
    }

    /** True when {@code deviceTime} is acceptable; otherwise adds a problem at {@code path}. */
    public boolean accepts(Instant deviceTime, Instant receivedAt, String path, List<FieldProblem> problems) {
        if (deviceTime.isBefore(FLOOR)) {
            problems.add(new FieldProblem(path, "device time is before " + FLOOR + ", the earliest accepted"));
            return false;
        }
        if (deviceTime.isAfter(receivedAt.plus(maxAhead))) {
            problems.add(new FieldProblem(path, "device time is more than " + describe(maxAhead)
                    + " after the time of receipt (device clock ahead, or local time sent as UTC)"));
            return false;
        }
        return true;
    }

    /** The rule with the default skew: what the migrator applies to legacy history against its run time. */
    public static boolean check(Instant deviceTime, Instant receivedAt, String path, List<FieldProblem> problems) {
        return DEFAULT.accepts(deviceTime, receivedAt, path, problems);
    }

    private static String describe(Duration d) {
        if (d.toSeconds() % 3600 == 0 && d.toHours() > 0) {
            return d.toHours() + " h";
        }
        if (d.toSeconds() % 60 == 0 && d.toMinutes() > 0) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }
}
