package org.mfc.fhir.core.parse;

import java.util.List;

import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.Reading;

/**
 * What one device message contains. A message with problems is rejected whole (nothing half-written), so callers
 * check {@link #valid()} before using the readings.
 *
 * @param source the device that sent the message (Kafka key, authorisation): the gateway for AVA4 and Qube, the
 *               watch for Kati
 */
public record ParseResult(MessageClass messageClass, DeviceIdentity source, List<Reading> readings,
        List<AlertEvent> alerts, List<FieldProblem> problems) {

    public ParseResult {
        readings = List.copyOf(readings);
        alerts = List.copyOf(alerts);
        problems = List.copyOf(problems);
    }

    public static ParseResult invalid(List<FieldProblem> problems) {
        return new ParseResult(null, null, List.of(), List.of(), problems);
    }

    public static ParseResult invalid(String field, String reason) {
        return invalid(List.of(new FieldProblem(field, reason)));
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
