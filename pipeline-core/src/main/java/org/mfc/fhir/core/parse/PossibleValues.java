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
                problems.add(new FieldProblem(fields.getOrDefault(v.getKey(), v.getKey()), "is outside the "
                        + "physiologically possible range " + bound(limits.possibleMin()) + ".."
                        + bound(limits.possibleMax()) + " of " + reading.kind().display));
                ok = false;
            }
        }
        return ok;
    }

    private static String bound(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
