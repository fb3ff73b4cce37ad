package org.mfc.fhir.worker;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.mfc.fhir.core.model.Stage;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * The admin endpoints' query parameters, read strictly: a value that is not what the parameter takes is a 400 naming
 * the parameter, never a default. Left to JAX-RS, {@code dry_run=ture} converted to false and ran a real replay, a
 * {@code limit} that was not a number answered an empty 404, and an unknown {@code stage} silently matched nothing.
 */
final class AdminParameters {

    static final String PROBLEM_JSON = "application/problem+json";

    private AdminParameters() {
    }

    /**
     * {@code true} or {@code false} (any case); absent: {@code absent}. Present without a value ({@code ?dry_run})
     * is refused too: whoever wrote it meant something, and guessing false would run a real replay.
     */
    static boolean flag(String name, String text, boolean absent) {
        if (text == null) {
            return absent;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, "must be true or false");
        };
    }

    /**
     * A whole number of at least 1, at most {@code max} (a larger one is {@code max}); absent or empty:
     * {@code absent}.
     */
    static int limit(String name, String text, int absent, int max) {
        if (text == null || text.isBlank()) {
            return absent;
        }
        String digits = text.strip();
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(name, "must be a whole number from 1 to " + max);
        }
        digits = digits.replaceFirst("^0+(?=.)", "");
        int value = digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (value < 1) {
            throw invalid(name, "must be a whole number from 1 to " + max);
        }
        return Math.min(value, max);
    }

    /** One of the pipeline's stages (any case), or absent (null). */
    static String stage(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String upper = text.strip().toUpperCase(Locale.ROOT);
        if (Arrays.stream(Stage.values()).noneMatch(s -> s.name().equals(upper))) {
            throw invalid(name, "must be one of " + Arrays.stream(Stage.values()).map(Stage::name)
                    .collect(Collectors.joining(", ")));
        }
        return upper;
    }

    /**
     * Refuses a query parameter the endpoint does not take: a misspelt one ({@code dryRun} for {@code dry_run}) must
     * be a 400, never the real operation with the parameter ignored.
     */
    static void only(UriInfo uri, String... known) {
        List<String> names = List.of(known);
        for (Map.Entry<String, List<String>> e : uri.getQueryParameters().entrySet()) {
            String name = e.getKey();
            if (!names.contains(name)) {
                String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
                throw invalid(shown, "is not a parameter of this endpoint; it takes "
                        + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
            // Given twice (stage=MAP&stage=PARSE), only the first would count; without a value (limit=), the default.
            if (e.getValue().size() > 1) {
                throw invalid(name, "is given more than once; give it once");
            }
            if (!e.getValue().isEmpty() && (e.getValue().get(0) == null || e.getValue().get(0).isEmpty())) {
                throw invalid(name, "has no value; leave it out for the default");
            }
        }
    }

    /** 400 with a problem document naming the parameter (the value itself is not repeated). */
    static WebApplicationException invalid(String name, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Invalid parameter");
        body.put("status", 400);
        body.put("detail", name + ": " + message);
        body.put("errors", List.of(Map.of("field", name, "message", message)));
        return new WebApplicationException(Response.status(400).type(PROBLEM_JSON).entity(body).build());
    }
}
