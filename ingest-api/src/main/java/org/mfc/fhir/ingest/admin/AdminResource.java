package org.mfc.fhir.ingest.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mfc.fhir.core.host.auth.Scopes;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Operator endpoints; scope {@code admin}. */
@Path("/admin")
@Tag(name = "admin", description = "Queue and request status for operators")
@SecurityRequirement(name = "bearer")
@RolesAllowed(Scopes.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    @Inject
    QueueStatsService queue;

    @Inject
    IngestStatusService ingests;

    @GET
    @Path("/queue/stats")
    @Operation(operationId = "queueStats", summary = "Queue size (worker lag), per-partition lag, consumers, "
            + "dead letters, status healthy/degraded/disabled/error")
    public QueueStats queueStats() {
        return queue.stats();
    }

    @GET
    @Path("/ingest/{ingest_id}")
    @Operation(operationId = "ingestStatus", summary = "What became of one request: stored (with resource ids), "
            + "parked or queued; 404 when unknown")
    public IngestStatus ingest(@PathParam("ingest_id") String ingestId) {
        return ingests.status(ingestId);
    }
}
