package org.mfc.fhir.core.fhir;

/**
 * A value outside the physiologically possible range of its kind ({@code MeasurementKind.Limits}): the message is
 * rejected with this reason (dead letter, stage MAP). The message names the field and the range, never the value.
 */
public final class ImplausibleValueException extends RuntimeException {

    public ImplausibleValueException(String message) {
        super(message, null, false, false);
    }
}
