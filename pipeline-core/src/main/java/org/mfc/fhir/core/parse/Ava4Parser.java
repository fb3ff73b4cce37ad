package org.mfc.fhir.core.parse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mfc.fhir.core.ids.Identifiers;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.IdType;
import org.mfc.fhir.core.model.Reading;
import org.mfc.fhir.core.model.ReadingDetails;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * AVA4 home gateway messages (devices.md section 1): {@code reportAttribute} readings with a {@code device_list} of
 * BLE measurements, each with its own {@code scan_time} and {@code ble_addr}; heartbeats ({@code HB_Msg},
 * {@code reportMsg}) and command results are device status.
 */
public final class Ava4Parser implements PayloadParser {

    private final DeviceTimeRule timeRule;

    public Ava4Parser() {
        this(DeviceTimeRule.DEFAULT);
    }

    public Ava4Parser(DeviceTimeRule timeRule) {
        this.timeRule = timeRule;
    }

    @Override
    public ParseResult parse(JsonNode payload, String topic, Instant receivedAt) {
        if (payload == null || !payload.isObject()) {
            return ParseResult.invalid("$", "must be a JSON object");
        }
        List<FieldProblem> problems = new ArrayList<>();
        DeviceIdentity gateway = gateway(payload, problems);
        String type = Fields.text(payload, "type");
        if (type == null) {
            problems.add(new FieldProblem("type", "is required"));
            return ParseResult.invalid(problems);
        }
        if (type.equals("HB_Msg") || type.equals("reportMsg")) {
            return problems.isEmpty()
                    ? new ParseResult(MessageClass.DEVICE_STATUS, gateway, List.of(), List.of(), List.of())
                    : ParseResult.invalid(problems);
        }
        if (!type.equals("reportAttribute") && !type.equals("cmdResult")) {
            problems.add(new FieldProblem("type", "must be reportAttribute, cmdResult, HB_Msg or reportMsg"));
            return ParseResult.invalid(problems);
        }
        JsonNode data = payload.get("data");
        if (data == null || !data.isObject()) {
            problems.add(new FieldProblem("data", "is required and must be an object"));
            return ParseResult.invalid(problems);
        }
        if (isCommandStatus(data)) {
            return problems.isEmpty()
                    ? new ParseResult(MessageClass.COMMAND_STATUS, gateway, List.of(), List.of(), List.of())
                    : ParseResult.invalid(problems);
        }
        String attribute = Fields.text(data, "attribute");
        Optional<DeviceModels.Model> model = DeviceModels.find(DeviceFamily.AVA4, attribute);
        if (model.isEmpty()) {
            problems.add(new FieldProblem("data.attribute",
                    attribute == null ? "is required" : "is not a known AVA4 device attribute"));
            return ParseResult.invalid(problems);
        }
        JsonNode list = Fields.get(data.get("value"), "device_list");
        if (list == null || !list.isArray() || list.isEmpty()) {
            problems.add(new FieldProblem("data.value.device_list", "is required and must be a non-empty array"));
            return ParseResult.invalid(problems);
        }
        if (list.size() > ParseResult.MAX_ITEMS) {
            problems.add(new FieldProblem("data.value.device_list", "holds at most " + ParseResult.MAX_ITEMS
                    + " items"));
            return ParseResult.invalid(problems);
        }
        if (!problems.isEmpty()) {
            return ParseResult.invalid(problems);
        }
        Instant messageTime = messageTime(payload);
        List<Reading> readings = new ArrayList<>();
        List<ParseResult.RefusedItem> refused = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "data.value.device_list[" + i + "]";
            List<FieldProblem> itemProblems = new ArrayList<>();
            List<FieldProblem> refusedValues = new ArrayList<>();
            Reading r = reading(model.get(), list.get(i), path, gateway, messageTime, receivedAt, itemProblems,
                    refusedValues);
            if (r != null) {
                readings.add(r);
                refusedValues.forEach(v -> refused.add(new ParseResult.RefusedItem(v.field(), List.of(v))));
            } else {
                refused.add(new ParseResult.RefusedItem(path, itemProblems));
            }
        }
        return ParseResult.ofItems(gateway, readings, refused);
    }

    /**
     * One {@code device_list} item, or null with its problems. An item without {@code scan_time} is timed by the
     * message's {@code time} (and says so on its resources); an impossible value refuses the item, not the message,
     * except an impossible secondary value (a pulse of 0 beside a good SpO2), which is refused alone into
     * {@code refusedValues}.
     */
    private Reading reading(DeviceModels.Model model, JsonNode item, String path, DeviceIdentity gateway,
            Instant messageTime, Instant receivedAt, List<FieldProblem> problems, List<FieldProblem> refusedValues) {
        if (item == null || !item.isObject()) {
            problems.add(new FieldProblem(path, "must be an object"));
            return null;
        }
        Optional<String> ble = Identifiers.mac(Fields.text(item, "ble_addr"));
        if (ble.isEmpty()) {
            problems.add(new FieldProblem(path + ".ble_addr", "is required: 12 hex digits, separators optional"));
        }
        Instant scanTime;
        boolean fromMessage = false;
        JsonNode scan = Fields.get(item, "scan_time");
        if ((scan == null || scan.isNull()) && messageTime != null) {
            scanTime = messageTime;
            fromMessage = true;
        } else {
            scanTime = Fields.epochSeconds(item, "scan_time", path + ".scan_time", problems);
        }
        if (scanTime != null) {
            timeRule.accepts(scanTime, receivedAt, fromMessage ? "time" : path + ".scan_time", problems);
        }
        ModelValues.Extracted extracted = ModelValues.read(model, item, path, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        Map<String, String> details = new LinkedHashMap<>(extracted.details());
        if (fromMessage) {
            details.put(ReadingDetails.TIME_SOURCE, ReadingDetails.TIME_FROM_MESSAGE);
        }
        DeviceIdentity device = new DeviceIdentity(IdType.BLE_MAC, ble.get(), model.displayName());
        Reading reading = new Reading(DeviceFamily.AVA4, model.kindFor(details), device, gateway, null, scanTime,
                null, extracted.values(), details);
        List<FieldProblem> secondary = new ArrayList<>();
        Reading kept = PossibleValues.withoutImpossibleSecondary(reading, extracted.fields(), secondary);
        if (!PossibleValues.check(kept, extracted.fields(), problems)) {
            return null;
        }
        refusedValues.addAll(secondary);
        return kept;
    }

    /** The message's own {@code time} (epoch seconds), or null when absent or unreadable. */
    private static Instant messageTime(JsonNode payload) {
        List<FieldProblem> ignored = new ArrayList<>();
        JsonNode t = Fields.get(payload, "time");
        return t == null || t.isNull() ? null : Fields.epochSeconds(payload, "time", "time", ignored);
    }

    /** The box: {@code mac}, else {@code deviceCode}, else {@code data.mac}; all name the gateway. */
    private static DeviceIdentity gateway(JsonNode payload, List<FieldProblem> problems) {
        for (String field : new String[] {"mac", "deviceCode"}) {
            Optional<String> mac = Identifiers.mac(Fields.text(payload, field));
            if (mac.isPresent()) {
                return new DeviceIdentity(IdType.BOX_MAC, mac.get(), "AVA4");
            }
        }
        Optional<String> dataMac = Identifiers.mac(Fields.text(payload.get("data"), "mac"));
        if (dataMac.isPresent()) {
            return new DeviceIdentity(IdType.BOX_MAC, dataMac.get(), "AVA4");
        }
        problems.add(new FieldProblem("mac", "is required: the AVA4 box MAC (12 hex digits, separators optional)"));
        return null;
    }

    private static boolean isCommandStatus(JsonNode data) {
        if (data.has("attribute")) {
            return false;
        }
        for (var it = data.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!name.equals("id") && !name.equals("code")) {
                return false;
            }
        }
        return true;
    }
}
