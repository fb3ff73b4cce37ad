package org.mfc.fhir.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

/**
 * Verifies a bearer token once and reuses the verification for the token's next requests: a device posts every few
 * seconds with the same token, and the RSA signature check and claim parsing were the largest share of a request's
 * CPU. Only a token that passed full verification (signature, issuer, audience, expiry) is kept, under its exact
 * string, so a changed token is a different key and is verified afresh. A kept verification ends at the earlier of
 * the token's expiry (without the verifier's clock-skew grace) and {@code ttl} after verification, so a key removed
 * from the configuration stops being honoured within {@code ttl}.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class VerifiedTokenCache extends JWTCallerPrincipalFactory {

    private record Verified(JWTCallerPrincipal principal, long validUntilMillis) {
    }

    private final JWTCallerPrincipalFactory verifier;
    private final long ttlMillis;
    private final int maxEntries;
    private final Clock clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();

    @Inject
    public VerifiedTokenCache(IngestConfig config) {
        this(new DefaultJWTCallerPrincipalFactory(), config.tokenCacheTtl(), config.tokenCacheMaxEntries(),
                Clock.systemUTC());
    }

    VerifiedTokenCache(JWTCallerPrincipalFactory verifier, Duration ttl, int maxEntries, Clock clock) {
        this.verifier = verifier;
        this.ttlMillis = ttl.toMillis();
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        long now = clock.millis();
        Verified kept = verified.get(token);
        if (kept != null) {
            if (now < kept.validUntilMillis()) {
                hits.increment();
                return kept.principal();
            }
            verified.remove(token, kept);
        }
        JWTCallerPrincipal principal = verifier.parse(token, context);
        if (ttlMillis > 0 && maxEntries > 0) {
            long until = Math.min(now + ttlMillis, principal.getExpirationTime() * 1000L);
            if (verified.size() >= maxEntries) {
                verified.values().removeIf(v -> v.validUntilMillis() <= now);
            }
            if (until > now && verified.size() < maxEntries) {
                verified.put(token, new Verified(principal, until));
            }
        }
        return principal;
    }

    /** Requests answered from a kept verification, for tests and diagnosis. */
    long hits() {
        return hits.sum();
    }
}
