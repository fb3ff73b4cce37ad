package org.mfc.fhir.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Replays the answer of a request retried with the same {@code Idempotency-Key}, without publishing again. Keys are
 * per client and endpoint; the same key with another body is refused (422). A concurrent retry waits for the first
 * attempt's answer instead of publishing a second time. Refusals and failures are not kept, so a client can retry
 * them.
 *
 * <p>Limit: in memory, one instance, bounded by {@code max-entries} (oldest dropped first) and {@code ttl}. A retry
 * that lands on another instance or after a restart publishes again; that is harmless downstream because stored
 * resources have deterministic ids, but the client gets a new {@code ingest_id}.
 */
@ApplicationScoped
public class IdempotencyCache {

    private record Entry(byte[] bodyHash, CompletableFuture<IngestResult> answer, long expiresAtNanos) {
    }

    private final Map<String, Entry> entries;
    private final long ttlNanos;

    @Inject
    public IdempotencyCache(IngestConfig config) {
        this(config.idempotencyTtl(), config.idempotencyMaxEntries());
    }

    IdempotencyCache(Duration ttl, int maxEntries) {
        this.ttlNanos = ttl.toNanos();
        this.entries = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * The answer for {@code key}: the remembered one when the key was seen with the same body, else the one
     * {@code action} produces (remembered when it succeeds).
     */
    public IngestResult answer(String key, byte[] body, Supplier<IngestResult> action) {
        byte[] hash = sha256(body);
        long now = System.nanoTime();
        CompletableFuture<IngestResult> mine = new CompletableFuture<>();
        Entry existing;
        synchronized (entries) {
            existing = entries.get(key);
            if (existing != null && existing.expiresAtNanos() - now <= 0) {
                entries.remove(key);
                existing = null;
            }
            if (existing == null) {
                entries.put(key, new Entry(hash, mine, now + ttlNanos));
            }
        }
        if (existing != null) {
            if (!MessageDigest.isEqual(existing.bodyHash(), hash)) {
                throw ProblemException.idempotencyKeyReused();
            }
            return await(existing.answer(), key, body, action);
        }
        try {
            IngestResult result = action.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            synchronized (entries) {
                entries.remove(key);
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private IngestResult await(CompletableFuture<IngestResult> first, String key, byte[] body,
            Supplier<IngestResult> action) {
        try {
            return first.get();
        } catch (ExecutionException e) {
            // The first attempt was refused or failed and is forgotten: this retry is a new attempt.
            return answer(key, body, action);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted while waiting for the first attempt", 1);
        }
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
