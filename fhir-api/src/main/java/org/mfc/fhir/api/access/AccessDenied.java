package org.mfc.fhir.api.access;

/** The token does not grant the interaction (403), with a reason that names the scope or claim, never data. */
public final class AccessDenied extends RuntimeException {

    public AccessDenied(String reason) {
        super(reason, null, false, false);
    }
}
