package org.mfc.fhir.api.rest;

/** A refusal of the HTTP layer itself (unknown type, unsupported interaction), rendered as an OperationOutcome. */
final class FhirRequestException extends RuntimeException {

    final int status;
    final String issueCode;

    FhirRequestException(int status, String issueCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.issueCode = issueCode;
    }
}
