package org.mfc.fhir.core.host.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

/**
 * Verifies a bearer token once and reuses the verification for the token's next requests: a device posts every few
 * seconds with the same token, and the RSA signature check and claim parsing were the largest share of a request's
 * CPU. Only a token that passed full verification (signature, issuer, audience, expiry, lifetime) and this class's
 * own rule (no {@code iat} in the future beyond the clock skew) is kept, under its exact string, so a changed token is
 * a different key and is verified afresh. A kept verification ends at the earlier of the token's expiry (without the
 * verifier's clock-skew grace) and {@code ttl} after verification; a change of the verification keys empties the
 * cache, so a removed key stops being honoured when the new keys are read.
 * <p>
 * Bounded by {@code maxEntries} tokens of up to {@value #TOKEN_BYTES_PER_ENTRY} characters (a device token with a
 * handful of claims is well under that); a longer token counts as one entry per started
 * {@value #TOKEN_BYTES_PER_ENTRY}, since the kept principal holds the raw token and its parsed claims.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class VerifiedTokenCache extends JWTCallerPrincipalFactory {

    static final int TOKEN_BYTES_PER_ENTRY = 2048;

    private record Verified(JWTCallerPrincipal principal, long validUntilMillis) {
    }

    private final JWTCallerPrincipalFactory verifier;
    private final TokenKeys keys;
    private final long ttlMillis;
    private final Clock clock;
    /** Null when nothing is kept ({@code ttl} or {@code maxEntries} 0). */
    private final Cache<String, Verified> verified;
    private final LongAdder hits = new LongAdder();

    @Inject
    public VerifiedTokenCache(TokenConfig config,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") String keyLocation) {
        this(TokenKeys.watch(keyLocation, config.keysRefresh()), config.cacheTtl(), config.cacheMaxEntries(),
                Clock.systemUTC());
    }

    private VerifiedTokenCache(TokenKeys keys, Duration ttl, int maxEntries, Clock clock) {
        this(new RotatingVerifier(keys), keys, ttl, maxEntries, clock);
        keys.onChange(this::forgetAll);
    }

    VerifiedTokenCache(JWTCallerPrincipalFactory verifier, Duration ttl, int maxEntries, Clock clock) {
        this(verifier, null, ttl, maxEntries, clock);
    }

    private VerifiedTokenCache(JWTCallerPrincipalFactory verifier, TokenKeys keys, Duration ttl, int maxEntries,
            Clock clock) {
        this.verifier = verifier;
        this.keys = keys;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
        this.verified = ttlMillis > 0 && maxEntries > 0 ? Caffeine.newBuilder()
                .maximumWeight(maxEntries)
                .weigher((String token, Verified v) -> 1 + (token.length() - 1) / TOKEN_BYTES_PER_ENTRY)
                .expireAfter(Expiry.writing((String token, Verified v) ->
                        Duration.ofMillis(Math.max(0, v.validUntilMillis() - clock.millis()))))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build() : null;
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        long now = clock.millis();
        Verified kept = verified == null ? null : verified.getIfPresent(token);
        if (kept != null) {
            hits.increment();
            return kept.principal();
        }
        JWTCallerPrincipal principal = verifier.parse(token, context);
        refuseFutureIssue(principal, now, context.getClockSkew());
        if (verified != null) {
            long until = Math.min(now + ttlMillis, principal.getExpirationTime() * 1000L);
            if (until > now) {
                verified.put(token, new Verified(principal, until));
            }
        }
        return principal;
    }

    /**
     * A token issued in the future (beyond the allowed clock skew) was minted by a clock or an issuer that cannot be
     * trusted, and its lifetime cannot be judged: refused.
     */
    private static void refuseFutureIssue(JWTCallerPrincipal principal, long nowMillis, int skewSeconds)
            throws ParseException {
        long issuedAt = principal.getIssuedAtTime();
        if (issuedAt > nowMillis / 1000 + skewSeconds) {
            throw new ParseException("the token's iat is in the future");
        }
    }

    private void forgetAll() {
        if (verified != null) {
            verified.invalidateAll();
        }
    }

    /** Requests answered from a kept verification, for tests and diagnosis. */
    public long hits() {
        return hits.sum();
    }

    /** Verification keys were read at least once (always true for a cache built around a given verifier). */
    public boolean keysRead() {
        return keys == null || keys.current().content() != null;
    }

    /** Where the verification keys are read from, for readiness and logs; empty for a given verifier. */
    public String keysLocation() {
        return keys == null ? "" : keys.location();
    }

    /** Reads the verification keys again now (tests; the schedule does it every {@code token.keys-refresh}). */
    public void refreshKeys() {
        if (keys != null) {
            keys.refresh();
        }
    }

    @PreDestroy
    void close() {
        if (keys != null) {
            keys.close();
        }
    }
}
