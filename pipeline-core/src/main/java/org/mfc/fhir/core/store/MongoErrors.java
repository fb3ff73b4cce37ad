package org.mfc.fhir.core.store;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.bulk.BulkWriteError;

/** Sorts MongoDB failures into the pipeline's error kinds (transient vs. data). */
public final class MongoErrors {

    public static final int DUPLICATE_KEY = 11000;

    private MongoErrors() {
    }

    /** Failures that go away when the database comes back: retry, do not dead-letter. */
    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MongoSocketException || c instanceof MongoTimeoutException
                    || c instanceof MongoNotPrimaryException || c instanceof MongoNodeIsRecoveringException
                    || c instanceof MongoWriteConcernException || c instanceof MongoExecutionTimeoutException) {
                return true;
            }
            if (c instanceof MongoException me && (me.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                    || me.hasErrorLabel("RetryableWriteError"))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a database call, turning transient failures into {@link TransientStoreException}. */
    public static <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (MongoException e) {
            if (isTransient(e)) {
                throw new TransientStoreException(what + ": database unavailable (" + e.getClass().getSimpleName()
                        + ")", e);
            }
            throw e;
        }
    }

    /** True when every error of a bulk write is a duplicate key: a concurrent writer inserted the same document. */
    public static boolean onlyDuplicateKeys(MongoBulkWriteException e) {
        return e.getWriteConcernError() == null && !e.getWriteErrors().isEmpty()
                && e.getWriteErrors().stream().mapToInt(BulkWriteError::getCode).allMatch(c -> c == DUPLICATE_KEY);
    }
}
