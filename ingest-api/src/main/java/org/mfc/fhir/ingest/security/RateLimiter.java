package org.mfc.fhir.ingest.security;

import java.time.Duration;

import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.problem.ProblemException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A token bucket per client (token subject): {@code burst} requests at once, refilled at {@code perSecond}. One
 * instance's view only: with N instances behind a balancer a client gets up to N times the rate. The buckets are
 * Bucket4j's; a client's bucket is dropped once it has been idle long enough to be full again (it would then be no
 * different from a new one), and at most {@value #MAX_CLIENTS} are held at once, so a spray of client or device
 * names cannot grow the map (docs/decisions.md, "Rate limits from Bucket4j").
 */
@ApplicationScoped
public class RateLimiter {

    /**
     * Far above the clients active within one refill time (2 s for the API's defaults, 12 s for MQTT's), and about
     * 40 MB at most (bucket, key and cache node). Past it the least used are dropped, and their next request starts
     * a full bucket.
     */
    static final int MAX_CLIENTS = 100_000;

    private final Cache<String, Bucket> buckets;
    private final Bandwidth limit;

    @Inject
    public RateLimiter(IngestConfig config) {
        this(config.rateLimitPerSecond(), config.rateLimitBurst());
    }

    /** A limiter of its own, e.g. per device for the MQTT ingress, apart from the per-client one of the API. */
    public RateLimiter(double perSecond, int burst) {
        int capacity = Math.max(1, burst);
        // A thousand tokens per the matching period keeps a fractional rate (0.5/s) and a very high one exact.
        this.limit = Bandwidth.builder().capacity(capacity)
                .refillGreedy(1000, Duration.ofNanos(Math.max(1, Math.round(1e12 / perSecond)))).build();
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_CLIENTS)
                .expireAfterAccess(Duration.ofNanos(Math.max(1, (long) Math.ceil(capacity / perSecond * 1e9))))
                .executor(Runnable::run)
                .build();
    }

    /** Takes one token for {@code client}, or throws a 429 problem with the seconds until the next token. */
    public void acquire(String client) {
        Bucket bucket = buckets.get(client, c -> Bucket.builder().addLimit(limit).withNanosecondPrecision().build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw ProblemException.rateLimited((int) Math.max(1, Math.ceil(probe.getNanosToWaitForRefill() / 1e9)));
        }
    }
}
