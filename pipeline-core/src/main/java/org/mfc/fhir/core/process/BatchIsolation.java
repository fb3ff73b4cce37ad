package org.mfc.fhir.core.process;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.store.MongoErrors;
import org.mfc.fhir.core.store.TransientStoreException;

import com.mongodb.MongoException;

/**
 * Keeps one message from stopping its batch (docs/decisions.md, "Poison isolation"). A batch whose processing throws
 * is split in halves, recursively, until the messages that fail on their own are found; those become REJECTED
 * outcomes with the stage and the failure's type, and everything else of the batch is stored. Every write is
 * idempotent, so processing part of a batch again changes nothing that was already written.
 * <p>
 * Only unavailability stops the batch: a transient failure ({@link MongoErrors.Kind#TRANSIENT}) is thrown at once as
 * {@link TransientStoreException} for the caller to retry. A database error of a kind this code does not know is
 * blamed on a message only when another message of the same batch was stored; when every message fails with one,
 * the database is refusing everything and the batch is retried as transient instead of dead-lettered whole.
 */
final class BatchIsolation {

    private static final Logger LOG = Logger.getLogger(BatchIsolation.class);

    /** The batch processing being isolated. */
    interface Batch {
        BatchResult process(List<IngestRecord> records);
    }

    private BatchIsolation() {
    }

    static BatchResult process(List<IngestRecord> records, Batch batch) {
        Isolated isolated = new Isolated();
        BatchResult result = isolate(records, batch, isolated);
        if (isolated.unknownDatabaseFailure != null && !isolated.anyProcessed) {
            throw new TransientStoreException("every message failed with a database error of unknown kind ("
                    + StageFailure.describe(isolated.unknownDatabaseFailure) + "): retrying the batch",
                    isolated.unknownDatabaseFailure);
        }
        return result;
    }

    /** What the isolation learned across the recursion. */
    private static final class Isolated {
        boolean anyProcessed;
        RuntimeException unknownDatabaseFailure;
    }

    private static BatchResult isolate(List<IngestRecord> records, Batch batch, Isolated isolated) {
        try {
            BatchResult result = batch.process(records);
            isolated.anyProcessed |= result.outcomes().stream()
                    .anyMatch(o -> o.status() != RecordOutcome.Status.REJECTED);
            return result;
        } catch (TransientStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            MongoErrors.Kind kind = MongoErrors.kind(e);
            if (kind == MongoErrors.Kind.TRANSIENT) {
                throw new TransientStoreException("database unavailable (" + StageFailure.describe(e) + ")", e);
            }
            if (records.size() == 1) {
                if (kind == MongoErrors.Kind.UNKNOWN && causedByDatabase(e)) {
                    isolated.unknownDatabaseFailure = e;
                }
                return rejected(records.get(0), e);
            }
            LOG.debugf(e, "batch of %d failed (%s): isolating", records.size(), StageFailure.describe(e));
            int half = records.size() / 2;
            BatchResult left = isolate(records.subList(0, half), batch, isolated);
            BatchResult right = isolate(records.subList(half, records.size()), batch, isolated);
            return merge(left, right);
        }
    }

    private static BatchResult rejected(IngestRecord record, RuntimeException e) {
        Stage stage = e instanceof StageFailure f ? f.stage() : Stage.MAP;
        LOG.debugf(e, "message %s cannot be processed at %s", record.messageId(), stage);
        RecordOutcome outcome = RecordOutcome.rejected(record, stage, "cannot be processed: " + stage + " failed ("
                + StageFailure.describe(e) + ")");
        return new BatchResult(List.of(outcome), 0, Duration.ZERO, Duration.ZERO, Instant.now(), List.of(), 0);
    }

    private static boolean causedByDatabase(Throwable t) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof MongoException) {
                return true;
            }
        }
        return false;
    }

    static BatchResult merge(BatchResult a, BatchResult b) {
        List<RecordOutcome> outcomes = new ArrayList<>(a.outcomes());
        outcomes.addAll(b.outcomes());
        List<Instant> deviceTimes = new ArrayList<>(a.deviceTimes());
        deviceTimes.addAll(b.deviceTimes());
        Instant storedAt = a.storedAt().isAfter(b.storedAt()) ? a.storedAt() : b.storedAt();
        return new BatchResult(outcomes, a.newDocuments() + b.newDocuments(), a.mapTime().plus(b.mapTime()),
                a.persistTime().plus(b.persistTime()), storedAt, deviceTimes, a.alerts() + b.alerts());
    }
}
