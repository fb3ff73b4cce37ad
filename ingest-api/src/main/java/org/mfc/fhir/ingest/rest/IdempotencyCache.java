package org.mfc.fhir.ingest.rest;

import org.mfc.fhir.ingest.problem.ProblemException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.mfc.fhir.ingest.config.IngestConfig;
import org.mfc.fhir.ingest.service.IngestResult;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Replays the answer of a request retried with the same {@code Idempotency-Key}, without publishing again. Keys are
 * per client and endpoint; the same key with another body is refused (422). A concurrent retry waits for the first
 * attempt's answer instead of publishing a second time. Refusals and failures are not kept, so a client can retry
 * them.
 *
 * <p>Limit: in memory, one instance, bounded by {@code max-entries} (the least used dropped first) and {@code ttl}
 * from the first attempt. An entry counts one per started {@value #BYTES_PER_ENTRY} bytes of key and answer (most
 * answers are well under that; a synchronous answer's resource ids or a batch's refused items are not), so the bound
 * holds in memory too. A retry that lands on another instance, after a restart or after its entry was dropped
 * publishes again; that is harmless downstream because stored resources have deterministic ids, but the client gets a
 * new {@code ingest_id}.
 */
@ApplicationScoped
public class IdempotencyCache {

    static final int BYTES_PER_ENTRY = 1024;

    private record Entry(byte[] bodyHash, CompletableFuture<IngestResult> answer) {

        long estimatedBytes(String key) {
            long bytes = 120 + key.length() + bodyHash.length;
            return answer.isDone() && !answer.isCompletedExceptionally() ? bytes + answer.join().estimatedBytes()
                    : bytes;
        }
    }

    private final Cache<String, Entry> entries;

    @Inject
    public IdempotencyCache(IngestConfig config) {
        this(config.idempotencyTtl(), config.idempotencyMaxEntries());
    }

    IdempotencyCache(Duration ttl, int maxEntries) {
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxEntries)
                .weigher((String key, Entry e) -> (int) Math.min(Integer.MAX_VALUE,
                        1 + (e.estimatedBytes(key) - 1) / BYTES_PER_ENTRY))
                // The ttl runs from the first attempt; weighing the entry again once answered does not extend it.
                .expireAfter(Expiry.creating((String key, Entry e) -> ttl))
                .executor(Runnable::run)
                .build();
    }

    /**
     * The answer for {@code key}: the remembered one when the key was seen with the same body, else the one
     * {@code action} produces (remembered when it succeeds). Throws {@link ProblemException} at once when the key was
     * used with another body; never blocks: a concurrent retry is answered when the first attempt completes.
     */
    public CompletionStage<IngestResult> answer(String key, byte[] body,
            Supplier<? extends CompletionStage<IngestResult>> action) {
        byte[] hash = sha256(body);
        Entry mine = new Entry(hash, new CompletableFuture<>());
        Entry existing = entries.asMap().putIfAbsent(key, mine);
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
                // Weighed again with its answer; a no-op when the entry was dropped meanwhile.
                entries.asMap().replace(key, mine, mine);
            } else {
                forget(key, mine);
                mine.answer().completeExceptionally(failure);
            }
        });
    }

    private void forget(String key, Entry entry) {
        entries.asMap().remove(key, entry);
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
