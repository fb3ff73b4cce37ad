package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

/**
 * The first half of the one plausibility rule ({@link MeasurementKind.Limits}) applied by the parsers, item by item,
 * so a physiologically impossible value refuses its item (422 naming the payload field when it is the only one) in
 * async mode as in sync mode, instead of being queued and dead-lettered later. The worker's mapper applies the same
 * table again.
 */
public final class PossibleValues {

    private static final String SYSTOLIC = "systolic";
    private static final String DIASTOLIC = "diastolic";

    private PossibleValues() {
    }

    /**
     * Adds one problem per impossible value of {@code reading}; the field is the payload field the value came from
     * ({@code fields}: value key to payload path), the reason names the range, never the value.
     *
     * @return true when every value is possible
     */
    public static boolean check(Reading reading, Map<String, String> fields, List<FieldProblem> problems) {
        boolean ok = true;
        for (Map.Entry<String, BigDecimal> v : reading.values().entrySet()) {
            MeasurementKind.Limits limits = reading.kind().limits.get(v.getKey());
            if (limits != null && !limits.possible(v.getValue())) {
                problems.add(problem(reading, v.getKey(), limits, fields));
                ok = false;
            }
        }
        BigDecimal systolic = reading.values().get(SYSTOLIC);
        BigDecimal diastolic = reading.values().get(DIASTOLIC);
        if (ok && reading.kind() == MeasurementKind.BLOOD_PRESSURE && systolic != null && diastolic != null
                && systolic.compareTo(diastolic) <= 0) {
            // Each within its range, yet no heart beats that way: swapped fields or a failed measurement.
            problems.add(new FieldProblem(fields.getOrDefault(SYSTOLIC, SYSTOLIC), "must be above the diastolic "
                    + "pressure (" + fields.getOrDefault(DIASTOLIC, DIASTOLIC) + ")"));
            ok = false;
        }
        return ok;
    }

    /**
     * Values that are measurements of their own beside the reading's main one: the pulse a cuff or an oximeter
     * reports (its own heart-rate Observation), the perfusion index, a scale's resistance. An impossible one (a pulse
     * of 0 when the oximeter did not catch it) is refused alone and the rest of the reading kept.
     */
    static final java.util.Set<String> SECONDARY = java.util.Set.of("pulse", "pi", "resistance");

    /**
     * {@code reading} without its impossible {@link #SECONDARY} values, each added to {@code refused} as a problem at
     * its payload field; the reading itself when every secondary value is possible.
     */
    public static Reading withoutImpossibleSecondary(Reading reading, Map<String, String> fields,
            List<FieldProblem> refused) {
        Map<String, BigDecimal> kept = null;
        for (Map.Entry<String, BigDecimal> v : reading.values().entrySet()) {
            MeasurementKind.Limits limits = reading.kind().limits.get(v.getKey());
            if (SECONDARY.contains(v.getKey()) && limits != null && !limits.possible(v.getValue())) {
                refused.add(problem(reading, v.getKey(), limits, fields));
                if (kept == null) {
                    kept = new java.util.LinkedHashMap<>(reading.values());
                }
                kept.remove(v.getKey());
            }
        }
        return kept == null ? reading : new Reading(reading.family(), reading.kind(), reading.device(),
                reading.gateway(), reading.patientHint(), reading.deviceTime(), reading.periodEnd(), kept,
                reading.details());
    }

    private static FieldProblem problem(Reading reading, String key, MeasurementKind.Limits limits,
            Map<String, String> fields) {
        String what = MeasurementKind.VALUE.equals(key) ? reading.kind().display
                : reading.kind().display + " (" + key + ")";
        return new FieldProblem(fields.getOrDefault(key, key), "is outside the physiologically possible range "
                + bound(limits.possibleMin()) + ".." + bound(limits.possibleMax()) + " of " + what);
    }

    private static String bound(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
