package org.mfc.fhir.api.store;

import java.time.Duration;

import org.jboss.logging.Logger;
import org.mfc.fhir.core.store.FhirStore;
import org.mfc.fhir.core.store.MongoErrors;
import org.mfc.fhir.core.store.TransientStoreException;

/**
 * The read API starts even when MongoDB is away at that moment, as the writers do ({@code StoreIndexes}): the core's
 * and the read API's indexes are created at start-up or, while the database is unavailable, retried every few
 * seconds on a daemon thread. No query runs before they exist (a hinted query needs its index): until then requests
 * answer 503 and readiness is DOWN.
 */
public final class ReadIndexGate {

    private static final Logger LOG = Logger.getLogger(ReadIndexGate.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(5);

    private final FhirStore store;
    private volatile boolean ready;
    private volatile boolean stopped;
    private volatile Thread retrying;

    public ReadIndexGate(FhirStore store) {
        this.store = store;
    }

    public boolean ready() {
        return ready;
    }

    private synchronized void ensure() {
        if (!ready) {
            store.ensureIndexes();
            ReadIndexes.ensure(store.database());
            ready = true;
        }
    }

    /** Before any query: the indexes exist, or the request is refused as transient (503). */
    public void beforeQuery() {
        if (!ready) {
            ensure();
        }
    }

    public void ensureInBackground() {
        try {
            ensure();
            return;
        } catch (TransientStoreException e) {
            LOG.warnf("read indexes not created yet (%s); retrying every %d s, requests answer 503 until then",
                    e.getMessage(), RETRY_EVERY.toSeconds());
        }
        Thread retry = new Thread(() -> {
            while (!ready && !stopped) {
                try {
                    Thread.sleep(RETRY_EVERY.toMillis());
                    ensure();
                    LOG.info("read indexes created");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    if (!stopped && !MongoErrors.isTransient(e)) {
                        LOG.errorf("read indexes cannot be created (%s); requests stay refused until they can",
                                e.getClass().getSimpleName());
                    }
                }
            }
        }, "read-indexes");
        retry.setDaemon(true);
        retrying = retry;
        retry.start();
    }

    public void stop() {
        stopped = true;
        Thread retry = retrying;
        if (retry != null) {
            retry.interrupt();
        }
    }
}
