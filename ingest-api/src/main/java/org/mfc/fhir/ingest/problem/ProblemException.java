package org.mfc.fhir.ingest.problem;

import java.util.ArrayList;
import java.util.List;

import org.mfc.fhir.core.model.FieldProblem;

/**
 * A request the API refuses, rendered as RFC 9457 {@code application/problem+json} by {@link ProblemMapper}.
 * {@code errorCode} keeps the old API's machine-readable codes ({@code VALIDATION_ERROR}, {@code DEVICE_NOT_FOUND}
 * ...) available to existing clients.
 */
public class ProblemException extends RuntimeException {

    /** Most problems listed in one answer; the rest are counted in a last {@code $} entry. */
    static final int MAX_LISTED_PROBLEMS = 100;

    private final int status;
    private final String title;
    private final String errorCode;
    private final List<FieldProblem> problems;
    private final Integer retryAfterSeconds;

    public ProblemException(int status, String title, String detail, String errorCode, List<FieldProblem> problems,
            Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errorCode = errorCode;
        this.problems = List.copyOf(problems);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ProblemException malformedJson(String detail) {
        return new ProblemException(400, "Malformed JSON", detail, "INVALID_JSON",
                List.of(new FieldProblem("$", detail)), null);
    }

    public static ProblemException invalid(List<FieldProblem> problems) {
        List<FieldProblem> listed = problems;
        if (problems.size() > MAX_LISTED_PROBLEMS) {
            // A 1 MB body of 200,000 bad items would otherwise answer tens of megabytes of errors.
            listed = new ArrayList<>(problems.subList(0, MAX_LISTED_PROBLEMS));
            listed.add(new FieldProblem("$",
                    (problems.size() - MAX_LISTED_PROBLEMS) + " more problem(s) not listed"));
        }
        return new ProblemException(422, "Invalid reading", problems.size() + " field(s) are invalid",
                "VALIDATION_ERROR", listed, null);
    }

    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(503, "Temporarily unable to store readings", detail, "SERVICE_UNAVAILABLE",
                List.of(), retryAfterSeconds);
    }

    public static ProblemException deviceNotAllowed(String field, String deviceKey) {
        return new ProblemException(403, "Device not allowed", "the token is not bound to device " + deviceKey,
                "DEVICE_NOT_ALLOWED", List.of(new FieldProblem(field, "names a device this token may not post for")),
                null);
    }

    public static ProblemException rateLimited(int retryAfterSeconds) {
        return new ProblemException(429, "Too many requests", "the client's request rate is over its limit",
                "RATE_LIMITED", List.of(), retryAfterSeconds);
    }

    public static ProblemException idempotencyKeyReused() {
        return new ProblemException(422, "Idempotency key reused",
                "the Idempotency-Key was already used for a different request body", "IDEMPOTENCY_KEY_REUSED",
                List.of(new FieldProblem("Idempotency-Key", "was used before with another body")), null);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail, "NOT_FOUND", List.of(), null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String errorCode() {
        return errorCode;
    }

    public List<FieldProblem> problems() {
        return problems;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
