package org.mfc.fhir.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A token bucket per client (token subject): {@code burst} requests at once, refilled at {@code perSecond}. One
 * instance's view only: with N instances behind a balancer a client gets up to N times the rate. Buckets of clients
 * that went quiet are dropped once full, so the map holds only active clients.
 */
@ApplicationScoped
public class RateLimiter {

    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final double perSecond;
    private final int burst;

    @Inject
    public RateLimiter(IngestConfig config) {
        this(config.rateLimitPerSecond(), config.rateLimitBurst());
    }

    /** A limiter of its own, e.g. per device for the MQTT ingress, apart from the per-client one of the API. */
    public RateLimiter(double perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
    }

    /** Takes one token for {@code client}, or throws a 429 problem with the seconds until the next token. */
    public void acquire(String client) {
        long now = System.nanoTime();
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
        double wait;
        synchronized (bucket) {
            bucket.refill(now, perSecond, burst);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return;
            }
            wait = (1 - bucket.tokens) / perSecond;
        }
        if (buckets.size() > 10_000) {
            buckets.entrySet().removeIf(e -> e.getValue().isFull(now, perSecond, burst));
        }
        throw ProblemException.rateLimited((int) Math.max(1, Math.ceil(wait)));
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        void refill(long now, double perSecond, int burst) {
            tokens = Math.min(burst, tokens + (now - updated) / 1e9 * perSecond);
            updated = now;
        }

        synchronized boolean isFull(long now, double perSecond, int burst) {
            return tokens + (now - updated) / 1e9 * perSecond >= burst;
        }
    }
}
