package org.mfc.fhir.api.service;

/**
 * 404: no such resource, or one outside the caller's compartment (the answer is the same, so that a patient-scoped
 * token cannot learn which ids exist). {@code gone}: it existed and was deleted (410).
 */
public final class ResourceNotFound extends RuntimeException {

    private final boolean gone;

    public ResourceNotFound(String message, boolean gone) {
        super(message, null, false, false);
        this.gone = gone;
    }

    public boolean gone() {
        return gone;
    }
}
