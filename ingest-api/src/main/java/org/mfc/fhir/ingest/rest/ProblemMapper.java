package org.mfc.fhir.ingest.rest;

import org.mfc.fhir.ingest.problem.ProblemException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.ingest.metrics.IngestMetrics;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * The one renderer of refused requests: RFC 9457 problem details plus the old API's fields ({@code success},
 * {@code errors[].error_code/field/message}, {@code request_id}) so existing clients keep working. Never echoes
 * the submitted values. Every exception that reaches the REST layer ends here: client errors keep their 4xx status,
 * anything unexpected is a 500 without details (logged with the request id).
 */
public class ProblemMapper {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    /** Retry-After of a 503 for a database read: a short outage or an election. */
    static final int STORE_RETRY_AFTER_SECONDS = 5;

    @Inject
    IngestMetrics metrics;

    @ServerExceptionMapper
    public Response problem(ProblemException e, ContainerRequestContext request) {
        return render(e, request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, ContainerRequestContext request) {
        return unauthorized(request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, ContainerRequestContext request) {
        return unauthorized(request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return render(new ProblemException(403, "Forbidden", "the token lacks the scope this endpoint requires",
                "INSUFFICIENT_SCOPE", List.of(), null), request);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, ContainerRequestContext request) {
        return render(ProblemException.malformedJson("the body is not valid JSON"), request);
    }

    /** JAX-RS's own refusals: 404, 405, 406, 415, 400 ... keep their status. */
    @ServerExceptionMapper
    public Response http(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, request);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Client error" : known.getReasonPhrase();
        String code = known == null ? "CLIENT_ERROR" : known.name();
        Response r = render(new ProblemException(status, title, title, code, List.of(), null), request);
        if (e instanceof NotAllowedException && e.getResponse().getHeaderString("Allow") != null) {
            return Response.fromResponse(r).header("Allow", e.getResponse().getHeaderString("Allow")).build();
        }
        return r;
    }

    /** A read of the database (request status, queue stats) while it is away: 503, not an unexpected 500. */
    @ServerExceptionMapper
    public Response storeUnavailable(org.mfc.fhir.core.store.TransientStoreException e,
            ContainerRequestContext request) {
        LOG.warnf("request %s: the database is unavailable (%s)", request == null ? null : RequestIds.of(request),
                e.getClass().getSimpleName());
        return render(ProblemException.unavailable("the database did not answer; retry later",
                STORE_RETRY_AFTER_SECONDS), request);
    }

    @ServerExceptionMapper
    public Response mongo(com.mongodb.MongoException e, ContainerRequestContext request) {
        if (org.mfc.fhir.core.store.MongoErrors.isTransient(e)) {
            return storeUnavailable(new org.mfc.fhir.core.store.TransientStoreException("read", e), request);
        }
        return unexpected(e, request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, ContainerRequestContext request) {
        LOG.errorf(e, "unexpected failure of request %s", request == null ? null : RequestIds.of(request));
        return render(new ProblemException(500, "Internal error", "an unexpected error occurred; it has been logged",
                "INTERNAL_ERROR", List.of(), null), request);
    }

    private Response unauthorized(ContainerRequestContext request) {
        Response r = render(new ProblemException(401, "Unauthorized",
                "a valid bearer token (issuer, audience, signature, expiry) is required", "UNAUTHORIZED", List.of(),
                null), request);
        return Response.fromResponse(r).header("WWW-Authenticate", "Bearer").build();
    }

    Response render(ProblemException e, ContainerRequestContext request) {
        if (metrics != null) {
            metrics.rejected(e.errorCode());
        }
        String path = request == null ? null : request.getUriInfo().getRequestUri().getPath();
        Map<String, Object> body = body(e.status(), e.title(), e.getMessage(), e.errorCode(), e.problems(), path,
                request == null ? null : RequestIds.of(request));
        Response.ResponseBuilder r = Response.status(e.status()).type(PROBLEM_JSON).entity(body);
        if (e.retryAfterSeconds() != null) {
            r.header("Retry-After", e.retryAfterSeconds());
        }
        return r.build();
    }

    /** The problem document; also used outside JAX-RS (body-size and unknown-path answers of the HTTP layer). */
    static Map<String, Object> body(int status, String title, String detail, String errorCode,
            List<FieldProblem> problems, String path, String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://fhir.mfc.local/problems/" + errorCode.toLowerCase().replace('_', '-'));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (path != null) {
            body.put("instance", path);
        }
        body.put("error_code", errorCode);
        body.put("request_id", requestId);
        body.put("success", false);
        List<Map<String, Object>> errors = new ArrayList<>();
        for (FieldProblem p : problems) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("error_code", errorCode);
            err.put("field", p.field());
            err.put("message", p.reason());
            errors.add(err);
        }
        body.put("errors", errors);
        return body;
    }
}
