package org.mfc.fhir.core.legacy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mfc.fhir.core.model.MeasurementKind;

/**
 * Legacy fields whose entries do not say their unit, and the magnitudes that tell it (docs/decisions.md, "Units"):
 * a value is read in a unit only where no value of the other unit can fall; a value between the bands is refused
 * as {@code ambiguous-unit}, never guessed. The bands follow what was measured: meters report uric acid from
 * 179 umol/L (3 mg/dL) and laboratories never report 25 mg/dL; cholesterol meters report up to about 10 mmol/L
 * and no total cholesterol under 40 mg/dL is seen; a waist is under 40 in inches and over 70 in centimetres.
 */
final class LegacyUnits {

    /**
     * @param min        lowest value read as {@code kind}, inclusive
     * @param max        highest, inclusive
     * @param fieldsUnit true for the unit the legacy field is documented to hold; the other band is a value of
     *                   another unit written into the field, which its Observation then says (tag)
     */
    record Band(MeasurementKind kind, double min, double max, boolean fieldsUnit) {

        boolean contains(BigDecimal v) {
            return v.doubleValue() >= min && v.doubleValue() <= max;
        }
    }

    /** The outcome for one value: the kind to read it as, or none when it falls between the bands. */
    record Choice(MeasurementKind kind, boolean byMagnitude) {
    }

    private static final Map<String, List<Band>> BANDS = Map.of(
            "creatinine_histories.uric", List.of(new Band(MeasurementKind.URIC_ACID_MASS, 0, 25, true),
                    new Band(MeasurementKind.URIC_ACID, 60, Double.MAX_VALUE, false)),
            "lipid_histories.lipids", List.of(new Band(MeasurementKind.CHOLESTEROL, 0, 26, false),
                    new Band(MeasurementKind.LIPID_TOTAL, 40, Double.MAX_VALUE, true)),
            "body_data_histories.waist", List.of(new Band(MeasurementKind.WAIST_INCHES, 0, 40, false),
                    new Band(MeasurementKind.WAIST, 70, Double.MAX_VALUE, true)));

    private LegacyUnits() {
    }

    /** True when the field's unit is told by magnitude. */
    static boolean banded(String collection, String field) {
        return BANDS.containsKey(collection + "." + field);
    }

    /** The kind of the unit the field is documented to hold. */
    static MeasurementKind fieldsKind(String collection, String field) {
        return BANDS.get(collection + "." + field).stream().filter(Band::fieldsUnit).findFirst().orElseThrow().kind();
    }

    /**
     * The kind {@code value} of the field is read as. Below the lowest band or above the highest, the nearest band
     * is taken (its limits then refuse an impossible value as out of range); between two bands, empty.
     */
    static Optional<Choice> choose(String collection, String field, BigDecimal value) {
        List<Band> bands = BANDS.get(collection + "." + field);
        Band lowest = bands.get(0);
        for (Band b : bands) {
            if (b.min() < lowest.min()) {
                lowest = b;
            }
        }
        if (value.doubleValue() < lowest.min()) {
            return Optional.of(new Choice(lowest.kind(), !lowest.fieldsUnit()));
        }
        for (Band b : bands) {
            if (b.contains(value)) {
                return Optional.of(new Choice(b.kind(), !b.fieldsUnit()));
            }
        }
        return Optional.empty();
    }
}
