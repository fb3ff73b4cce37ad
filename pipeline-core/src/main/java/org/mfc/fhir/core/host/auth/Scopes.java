package org.mfc.fhir.core.host.auth;

/**
 * The OAuth scopes the services check. The token's space-separated {@code scope} claim is read as its groups
 * ({@code smallrye.jwt.path.groups=scope}), so each scope is a role for {@code @RolesAllowed}.
 */
public final class Scopes {

    /** Posting device readings: for the devices the token's {@code device_ids} claim names. */
    public static final String OBSERVATION_WRITE = "system/Observation.write";
    /**
     * Posting for any device without a {@code device_ids} claim: only for trusted bridges (an MQTT bridge, a
     * vendor's cloud relay). Without it, a token that names no device may post for none.
     */
    public static final String FLEET = "fleet";
    /** Operator endpoints under {@code /admin} (ingest API and worker). */
    public static final String ADMIN = "admin";

    private Scopes() {
    }
}
