package org.mfc.fhir.api.access;

/** The FHIR interactions of the read API, as scopes grant them (SMART v1 {@code read}, v2 {@code r} and {@code s}). */
public enum Interaction {
    /** {@code GET [type]/[id]}. */
    READ('r', "read"),
    /** {@code GET [type]?...} and {@code $lastn}. */
    SEARCH('s', "search-type");

    /** The SMART v2 permission letter. */
    public final char letter;
    /** The CapabilityStatement / audit name. */
    public final String code;

    Interaction(char letter, String code) {
        this.letter = letter;
        this.code = code;
    }
}
