package org.mfc.fhir.ingest.mqtt;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mfc.fhir.ingest.Scopes;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The MQTT side for operators, beside {@code /admin/queue/stats}; scope {@code admin}. */
@Path("/admin/mqtt")
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
@RolesAllowed(Scopes.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class MqttAdminResource {

    @Inject
    MqttStats stats;

    @Inject
    MqttConfig config;

    @Inject
    MqttIngress ingress;

    @GET
    @Path("/stats")
    @Operation(operationId = "mqttStats", summary = "MQTT ingress: connected, subscriptions, messages received, "
            + "queued, stored, parked, rejected (by reason), redelivered, retries, unacknowledged and the oldest's age")
    public MqttStatsView stats() {
        return stats.view(config, ingress.clientId());
    }
}
