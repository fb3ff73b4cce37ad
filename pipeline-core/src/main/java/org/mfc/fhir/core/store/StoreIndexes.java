package org.mfc.fhir.core.store;

import java.time.Duration;

import org.jboss.logging.Logger;

/**
 * The indexes the pipeline's writes rely on (FHIR collections; the unique legacy bucket key), created idempotently.
 * A service starts even when MongoDB is briefly away at that moment: creation is retried in the background, and no
 * write happens before it succeeded ({@link #beforeWrite}), so the unique bucket key always guards the first
 * concurrent writes.
 */
public final class StoreIndexes {

    private static final Logger LOG = Logger.getLogger(StoreIndexes.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(5);

    private final FhirStore fhir;
    private final IndexedStore legacy;
    private volatile boolean ready;
    private volatile boolean stopped;
    private volatile Thread retrying;

    /** What waits for the indexes, in the log lines: the writes of the pipeline, the requests of the read API. */
    private final String waiting;

    /** @param legacy the legacy store, or null when legacy collections are not written */
    public StoreIndexes(FhirStore fhir, IndexedStore legacy) {
        this(fhir, legacy, "writes");
    }

    /**
     * @param more indexes created after the FHIR store's (the legacy store's, the read API's), or null
     * @param waiting what waits for them, for the log lines
     */
    public StoreIndexes(FhirStore fhir, IndexedStore more, String waiting) {
        this.fhir = fhir;
        this.legacy = more;
        this.waiting = waiting;
    }

    public boolean ready() {
        return ready;
    }

    /**
     * Creates the indexes now. Throws {@link TransientStoreException} while the database is unavailable; any other
     * failure (a conflicting index the pipeline cannot replace) is thrown as it is.
     */
    public synchronized void ensure() {
        if (ready) {
            return;
        }
        fhir.ensureIndexes();
        if (legacy != null) {
            legacy.ensureIndexes();
        }
        ready = true;
    }

    /** Before any write: the indexes exist, or the write is refused as transient (the caller retries). */
    public void beforeWrite() {
        if (!ready) {
            ensure();
        }
    }

    /**
     * At start-up: creates the indexes, or, while the database is unavailable, keeps trying every few seconds on a
     * daemon thread until it succeeds. Never blocks or fails start-up for an unavailable database.
     */
    public void ensureInBackground() {
        try {
            ensure();
            return;
        } catch (TransientStoreException e) {
            LOG.warnf("indexes not created yet (%s); retrying every %d s, %s wait for them", e.getMessage(),
                    RETRY_EVERY.toSeconds(), waiting);
        }
        Thread retry = new Thread(() -> {
            while (!ready && !stopped) {
                try {
                    Thread.sleep(RETRY_EVERY.toMillis());
                    ensure();
                    LOG.info("indexes created");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    if (MongoErrors.isTransient(e)) {
                        LOG.debugf("indexes still not created: %s", e.getMessage());
                    } else {
                        LOG.errorf("indexes cannot be created (%s); %s stay refused until they can",
                                e.getClass().getSimpleName(), waiting);
                        LOG.debug("index creation failure", e);
                    }
                }
            }
        }, "store-indexes");
        retry.setDaemon(true);
        retrying = retry;
        retry.start();
    }

    /** Ends the background retries (the service is stopping and its database client is about to close). */
    public void stop() {
        stopped = true;
        Thread retry = retrying;
        if (retry != null) {
            retry.interrupt();
        }
    }
}
