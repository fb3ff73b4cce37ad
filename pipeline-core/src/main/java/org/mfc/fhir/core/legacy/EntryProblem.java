package org.mfc.fhir.core.legacy;

/**
 * A reject (or a warning) about one legacy history entry, located precisely enough for an operator to open the
 * document: source collection, bucket {@code _id}, index in {@code data}. Carries field names, never values.
 *
 * @param kind  the measurement kind whose reading was not converted, or null when the whole entry was not
 * @param field the legacy field at fault, or null
 */
public record EntryProblem(String collection, String bucketId, int index, String kind, String field,
        String reason) {

    /** Stable key: the same problem found by an interrupted and a resumed run is stored once. */
    public String key() {
        return collection + ":" + bucketId + ":" + index + ":" + (kind == null ? "*" : kind);
    }
}
