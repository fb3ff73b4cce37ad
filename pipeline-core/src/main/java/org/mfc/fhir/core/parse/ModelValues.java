package org.mfc.fhir.core.parse;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.core.model.MeasurementKind;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the values and details of one BLE measurement according to its {@link DeviceModels.Model} row. */
final class ModelValues {

    record Extracted(Map<String, BigDecimal> values, Map<String, String> details) {
    }

    private ModelValues() {
    }

    /**
     * Values present in {@code item}, keyed by value key. A kind's defining values (the primary value, or both
     * blood-pressure components) are required; secondary values (pulse, perfusion index, impedance) are optional.
     */
    static Extracted read(DeviceModels.Model model, JsonNode item, String path, List<FieldProblem> problems) {
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        model.values().forEach((payloadKey, valueKey) -> {
            BigDecimal v = Fields.decimal(item, payloadKey, path + "." + payloadKey, problems);
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
        Map<String, String> details = new LinkedHashMap<>();
        model.details().forEach((payloadKey, detailKey) -> {
            String t = Fields.text(item, payloadKey);
            if (t != null) {
                details.put(detailKey, t);
            }
        });
        return new Extracted(values, details);
    }

    static List<String> requiredKeys(MeasurementKind kind) {
        if (kind.hasPrimaryValue()) {
            return List.of(MeasurementKind.VALUE);
        }
        return kind.components.stream().map(MeasurementKind.Component::key).toList();
    }
}
