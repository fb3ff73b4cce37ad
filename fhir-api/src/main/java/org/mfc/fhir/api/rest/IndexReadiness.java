package org.mfc.fhir.api.rest;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.mfc.fhir.api.store.ReadIndexGate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Ready only once the indexes every query names exist (created at start-up, or retried while MongoDB is away). */
@Readiness
@ApplicationScoped
public class IndexReadiness implements HealthCheck {

    @Inject
    ReadIndexGate gate;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("fhir-read-indexes").status(gate.ready()).build();
    }
}
