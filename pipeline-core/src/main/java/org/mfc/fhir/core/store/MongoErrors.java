package org.mfc.fhir.core.store;

import java.util.Set;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.bulk.BulkWriteError;

/**
 * Sorts MongoDB failures into the pipeline's error kinds (docs/decisions.md, "Error classification"):
 * <ul>
 * <li><b>transient</b>: the deployment is unreachable, electing, shutting down, overloaded, timed out or refusing us
 * (credentials): the data is fine, the whole batch is retried until it succeeds and nothing is dead-lettered;</li>
 * <li><b>per-record</b>: this one document cannot be stored as it is (too large, invalid, a refused field name):
 * its message is dead-lettered and the rest of its batch stored;</li>
 * <li>anything else is <b>unknown</b>: the caller isolates it (docs/decisions.md) before deciding.</li>
 * </ul>
 * Real-MongoDB cases the test stand-in cannot produce (write-concern errors inside a bulk write, not-primary and
 * shutdown codes, client-side timeouts) are covered by {@code MongoErrorsTest} with constructed exceptions.
 */
public final class MongoErrors {

    public static final int DUPLICATE_KEY = 11000;

    /** The outcome a failure calls for. */
    public enum Kind {
        TRANSIENT, PER_RECORD, UNKNOWN
    }

    /**
     * Server error codes that mean "not now": network, elections and step-downs, shutdown, interruption, time limits,
     * write-concern trouble, lock and write conflicts, overload, and authorisation (an operator fixes credentials;
     * no reading is to blame).
     */
    static final Set<Integer> TRANSIENT_CODES = Set.of(
            6, // HostUnreachable
            7, // HostNotFound
            11, // UserNotFound
            13, // Unauthorized
            18, // AuthenticationFailed
            24, // LockTimeout
            46, // LockBusy
            50, // MaxTimeMSExpired
            64, // WriteConcernFailed (wtimeout)
            89, // NetworkTimeout
            91, // ShutdownInProgress
            100, // UnsatisfiableWriteConcern (members down)
            112, // WriteConflict
            133, // FailedToSatisfyReadPreference
            134, // ReadConcernMajorityNotAvailableYet
            189, // PrimarySteppedDown
            202, // NetworkInterfaceExceededTimeLimit
            262, // ExceededTimeLimit
            9001, // SocketException
            10107, // NotWritablePrimary
            11600, // InterruptedAtShutdown
            11601, // Interrupted
            11602, // InterruptedDueToReplStateChange
            13435, // NotPrimaryNoSecondaryOk
            13436, // NotPrimaryOrSecondary
            14031, // OutOfDiskSpace
            462); // IngressRequestRateLimitExceeded

    /** Server error codes that blame the document written: it can never be stored as it is. */
    static final Set<Integer> PER_RECORD_CODES = Set.of(
            2, // BadValue
            9, // FailedToParse
            14, // TypeMismatch
            52, // DollarPrefixedFieldName
            55, // InvalidDBRef
            56, // EmptyFieldName
            57, // DottedFieldName
            121, // DocumentValidationFailure
            10334, // BSONObjectTooLarge
            17419, // document after update larger than 16 MiB
            17280); // KeyTooLong (index key over 1024 bytes on old versions)

    private MongoErrors() {
    }

    /** Failures that go away when the database comes back: retry, do not dead-letter. */
    public static boolean isTransient(Throwable t) {
        return kind(t) == Kind.TRANSIENT;
    }

    /** The first decisive kind found along the cause chain. */
    public static Kind kind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            Kind k = kindOf(c);
            if (k != Kind.UNKNOWN) {
                return k;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Kind.UNKNOWN;
    }

    private static Kind kindOf(Throwable c) {
        if (c instanceof TransientStoreException) {
            return Kind.TRANSIENT;
        }
        if (c instanceof MongoSocketException || c instanceof MongoTimeoutException
                || c instanceof MongoOperationTimeoutException || c instanceof MongoExecutionTimeoutException
                || c instanceof MongoNotPrimaryException || c instanceof MongoNodeIsRecoveringException
                || c instanceof MongoWriteConcernException || c instanceof MongoInterruptedException
                || c instanceof MongoConnectionPoolClearedException || c instanceof MongoServerUnavailableException
                || c instanceof MongoSecurityException) {
            return Kind.TRANSIENT;
        }
        if (c instanceof MongoBulkWriteException bulk) {
            return bulkKind(bulk);
        }
        if (c instanceof MongoException me) {
            if (me.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                    || me.hasErrorLabel("RetryableWriteError") || me.hasErrorLabel("SystemOverloadedError")) {
                return Kind.TRANSIENT;
            }
            if (TRANSIENT_CODES.contains(me.getCode())) {
                return Kind.TRANSIENT;
            }
            if (PER_RECORD_CODES.contains(me.getCode())) {
                return Kind.PER_RECORD;
            }
        }
        // The driver's client was closed under us (service shutting down): not the data's fault.
        if (c instanceof IllegalStateException && "state should be: open".equals(c.getMessage())) {
            return Kind.TRANSIENT;
        }
        return Kind.UNKNOWN;
    }

    /**
     * A bulk write: a write-concern error (the writes may not be durable) or any transient write error makes the whole
     * write transient; otherwise it is per-record when every write error blames its document.
     */
    private static Kind bulkKind(MongoBulkWriteException e) {
        if (e.getWriteConcernError() != null || e.hasErrorLabel("RetryableWriteError")) {
            return Kind.TRANSIENT;
        }
        boolean allPerRecord = !e.getWriteErrors().isEmpty();
        for (BulkWriteError error : e.getWriteErrors()) {
            if (TRANSIENT_CODES.contains(error.getCode())) {
                return Kind.TRANSIENT;
            }
            allPerRecord &= PER_RECORD_CODES.contains(error.getCode()) || error.getCode() == DUPLICATE_KEY;
        }
        return allPerRecord ? Kind.PER_RECORD : Kind.UNKNOWN;
    }

    /** Runs a database call, turning transient failures into {@link TransientStoreException}. */
    public static <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (MongoException e) {
            if (isTransient(e)) {
                throw new TransientStoreException(what + ": database unavailable (" + e.getClass().getSimpleName()
                        + (e.getCode() > 0 ? " " + e.getCode() : "") + ")", e);
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
