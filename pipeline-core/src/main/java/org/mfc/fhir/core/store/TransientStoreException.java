package org.mfc.fhir.core.store;

/**
 * The database is unreachable or not accepting writes: the data is fine and the whole batch must be retried later,
 * never dead-lettered and never acknowledged.
 */
public class TransientStoreException extends RuntimeException {

    public TransientStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
