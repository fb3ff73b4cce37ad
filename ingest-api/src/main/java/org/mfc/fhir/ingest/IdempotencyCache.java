package org.mfc.fhir.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
     * {@code action} produces (remembered when it succeeds). Throws {@link ProblemException} at once when the key was
     * used with another body; never blocks: a concurrent retry is answered when the first attempt completes.
     */
    public CompletionStage<IngestResult> answer(String key, byte[] body,
            Supplier<? extends CompletionStage<IngestResult>> action) {
        byte[] hash = sha256(body);
        long now = System.nanoTime();
        Entry mine = new Entry(hash, new CompletableFuture<>(), now + ttlNanos);
        Entry existing;
        synchronized (entries) {
            existing = entries.get(key);
            if (existing != null && existing.expiresAtNanos() - now <= 0) {
                entries.remove(key);
                existing = null;
            }
            if (existing == null) {
                entries.put(key, mine);
            }
        }
        if (existing != null) {
            if (!MessageDigest.isEqual(existing.bodyHash(), hash)) {
                throw ProblemException.idempotencyKeyReused();
            }
            // A first attempt that was refused or failed is forgotten: this retry is then a new attempt.
            return existing.answer().handle((result, failure) -> failure == null
                    ? CompletableFuture.completedFuture(result)
                    : answer(key, body, action)).thenCompose(stage -> stage);
        }
        CompletionStage<IngestResult> attempt;
        try {
            attempt = action.get();
        } catch (RuntimeException e) {
            forget(key, mine);
            mine.answer().completeExceptionally(e);
            throw e;
        }
        return attempt.whenComplete((result, failure) -> {
            if (failure == null) {
                mine.answer().complete(result);
            } else {
                forget(key, mine);
                mine.answer().completeExceptionally(failure);
            }
        });
    }

    private void forget(String key, Entry entry) {
        synchronized (entries) {
            entries.remove(key, entry);
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
