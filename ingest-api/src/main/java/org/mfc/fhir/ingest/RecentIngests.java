package org.mfc.fhir.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The last answers this instance gave, by {@code ingest_id}, so {@code GET /admin/ingest/{id}} can tell "queued,
 * nothing stored yet" from "never seen here". In memory and bounded: after a restart, or for a request another
 * instance took, only what the databases show is known.
 */
@ApplicationScoped
public class RecentIngests {

    static final int MAX_ENTRIES = 100_000;

    private final Map<String, IngestResult> answers = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, IngestResult> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public void remember(IngestResult result) {
        synchronized (answers) {
            answers.put(result.ingestId(), result);
        }
    }

    public Optional<IngestResult> find(String ingestId) {
        synchronized (answers) {
            return Optional.ofNullable(answers.get(ingestId));
        }
    }
}
