package org.mfc.fhir.ingest.rest;

import org.mfc.fhir.ingest.problem.ProblemException;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.mfc.fhir.core.json.Json;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.metrics.IngestMetrics;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Problem answers the HTTP layer gives before a request reaches JAX-RS: a body over the size limit (refused by its
 * {@code Content-Length} before it is read, and when a chunked body overruns the limit) and a path no endpoint
 * serves. Same document as {@link ProblemMapper}'s.
 */
@ApplicationScoped
public class HttpProblems {

    @Inject
    IngestConfig config;

    @Inject
    IngestMetrics metrics;

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::refuseDeclaredOversize);
        router.route().order(Integer.MIN_VALUE).handler(this::refuseUndeclaredContentType);
        router.route().order(Integer.MIN_VALUE).handler(this::refuseContentCoding);
        router.route().order(Integer.MIN_VALUE).handler(this::refuseSeveralCredentials);
        // A chunked body has no Content-Length: it is read here with the limit, so an overrun fails this route
        // (and reaches the failure handler below) instead of ending in the HTTP layer's empty 413.
        BodyHandler chunked = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (ctx.request().getHeader("Content-Length") == null && ctx.request().headers().contains(
                    "Transfer-Encoding", "chunked", true)) {
                chunked.handle(ctx);
            } else {
                ctx.next();
            }
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                write(ctx, 413, "Payload too large", bodyLimit(), "PAYLOAD_TOO_LARGE",
                        List.of(new FieldProblem("$", bodyLimit())));
            } else {
                ctx.next();
            }
        });
        router.route().order(Integer.MAX_VALUE).handler(ctx -> write(ctx, 404, "Not found",
                "no endpoint at this path", "NOT_FOUND", List.of()));
    }

    static ProblemException tooLarge(int limit) {
        String detail = "the body is larger than " + limit + " bytes";
        return new ProblemException(413, "Payload too large", detail, "PAYLOAD_TOO_LARGE",
                List.of(new FieldProblem("$", detail)), null);
    }

    private void refuseDeclaredOversize(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > config.maxBodyBytes()) {
                    write(ctx, 413, "Payload too large", bodyLimit(), "PAYLOAD_TOO_LARGE",
                            List.of(new FieldProblem("$", bodyLimit())));
                    return;
                }
            } catch (NumberFormatException e) {
                // Vert.x refuses a malformed Content-Length itself.
            }
        }
        ctx.next();
    }

    /**
     * A device POST without {@code Content-Type} is refused (415) like any other body not declared JSON; left to
     * JAX-RS, a missing type would match {@code @Consumes(application/json)} and the body would be accepted.
     */
    private void refuseUndeclaredContentType(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.POST && ctx.request().getHeader("Content-Type") == null
                && ctx.normalizedPath().startsWith("/api/")) {
            write(ctx, 415, "Unsupported Media Type", "the body must be declared application/json",
                    "UNSUPPORTED_MEDIA_TYPE",
                    List.of(new FieldProblem("Content-Type", "is required: application/json")));
            return;
        }
        ctx.next();
    }

    /**
     * A body declared compressed ({@code Content-Encoding} other than {@code identity}) is refused (415, with
     * {@code Accept-Encoding: identity}): the API never decodes one, so a gzipped reading used to be answered
     * "not valid JSON at line 1, column 2", and a plain body declared compressed was accepted as if undeclared.
     * Decoding is not offered: a bounded compressed body can expand without bound before any limit sees it.
     */
    private void refuseContentCoding(RoutingContext ctx) {
        String coding = ctx.request().getHeader("Content-Encoding");
        if (coding != null && !identity(coding)) {
            ctx.response().putHeader("Accept-Encoding", "identity");
            write(ctx, 415, "Unsupported Media Type", "the body must be sent uncompressed",
                    "UNSUPPORTED_MEDIA_TYPE", List.of(new FieldProblem("Content-Encoding",
                            "is not supported: send the body uncompressed (identity)")));
            return;
        }
        ctx.next();
    }

    /**
     * Two {@code Authorization} headers are ambiguous credentials: the bearer mechanism reads the first, so the
     * answer depended on their order (a valid token then junk was accepted, junk then valid refused). Refused with a
     * 400 naming the header, whatever they hold.
     */
    private void refuseSeveralCredentials(RoutingContext ctx) {
        if (ctx.request().headers().getAll("Authorization").size() > 1) {
            write(ctx, 400, "Bad Request", "the request carries more than one Authorization header",
                    "AMBIGUOUS_CREDENTIALS", List.of(new FieldProblem("Authorization",
                            "must be sent once")));
            return;
        }
        ctx.next();
    }

    /** Every coding listed is {@code identity} (or the header is empty). */
    static boolean identity(String contentEncoding) {
        for (String coding : contentEncoding.split(",")) {
            String c = coding.strip();
            if (!c.isEmpty() && !c.equalsIgnoreCase("identity")) {
                return false;
            }
        }
        return true;
    }

    private String bodyLimit() {
        return "the body is larger than " + config.maxBodyBytes() + " bytes";
    }

    private void write(RoutingContext ctx, int status, String title, String detail, String code,
            List<FieldProblem> problems) {
        metrics.rejected(code);
        String given = ctx.request().getHeader(RequestIds.HEADER);
        String requestId = given != null && RequestIds.SANE.matcher(given).matches() ? given
                : UUID.randomUUID().toString();
        Map<String, Object> body = ProblemMapper.body(status, title, detail, code, problems, ctx.normalizedPath(),
                requestId);
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            json = "{\"status\":" + status + "}";
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", ProblemMapper.PROBLEM_JSON)
                .putHeader(RequestIds.HEADER, requestId);
        if (status == 413) {
            // The rest of an oversized body is not read: close the connection instead of draining it.
            ctx.response().putHeader("Connection", "close");
        }
        ctx.response().end(json);
    }
}
