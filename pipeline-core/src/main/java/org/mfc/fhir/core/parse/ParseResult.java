package org.mfc.fhir.core.parse;

import java.util.ArrayList;
import java.util.List;

import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.Reading;

/**
 * What one device message contains. A message with {@code problems} is refused whole (nothing half-written), so
 * callers check {@link #valid()} before using the readings. A message of several items (an AVA4
 * {@code device_list}, a Kati {@code AP55} batch) is refused whole only when none of its items is acceptable;
 * otherwise its acceptable items are its readings and each refused item is listed in {@code refusedItems} with its
 * own problems. Each item is stored whole or not at all. A refused item can also be one value that is a measurement
 * of its own beside others in the same message or item (a Kati vital, an oximeter's pulse): its field is named, the
 * values beside it are stored.
 *
 * @param source the device that sent the message (Kafka key, authorisation): the gateway for AVA4 and Qube, the
 *               watch for Kati
 */
public record ParseResult(MessageClass messageClass, DeviceIdentity source, List<Reading> readings,
        List<AlertEvent> alerts, List<FieldProblem> problems, List<RefusedItem> refusedItems) {

    /**
     * Most items one message may hold (a {@code device_list}, an {@code AP55} batch): a gateway reports a few, a
     * watch's hourly batch one a minute; a longer list is refused before its items are read.
     */
    public static final int MAX_ITEMS = 1000;

    /** An item of a multi-item message that cannot be stored, e.g. {@code data.value.device_list[2]}. */
    public record RefusedItem(String item, List<FieldProblem> problems) {

        public RefusedItem {
            problems = List.copyOf(problems);
        }
    }

    public ParseResult {
        readings = List.copyOf(readings);
        alerts = List.copyOf(alerts);
        problems = List.copyOf(problems);
        refusedItems = List.copyOf(refusedItems);
    }

    public ParseResult(MessageClass messageClass, DeviceIdentity source, List<Reading> readings,
            List<AlertEvent> alerts, List<FieldProblem> problems) {
        this(messageClass, source, readings, alerts, problems, List.of());
    }

    public static ParseResult invalid(List<FieldProblem> problems) {
        return new ParseResult(null, null, List.of(), List.of(), problems);
    }

    public static ParseResult invalid(String field, String reason) {
        return invalid(List.of(new FieldProblem(field, reason)));
    }

    /**
     * The readings of the acceptable items, the refused ones listed; or, when no item is acceptable, the message
     * refused with every item's problems.
     */
    static ParseResult ofItems(DeviceIdentity source, List<Reading> readings, List<RefusedItem> refused) {
        if (readings.isEmpty() && !refused.isEmpty()) {
            List<FieldProblem> all = new ArrayList<>();
            refused.forEach(r -> all.addAll(r.problems()));
            return invalid(all);
        }
        return new ParseResult(MessageClass.READINGS, source, readings, List.of(), List.of(), refused);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
