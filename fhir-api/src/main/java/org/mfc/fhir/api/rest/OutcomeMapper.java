package org.mfc.fhir.api.rest;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.mfc.fhir.api.access.AccessDenied;
import org.mfc.fhir.api.fhir.FhirBody;
import org.mfc.fhir.api.fhir.FhirRenderer;
import org.mfc.fhir.api.fhir.Format;
import org.mfc.fhir.api.search.InvalidParameter;
import org.mfc.fhir.api.service.ResourceNotFound;
import org.mfc.fhir.core.store.TransientStoreException;

import com.mongodb.MongoExecutionTimeoutException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * The one renderer of refusals, as FHIR clients expect them: an OperationOutcome in the request's format, the
 * parameter at fault named in {@code expression} ({@code http.<name>}) and in the text, never a submitted value.
 * Client mistakes are 4xx; a database that is away or too slow is 503 with {@code Retry-After}; anything else is a
 * 500 without details (logged with the request id).
 */
public class OutcomeMapper {

    private static final Logger LOG = Logger.getLogger(OutcomeMapper.class);

    @ServerExceptionMapper
    public Response invalid(InvalidParameter e, ContainerRequestContext request) {
        return render(400, e.issueCode(), e.getMessage(), e.parameter(), request);
    }

    @ServerExceptionMapper
    public Response notFound(ResourceNotFound e, ContainerRequestContext request) {
        return render(e.gone() ? 410 : 404, e.gone() ? "deleted" : "not-found", e.getMessage(), null, request);
    }

    @ServerExceptionMapper
    public Response request(FhirRequestException e, ContainerRequestContext request) {
        return render(e.status, e.issueCode, e.getMessage(), null, request);
    }

    @ServerExceptionMapper
    public Response denied(AccessDenied e, ContainerRequestContext request) {
        return render(403, "forbidden", e.getMessage(), null, request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return render(403, "forbidden", "the token does not grant this request", null, request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, ContainerRequestContext request) {
        return unauthorized(request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, ContainerRequestContext request) {
        return unauthorized(request);
    }

    @ServerExceptionMapper
    public Response unavailable(TransientStoreException e, ContainerRequestContext request) {
        LOG.warnf("request %s: %s", RequestIds.of(request), e.getMessage());
        return Response.fromResponse(render(503, "transient", "the database is unavailable; retry later", null,
                request)).header("Retry-After", 5).build();
    }

    @ServerExceptionMapper
    public Response tooSlow(MongoExecutionTimeoutException e, ContainerRequestContext request) {
        LOG.warnf("request %s: a query exceeded the configured time limit", RequestIds.of(request));
        return Response.fromResponse(render(503, "too-costly", "the query took too long; narrow it (date, code) "
                + "or retry later", null, request)).header("Retry-After", 5).build();
    }

    /** JAX-RS's own refusals (unknown path 404, other methods 405, 406 ...) keep their status. */
    @ServerExceptionMapper
    public Response http(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, request);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String code = status == 404 ? "not-found" : status == 405 ? "not-supported" : "invalid";
        Response r = render(status, code, known == null ? "request refused" : known.getReasonPhrase(), null,
                request);
        String allow = e.getResponse().getHeaderString("Allow");
        if (allow == null && status == 405) {
            // RFC 9110: a 405 names the methods the resource has; every route of this API is read-only.
            allow = "GET, HEAD, OPTIONS";
        }
        return allow == null ? r : Response.fromResponse(r).header("Allow", allow).build();
    }

    /**
     * The HTTP layer's own refusal while the request is read: a query whose percent escapes cannot be decoded
     * ({@code %ZZ}) is the client's mistake, answered as one (FhirApiMain lets unencoded characters through).
     */
    @ServerExceptionMapper
    public Response httpLayer(io.vertx.ext.web.handler.HttpException e, ContainerRequestContext request) {
        if (e.getStatusCode() >= 500) {
            return unexpected(e, request);
        }
        return render(e.getStatusCode(), "invalid", e.getStatusCode() == 400
                ? "the query cannot be decoded: a % must be followed by two hexadecimal digits (%7C for |)"
                : "request refused", null, request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, ContainerRequestContext request) {
        LOG.errorf(e, "unexpected failure of request %s", RequestIds.of(request));
        return render(500, "exception", "an unexpected error occurred; it has been logged", null, request);
    }

    private Response unauthorized(ContainerRequestContext request) {
        return Response.fromResponse(render(401, "login", "a valid bearer token (issuer, audience, signature, "
                + "expiry) is required", null, request)).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private static Response render(int status, String issueCode, String message, String parameter,
            ContainerRequestContext request) {
        FhirBody body = FhirRenderer.outcome(issueCode, message, parameter, format(request));
        return Response.status(status).entity(body.bytes()).type(body.mediaType()).build();
    }

    /** The request's format where it can be told; JSON when {@code _format} itself was the problem. */
    private static Format format(ContainerRequestContext request) {
        try {
            var query = request.getUriInfo().getQueryParameters();
            return Format.negotiate(query.getFirst("_format"), request.getHeaderString(HttpHeaders.ACCEPT),
                    query.getFirst("_pretty"));
        } catch (InvalidParameter | io.vertx.ext.web.handler.HttpException e) {
            return Format.JSON;
        }
    }
}
