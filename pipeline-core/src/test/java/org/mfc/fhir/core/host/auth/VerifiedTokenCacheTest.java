package org.mfc.fhir.core.host.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;

class VerifiedTokenCacheTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** A verifier that accepts tokens named "good-<expiry epoch second>" and counts its calls. */
    private static final class CountingVerifier extends JWTCallerPrincipalFactory {
        final AtomicInteger calls = new AtomicInteger();
        Instant now = NOW;
        Instant issuedAt = NOW;

        @Override
        public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
            calls.incrementAndGet();
            if (!token.startsWith("good-")) {
                throw new ParseException("bad signature");
            }
            // "good-<expiry>", optionally padded ("good-<expiry>-xxx") to make a long token.
            long exp = Long.parseLong(token.substring("good-".length()).split("-")[0]);
            if (exp <= now.getEpochSecond()) {
                throw new ParseException("expired");
            }
            JwtClaims claims = new JwtClaims();
            claims.setSubject("device");
            claims.setExpirationTime(NumericDate.fromSeconds(exp));
            claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
            return new DefaultJWTCallerPrincipal(claims);
        }
    }

    private final CountingVerifier verifier = new CountingVerifier();
    private final JWTAuthContextInfo context = new JWTAuthContextInfo();

    {
        context.setClockSkew(60);
    }

    private VerifiedTokenCache cache(Duration ttl, int max, Instant now) {
        return new VerifiedTokenCache(verifier, ttl, max, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String good(Instant expiry) {
        return "good-" + expiry.getEpochSecond();
    }

    @Test
    void givenVerifiedToken_whenUsedAgain_thenNotVerifiedAgain() throws Exception {
        VerifiedTokenCache cache = cache(Duration.ofMinutes(1), 10, NOW);
        String token = good(NOW.plusSeconds(3600));

        assertThat(cache.parse(token, context).getSubject()).isEqualTo("device");
        assertThat(cache.parse(token, context).getSubject()).isEqualTo("device");

        assertThat(verifier.calls).hasValue(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void givenTokenIssuedInTheFuture_whenPosted_thenRefusedAndNotKept() {
        VerifiedTokenCache cache = cache(Duration.ofMinutes(1), 10, NOW);
        verifier.issuedAt = NOW.plusSeconds(3600);

        assertThatThrownBy(() -> cache.parse(good(NOW.plusSeconds(7200)), context))
                .isInstanceOf(ParseException.class).hasMessageContaining("iat");
        assertThatThrownBy(() -> cache.parse(good(NOW.plusSeconds(7200)), context))
                .isInstanceOf(ParseException.class);
        assertThat(cache.hits()).isZero();
    }

    @Test
    void givenIssueTimeWithinTheClockSkew_whenPosted_thenAccepted() throws Exception {
        VerifiedTokenCache cache = cache(Duration.ofMinutes(1), 10, NOW);
        verifier.issuedAt = NOW.plusSeconds(30);

        assertThat(cache.parse(good(NOW.plusSeconds(600)), context).getSubject()).isEqualTo("device");
    }

    @Test
    void givenRefusedToken_whenUsedAgain_thenRefusedAgainByTheVerifier() {
        VerifiedTokenCache cache = cache(Duration.ofMinutes(1), 10, NOW);

        assertThatThrownBy(() -> cache.parse("forged", context)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> cache.parse("forged", context)).isInstanceOf(ParseException.class);

        assertThat(verifier.calls).hasValue(2);
    }

    @Test
    void givenKeptTokenOlderThanTtl_whenUsed_thenVerifiedAgain() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, Duration.ofSeconds(60), 10, clock);
        String token = good(NOW.plusSeconds(3600));
        cache.parse(token, context);

        clock.now = NOW.plusSeconds(59);
        cache.parse(token, context);
        assertThat(verifier.calls).hasValue(1);

        clock.now = NOW.plusSeconds(61);
        cache.parse(token, context);
        assertThat(verifier.calls).hasValue(2);
    }

    @Test
    void givenExpiryBeforeTtl_whenPastExpiry_thenVerifiedAgain() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        VerifiedTokenCache cache = new VerifiedTokenCache(verifier, Duration.ofMinutes(10), 10, clock);
        String token = good(NOW.plusSeconds(20));
        cache.parse(token, context);

        clock.now = NOW.plusSeconds(21);
        verifier.now = clock.now;
        assertThatThrownBy(() -> cache.parse(token, context)).isInstanceOf(ParseException.class);
        assertThat(verifier.calls).hasValue(2);
    }

    @Test
    void givenFullCache_whenTokensAlternate_thenNoMoreThanTheBoundIsKept() throws Exception {
        VerifiedTokenCache full = cache(Duration.ofMinutes(1), 1, NOW);
        String one = good(NOW.plusSeconds(3600));
        String other = good(NOW.plusSeconds(3601));
        full.parse(one, context);
        full.parse(other, context);
        full.parse(one, context);
        full.parse(other, context);

        // Room for one: whichever is kept, the other is verified each time it comes back.
        assertThat(verifier.calls.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void givenTokenLongerThanOneEntry_whenRoomForOne_thenNotKept() throws Exception {
        VerifiedTokenCache cache = cache(Duration.ofMinutes(1), 1, NOW);
        String longToken = good(NOW.plusSeconds(3600)) + "-" + "x".repeat(VerifiedTokenCache.TOKEN_BYTES_PER_ENTRY);

        cache.parse(longToken, context);
        cache.parse(longToken, context);

        assertThat(verifier.calls).hasValue(2);
    }

    @Test
    void givenZeroTtl_whenTokenUsedAgain_thenVerifiedEveryTime() throws Exception {
        VerifiedTokenCache off = cache(Duration.ZERO, 10, NOW);
        String token = good(NOW.plusSeconds(3600));
        off.parse(token, context);
        off.parse(token, context);

        assertThat(verifier.calls).hasValue(2);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public long millis() {
            return now.toEpochMilli();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
