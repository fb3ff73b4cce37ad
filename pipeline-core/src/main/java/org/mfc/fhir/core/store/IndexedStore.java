package org.mfc.fhir.core.store;

/**
 * A store whose writes rely on indexes it creates itself, idempotently ({@link StoreIndexes}). An interface so that
 * stores of the packages above (the legacy database's) are created here without this package depending on them.
 */
public interface IndexedStore {

    /** Creates the store's indexes, or finds them there; throws {@link TransientStoreException} while unavailable. */
    void ensureIndexes();
}
