package org.mfc.fhir.ingest;

/**
 * The OAuth scopes the API checks. The token's space-separated {@code scope} claim is read as its groups
 * ({@code smallrye.jwt.path.groups=scope}), so each scope is a role for {@code @RolesAllowed}.
 */
public final class Scopes {

    /** Posting device readings. */
    public static final String OBSERVATION_WRITE = "system/Observation.write";
    /** Operator endpoints under {@code /admin}. */
    public static final String ADMIN = "admin";

    private Scopes() {
    }
}
