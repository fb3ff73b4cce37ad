package org.mfc.fhir.core.model;

/**
 * Why one field of a payload is unacceptable. {@code field} is a JSON-pointer-like path into the request
 * ({@code data.value.device_list[0].bp_high}); {@code reason} never repeats the field's value, so problems can be
 * logged and returned without leaking patient data.
 */
public record FieldProblem(String field, String reason) {

    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
