package org.mfc.fhir.core.parse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.mfc.fhir.core.model.FieldProblem;

/**
 * The one rule for implausible device times (README, "Device time rule"): a measurement time before
 * {@link #FLOOR} (older than any device in the fleet) or more than {@link #MAX_AHEAD} after the pipeline received it
 * (gateways with clocks years ahead) is rejected with a problem naming the time field. Anything in between is the
 * device's word and is kept as the effective time, even when it differs from the receipt time.
 */
public final class DeviceTimeRule {

    public static final Instant FLOOR = Instant.parse("2015-01-01T00:00:00Z");
    public static final Duration MAX_AHEAD = Duration.ofHours(24);

    private DeviceTimeRule() {
    }

    /** True when {@code deviceTime} is plausible; otherwise adds a problem at {@code path}. */
    public static boolean check(Instant deviceTime, Instant receivedAt, String path, List<FieldProblem> problems) {
        if (deviceTime.isBefore(FLOOR)) {
            problems.add(new FieldProblem(path, "device time is before " + FLOOR + ", the earliest accepted"));
            return false;
        }
        if (deviceTime.isAfter(receivedAt.plus(MAX_AHEAD))) {
            problems.add(new FieldProblem(path, "device time is more than " + MAX_AHEAD.toHours()
                    + " h after the time of receipt"));
            return false;
        }
        return true;
    }
}
