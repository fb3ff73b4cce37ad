package org.mfc.fhir.api.store;

import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.store.StoreIndexes;

/**
 * The read API starts even when MongoDB is away at that moment, as the writers do: the core's and the read API's
 * indexes are created at start-up or, while the database is unavailable, retried every few seconds on a daemon thread
 * ({@link StoreIndexes}, the writers' own gate). No query runs before they exist (a hinted query needs its index):
 * until then requests answer 503 and readiness is DOWN.
 */
public final class ReadIndexGate {

    private final StoreIndexes indexes;

    public ReadIndexGate(FhirStore store) {
        this.indexes = new StoreIndexes(store, () -> ReadIndexes.ensure(store.database()), "requests");
    }

    public boolean ready() {
        return indexes.ready();
    }

    /** Before any query: the indexes exist, or the request is refused as transient (503). */
    public void beforeQuery() {
        indexes.beforeWrite();
    }

    public void ensureInBackground() {
        indexes.ensureInBackground();
    }

    public void stop() {
        indexes.stop();
    }
}
