package org.mfc.fhir.worker;

import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Readiness as the worker experiences it: DOWN while writes keep failing past the retry bound (the worker is then
 * holding its batch uncommitted and consuming nothing), UP again after the first successful write.
 */
@Readiness
@ApplicationScoped
public class StoreAvailability implements HealthCheck {

    private final AtomicReference<String> outage = new AtomicReference<>();

    void unavailable(String reason) {
        outage.set(reason);
    }

    void available() {
        outage.set(null);
    }

    public boolean isAvailable() {
        return outage.get() == null;
    }

    @Override
    public HealthCheckResponse call() {
        String reason = outage.get();
        return HealthCheckResponse.named("fhir-store-writes").status(reason == null)
                .withData("reason", reason == null ? "writes succeed" : reason).build();
    }
}
