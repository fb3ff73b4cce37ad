package org.mfc.fhir.core.host.auth;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * An instance that cannot verify a bearer token is not ready. Without this check a key location that cannot be read
 * (a secret mounted at another path, a typo in {@code JWT_PUBLIC_KEY_LOCATION}) gave an instance that reported ready
 * and answered every authenticated request with a 500, so a rolling update moved all traffic onto it. Two things must
 * hold: SmallRye JWT's settings resolve (resolving them reads a key file; a failure is not kept, so each probe tries
 * again and a key that appears later is taken), and {@link TokenKeys} has read the keys at least once. Once both
 * hold, a probe reads nothing. Shared by every service that verifies tokens.
 */
@Readiness
@ApplicationScoped
public class TokenVerificationReadiness implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(TokenVerificationReadiness.class);

    static final String NAME = "token-verification";

    @Inject
    VerifiedTokenCache verifier;

    @Inject
    JWTAuthContextInfo settings;

    private volatile boolean settingsResolved;

    /** Says at start, once, what an operator must fix; the probes say it again until it is fixed. */
    void onStart(@Observes StartupEvent event) {
        String problem = problem();
        if (problem != null) {
            LOG.errorf("bearer tokens cannot be verified: %s (JWT_PUBLIC_KEY_LOCATION: %s); every authenticated "
                    + "request fails and the instance reports not ready until the keys can be read", problem,
                    verifier.keysLocation());
        }
    }

    @Override
    public HealthCheckResponse call() {
        String problem = problem();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(problem == null)
                .withData("keys", verifier.keysLocation());
        if (problem != null) {
            response.withData("reason", problem);
        }
        return response.build();
    }

    /** Null when tokens can be verified, else why not (no token, claim or key content in it). */
    String problem() {
        if (!settingsResolved) {
            try {
                settings.getIssuedBy();
                settingsResolved = true;
            } catch (RuntimeException e) {
                return "the JWT settings do not resolve: " + reason(e);
            }
        }
        return verifier.keysRead() ? null : "no verification key could be read (nothing there, or nothing that holds a key)";
    }

    private static String reason(Throwable e) {
        Throwable cause = e.getCause();
        return cause == null || cause.getMessage() == null ? String.valueOf(e.getMessage())
                : e.getMessage() + " (" + cause.getMessage() + ")";
    }
}
