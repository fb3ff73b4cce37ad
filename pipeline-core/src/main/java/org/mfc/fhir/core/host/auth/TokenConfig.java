package org.mfc.fhir.core.host.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * Bearer-token verification shared by the HTTP hosts (ingest API, worker admin endpoints). Issuer, audience, key
 * location and the longest lifetime are SmallRye JWT's own settings ({@code mp.jwt.verify.*},
 * {@code smallrye.jwt.time-to-live}). Variables and defaults: this module's
 * {@code META-INF/microprofile-config.properties}.
 */
@ConfigMapping(prefix = "token")
public interface TokenConfig {

    /**
     * How long a verified token is trusted without verifying it again ({@code INGEST_TOKEN_CACHE_TTL}); never past
     * the token's expiry. 0 verifies every request.
     */
    @WithName("cache.ttl")
    Duration cacheTtl();

    /** Most verified tokens kept at once ({@code INGEST_TOKEN_CACHE_MAX_ENTRIES}). */
    @WithName("cache.max-entries")
    int cacheMaxEntries();

    /**
     * How often the verification keys ({@code JWT_PUBLIC_KEY_LOCATION}: a file, or a JWKS endpoint) are read again
     * ({@code JWT_KEYS_REFRESH}). A changed key set replaces the old one at once and empties the verified-token
     * cache, so a rotated key is honoured, and a removed one refused, within this time.
     */
    @WithName("keys-refresh")
    Duration keysRefresh();
}
