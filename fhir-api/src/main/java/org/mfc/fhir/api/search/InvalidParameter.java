package org.mfc.fhir.api.search;

/**
 * A search parameter the API refuses (400): the parameter's name and why, never its value (it may be a citizen id).
 * {@code issueCode} is the OperationOutcome issue type: {@code invalid}, {@code not-supported}, {@code required},
 * {@code too-long}.
 */
public final class InvalidParameter extends RuntimeException {

    private final String parameter;
    private final String issueCode;

    public InvalidParameter(String parameter, String issueCode, String message) {
        super(message, null, false, false);
        this.parameter = parameter;
        this.issueCode = issueCode;
    }

    public static InvalidParameter invalid(String parameter, String message) {
        return new InvalidParameter(parameter, "invalid", parameter + ": " + message);
    }

    public static InvalidParameter notSupported(String parameter, String message) {
        return new InvalidParameter(parameter, "not-supported", parameter + ": " + message);
    }

    public static InvalidParameter required(String parameter, String message) {
        return new InvalidParameter(parameter, "required", parameter + ": " + message);
    }

    public String parameter() {
        return parameter;
    }

    public String issueCode() {
        return issueCode;
    }
}
