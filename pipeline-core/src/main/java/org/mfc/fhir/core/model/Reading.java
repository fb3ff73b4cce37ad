package org.mfc.fhir.core.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One measurement event as a device reported it, normalised across families: what was measured, by which device,
 * when the DEVICE says it was taken, and the values keyed by {@link MeasurementKind} value keys
 * (e.g. {@code systolic}, {@code diastolic}, {@code pulse}, {@code value}).
 *
 * @param deviceTime the device's own time of measurement (effective time); never the server clock
 * @param periodEnd  end of the measured period for period kinds (steps day, sleep window), else null
 * @param details    non-numeric qualifiers (glucose {@code marker}, temperature {@code mode}, sleep pattern ...)
 */
public record Reading(
        DeviceFamily family,
        MeasurementKind kind,
        DeviceIdentity device,
        DeviceIdentity gateway,
        PatientHint patientHint,
        Instant deviceTime,
        Instant periodEnd,
        Map<String, BigDecimal> values,
        Map<String, String> details) {

    public Reading {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(deviceTime, "deviceTime");
        values = Map.copyOf(values);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public BigDecimal value(String key) {
        return values.get(key);
    }
}
