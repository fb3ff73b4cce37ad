package org.mfc.fhir.ingest.service;

import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The last answers this instance gave, by {@code ingest_id}, so {@code GET /admin/ingest/{id}} can tell "queued,
 * nothing stored yet" from "never seen here". In memory and bounded: after a restart, or for a request another
 * instance took, only what the databases show is known.
 */
@ApplicationScoped
public class RecentIngests {

    /**
     * Answers of up to {@value #BYTES_PER_ENTRY} bytes kept (a queued answer is about half that); a larger one (a
     * synchronous answer's resource ids, a batch's refused items) counts one per started {@value #BYTES_PER_ENTRY},
     * so the memory bound holds whatever the answers hold: about 100 MiB at most.
     */
    static final int MAX_ENTRIES = 100_000;
    static final int BYTES_PER_ENTRY = 1024;

    /**
     * An answer, and whether its messages hold nothing to store (heartbeats, command results): such a request is
     * done once answered, where another "queued" one waits for the worker.
     */
    public record Entry(IngestResult answer, boolean nothingToStore) {
    }

    private final Cache<String, Entry> answers = Caffeine.newBuilder()
            .maximumWeight(MAX_ENTRIES)
            .weigher((String id, Entry e) -> weight(e.answer().estimatedBytes()))
            // Eviction upkeep on the calling thread: one common-pool task per few requests woke a pool thread
            // about 1.5 times per request (300 req/s: 450 wake-ups a second) for work of a microsecond.
            .executor(Runnable::run)
            .build();

    public void remember(IngestResult result) {
        remember(result, false);
    }

    public void remember(IngestResult result, boolean nothingToStore) {
        answers.put(result.ingestId(), new Entry(result, nothingToStore));
    }

    public Optional<IngestResult> find(String ingestId) {
        return entry(ingestId).map(Entry::answer);
    }

    public Optional<Entry> entry(String ingestId) {
        return Optional.ofNullable(answers.getIfPresent(ingestId));
    }

    /** One unit per started {@value #BYTES_PER_ENTRY} bytes, at least one. */
    private static int weight(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, 1 + Math.max(0, bytes - 1) / BYTES_PER_ENTRY);
    }
}
