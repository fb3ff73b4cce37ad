package org.mfc.fhir.core.legacy;

import org.mfc.fhir.core.model.Reading;

/**
 * A reading recovered from a legacy history entry.
 *
 * @param placeholderDevice true when no registered device is known for it: {@code reading.device().id()} is then a
 *                          per-patient placeholder id ({@code legacy-<slot>-<patient>}), not a MAC or IMEI
 * @param sourceRef         where it came from: {@code <collection>/<bucket _id>/<index>}
 */
public record MigratedReading(Reading reading, boolean placeholderDevice, String sourceRef) {
}
