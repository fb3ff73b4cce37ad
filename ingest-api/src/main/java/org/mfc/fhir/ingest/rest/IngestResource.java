package org.mfc.fhir.ingest.rest;

import org.mfc.fhir.ingest.problem.ProblemException;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponses;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mfc.fhir.core.host.auth.Scopes;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.FieldProblem;
import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.security.Caller;
import org.mfc.fhir.ingest.security.RateLimiter;
import org.mfc.fhir.ingest.metrics.IngestMetrics;
import org.mfc.fhir.ingest.service.IngestResult;
import org.mfc.fhir.ingest.service.IngestService;

import io.smallrye.mutiny.Uni;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Device payloads: one native path per family, plus the old API's generic body on its old paths (README,
 * "Endpoints"). Every request is authenticated ({@link Scopes#OBSERVATION_WRITE}), rate limited per client,
 * optionally idempotent ({@code Idempotency-Key}), then validated and queued by {@link IngestService}.
 */
@Path("/api")
@Tag(name = "ingest", description = "Device readings")
@SecurityRequirement(name = "bearer")
@RolesAllowed(Scopes.OBSERVATION_WRITE)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@APIResponses({
    @APIResponse(responseCode = "202", description = "Queued: the broker acknowledged every accepted message; "
            + "'refused' lists the items (batch messages, device_list or AP55 entries) refused beside them",
            content = @Content(schema = @Schema(implementation = IngestResult.class))),
    @APIResponse(responseCode = "201", description = "Stored synchronously (async off or broker unavailable)",
            content = @Content(schema = @Schema(implementation = IngestResult.class))),
    @APIResponse(responseCode = "400", description = "Malformed JSON (syntax, duplicate keys, NaN/Infinity)"),
    @APIResponse(responseCode = "401", description = "No token, or an invalid or expired one"),
    @APIResponse(responseCode = "403", description = "Scope missing, or the token is bound to other devices"),
    @APIResponse(responseCode = "413", description = "Body over the size limit"),
    @APIResponse(responseCode = "415", description = "Content type is not application/json"),
    @APIResponse(responseCode = "422", description = "Well-formed but nothing in it is valid: the errors name each "
            + "field"),
    @APIResponse(responseCode = "429", description = "Over the client's rate limit; see Retry-After"),
    @APIResponse(responseCode = "503", description = "Neither the queue nor the database can take it; retry")
})
public class IngestResource {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

    @Inject
    IngestService ingest;

    @Inject
    JsonWebToken token;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    IdempotencyCache idempotency;

    @Inject
    IngestMetrics metrics;

    @Inject
    IngestConfig config;

    @POST
    @Path("/v1/ava4")
    @Operation(operationId = "postAva4", summary = "An AVA4 gateway message (reportAttribute, heartbeat), or an array")
    public Uni<Response> ava4(@Schema(type = SchemaType.OBJECT) byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, @Context ContainerRequestContext request) {
        return accept(DeviceFamily.AVA4, null, body, idempotencyKey, request);
    }

    @POST
    @Path("/v1/kati/{topic}")
    @Operation(operationId = "postKati", summary = "A Kati watch message; the topic is the watch's MQTT topic")
    public Uni<Response> kati(@Parameter(description = "VitalSign, AP55, hb, sleepdata, location, SOS, sos, "
            + "fallDown, onlineTrigger") @PathParam("topic") String topic,
            @Schema(type = SchemaType.OBJECT) byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, @Context ContainerRequestContext request) {
        return accept(DeviceFamily.KATI, topic, body, idempotencyKey, request);
    }

    @POST
    @Path("/v1/qube-vital")
    @Operation(operationId = "postQubeVital", summary = "A Qube-Vital kiosk message (reading with demographics, "
            + "heartbeat), or an array")
    public Uni<Response> qubeVital(@Schema(type = SchemaType.OBJECT) byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, @Context ContainerRequestContext request) {
        return accept(DeviceFamily.QUBE_VITAL, null, body, idempotencyKey, request);
    }

    @POST
    @Path("/ava4/data")
    @Operation(operationId = "postGenericAva4", summary = "Old API: generic body for an AVA4 box (device_id = box MAC)")
    public Uni<Response> genericAva4(@Schema(type = SchemaType.OBJECT) byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, @Context ContainerRequestContext request) {
        return accept(DeviceFamily.GENERIC, DeviceFamily.AVA4.name(), body, idempotencyKey, request);
    }

    @POST
    @Path("/kati/data")
    @Operation(operationId = "postGenericKati", summary = "Old API: generic body for a Kati watch (device_id = IMEI)")
    public Uni<Response> genericKati(@Schema(type = SchemaType.OBJECT) byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, @Context ContainerRequestContext request) {
        return accept(DeviceFamily.GENERIC, DeviceFamily.KATI.name(), body, idempotencyKey, request);
    }

    @POST
    @Path("/qube-vital/data")
    @Operation(operationId = "postGenericQubeVital", summary = "Old API: generic body for a Qube-Vital kiosk "
            + "(device_id = kiosk MAC)")
    public Uni<Response> genericQubeVital(@Schema(type = SchemaType.OBJECT) byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, @Context ContainerRequestContext request) {
        return accept(DeviceFamily.GENERIC, DeviceFamily.QUBE_VITAL.name(), body, idempotencyKey, request);
    }

    /**
     * A body above this size is parsed and validated on the worker pool: its parse and validation grow with it (a
     * 500-message batch, a 900,000-character field), and the event loop must never be held for more than the few
     * microseconds a device's usual message takes.
     */
    public static final int EVENT_LOOP_MAX_BODY_BYTES = 16 * 1024;

    /**
     * Runs on the event loop for a usual message: authentication, rate limit and validation are CPU work of a few
     * microseconds, and the answer completes when the broker acknowledges (or synchronous storage, on the worker
     * pool, finishes). A large body is validated on the worker pool instead.
     */
    private Uni<Response> accept(DeviceFamily family, String topic, byte[] body, String idempotencyKey,
            ContainerRequestContext request) {
        CompletionStage<IngestResult> answer;
        try {
            Caller caller = Caller.of(token);
            rateLimiter.acquire(caller.subject());
            if (body != null && body.length > config.maxBodyBytes()) {
                throw HttpProblems.tooLarge(config.maxBodyBytes());
            }
            String requestId = RequestIds.of(request);
            java.util.function.Supplier<CompletionStage<IngestResult>> accept = body != null
                    && body.length > EVENT_LOOP_MAX_BODY_BYTES
                            ? () -> java.util.concurrent.CompletableFuture.supplyAsync(
                                    () -> ingest.accept(family, topic, body, caller, requestId),
                                    io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                                    .thenCompose(stage -> stage)
                            : () -> ingest.accept(family, topic, body, caller, requestId);
            if (idempotencyKey == null || idempotencyKey.isBlank()) {
                answer = accept.get();
            } else {
                if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
                    throw ProblemException.invalid(List.of(new FieldProblem(IDEMPOTENCY_KEY,
                            "must be at most " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters")));
                }
                String key = caller.subject() + '|' + request.getUriInfo().getPath() + '|' + idempotencyKey;
                answer = idempotency.answer(key, body == null ? new byte[0] : body, accept);
            }
        } catch (ProblemException e) {
            metrics.request(family.name(), e.errorCode());
            throw e;
        } catch (RuntimeException e) {
            metrics.request(family.name(), "INTERNAL_ERROR");
            throw e;
        }
        // The failure passes through unchanged (a 503 problem stays a 503): throwing it again from a transform
        // would wrap it with itself in a CompositeException, which no mapper knows, and answer 500.
        return Uni.createFrom().completionStage(answer)
                .onFailure(CompletionException.class).transform(e -> e.getCause() == null ? e : e.getCause())
                .onFailure().invoke(failure -> metrics.request(family.name(),
                        failure instanceof ProblemException p ? p.errorCode() : "INTERNAL_ERROR"))
                .onItem().transform(result -> {
                    metrics.request(family.name(), result.status());
                    return Response.status(result.httpStatus()).entity(result).build();
                });
    }
}
