package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;

/**
 * The first half of the one plausibility rule ({@link MeasurementKind.Limits}) applied where a request is
 * validated, so a physiologically impossible value is refused to the device (422) in async mode as in sync mode,
 * instead of being queued and dead-lettered later. The worker applies the same table again when mapping.
 */
public final class PossibleValues {

    private PossibleValues() {
    }

    /**
     * One problem per impossible value; the field is {@code <kind>.<value key>} (for example
     * {@code blood_pressure.systolic}), the reason names the range, never the value.
     */
    public static List<FieldProblem> check(List<Reading> readings, String prefix) {
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            for (Map.Entry<String, BigDecimal> v : r.values().entrySet()) {
                MeasurementKind.Limits limits = r.kind().limits.get(v.getKey());
                if (limits != null && !limits.possible(v.getValue())) {
                    problems.add(new FieldProblem(prefix + r.kind().name().toLowerCase(Locale.ROOT) + "."
                            + v.getKey(), "reading " + (i + 1) + " is outside the physiologically possible range "
                            + bound(limits.possibleMin()) + ".." + bound(limits.possibleMax())));
                }
            }
        }
        return problems;
    }

    private static String bound(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
