package org.mfc.fhir.core.fhir;

import java.math.BigDecimal;

import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.GlucoseMarker;

/**
 * Normal capillary glucose by meal marker, mg/dL (American Diabetes Association): fasting or before a meal 70..99;
 * after a meal (two hours) and without a marker (random) 70..139.
 */
final class GlucoseNormal {

    private static final MeasurementKind.Normal FASTING = new MeasurementKind.Normal(BigDecimal.valueOf(70),
            BigDecimal.valueOf(99), "Normal fasting or before-meal glucose (ADA)");
    private static final MeasurementKind.Normal FED = new MeasurementKind.Normal(BigDecimal.valueOf(70),
            BigDecimal.valueOf(139), "Normal glucose after a meal or at a random time (ADA)");

    private GlucoseNormal() {
    }

    static MeasurementKind.Normal of(Reading reading) {
        return GlucoseMarker.parse(reading.details().get(GlucoseMarker.DETAIL))
                .map(m -> m == GlucoseMarker.FASTING || m == GlucoseMarker.BEFORE_MEAL ? FASTING : FED)
                .orElse(FED);
    }
}
