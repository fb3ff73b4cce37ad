package org.mfc.fhir.ingest.security;

import org.mfc.fhir.ingest.problem.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void givenBurstUsedUp_whenNextRequest_thenRefusedWithRetryAfter() {
        RateLimiter limiter = new RateLimiter(0.5, 2);
        limiter.acquire("a");
        limiter.acquire("a");

        assertThatThrownBy(() -> limiter.acquire("a")).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.errorCode()).isEqualTo("RATE_LIMITED");
            // One token every 2 s at 0.5/s.
            assertThat(e.retryAfterSeconds()).isBetween(1, 2);
        });
    }

    @Test
    void givenOneClientLimited_whenAnotherClientPosts_thenItHasItsOwnBucket() {
        RateLimiter limiter = new RateLimiter(0.001, 1);
        limiter.acquire("a");
        assertThatThrownBy(() -> limiter.acquire("a")).isInstanceOf(ProblemException.class);
        limiter.acquire("b");
    }

    @Test
    void givenHighRate_whenManyRequests_thenRefilledFastEnough() {
        RateLimiter limiter = new RateLimiter(1_000_000_000, 1);
        org.assertj.core.api.Assertions.assertThatCode(() -> {
            for (int i = 0; i < 1000; i++) {
                limiter.acquire("fast");
            }
        }).doesNotThrowAnyException();
    }
}
