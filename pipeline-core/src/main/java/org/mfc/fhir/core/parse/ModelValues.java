package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.MeasurementKind;
import org.mfc.fhir.core.model.ReadingDetails;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the values and details of one BLE measurement according to its {@link DeviceModels.Model} row. */
final class ModelValues {

    /**
     * @param fields value key to the payload path it was read from, so a problem about a value names the field
     */
    record Extracted(Map<String, BigDecimal> values, Map<String, String> details, Map<String, String> fields) {
    }

    private ModelValues() {
    }

    /**
     * Values present in {@code item}, keyed by value key. A kind's defining values (the primary value, or both
     * blood-pressure components) are required; secondary values (pulse, perfusion index, impedance) are optional.
     * A meter with a measuring range may report its primary value as {@code HI} or {@code LO}: the value is then
     * the range's bound with the comparator {@code >} or {@code <} (detail {@link ReadingDetails#COMPARATOR}).
     */
    static Extracted read(DeviceModels.Model model, JsonNode item, String path, List<FieldProblem> problems) {
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>();
        model.values().forEach((payloadKey, valueKey) -> {
            String field = path + "." + payloadKey;
            fields.put(valueKey, field);
            if (model.range() != null && MeasurementKind.VALUE.equals(valueKey)) {
                String bound = outOfRange(Fields.text(item, payloadKey));
                if (bound != null) {
                    values.put(valueKey, bound.equals(">") ? model.range().high() : model.range().low());
                    details.put(ReadingDetails.COMPARATOR, bound);
                    return;
                }
            }
            BigDecimal v = Fields.decimal(item, payloadKey, field, problems);
            if (v != null) {
                values.put(valueKey, v);
            }
        });
        for (String required : requiredKeys(model.kind())) {
            if (!values.containsKey(required)) {
                String payloadKey = model.values().entrySet().stream().filter(e -> e.getValue().equals(required))
                        .map(Map.Entry::getKey).findFirst().orElse(required);
                String field = path + "." + payloadKey;
                if (problems.stream().noneMatch(p -> p.field().equals(field))) {
                    problems.add(new FieldProblem(field, "is required for " + model.attribute()));
                }
            }
        }
        model.details().forEach((payloadKey, detailKey) -> {
            String t = Fields.text(item, payloadKey);
            if (t != null) {
                details.put(detailKey, t);
            }
        });
        return new Extracted(values, details, fields);
    }

    /** {@code >} for a meter's {@code HI}, {@code <} for its {@code LO}, else null. */
    private static String outOfRange(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.strip().toUpperCase(Locale.ROOT)) {
            case "HI", "HIGH" -> ">";
            case "LO", "LOW" -> "<";
            default -> null;
        };
    }

    static List<String> requiredKeys(MeasurementKind kind) {
        if (kind.hasPrimaryValue()) {
            return List.of(MeasurementKind.VALUE);
        }
        return kind.components.stream().map(MeasurementKind.Component::key).toList();
    }
}
