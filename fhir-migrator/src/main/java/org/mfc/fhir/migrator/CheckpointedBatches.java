package org.mfc.fhir.migrator;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The batch-and-checkpoint loop shared by the jobs that walk a source collection in {@code _id} order
 * ({@code convert}, {@code move-fhir}). The caller prepares batch N+1 (reads, maps) while batch N is written on one
 * writer thread; at most one batch is in flight, so memory holds two batches whatever the database size. After each
 * batch's writes return, the checkpoint moves to that batch's last source {@code _id} with the cumulative counts:
 * checkpoints follow the source order and never pass a write that has not completed. A kill at any moment resumes
 * after the last checkpoint and redoes at most the batch that was in flight, whose writes are insert-if-absent.
 */
final class CheckpointedBatches implements AutoCloseable {

    private final Checkpoints checkpoints;
    private final String op;
    private final String collection;
    private final Tally done;
    private final ExecutorService writer;
    private Object last;
    private Future<?> inFlight;

    /**
     * @param resumeAfter the checkpoint's {@code last_id}, or null for a first run
     * @param done        the counts so far (from the checkpoint); every written batch's counts are added to it
     */
    CheckpointedBatches(Checkpoints checkpoints, String op, String collection, Object resumeAfter, Tally done) {
        this.checkpoints = checkpoints;
        this.op = op;
        this.collection = collection;
        this.last = resumeAfter;
        this.done = done;
        this.writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "migrate-writer-" + op));
    }

    /**
     * Hands a prepared batch to the writer, after waiting for the previous one (a failed write fails here).
     *
     * @param lastSourceId the last source {@code _id} the batch covers, or null when it covers none
     * @param counts       the batch's counts; {@code write} may still add to them, they are summed after it
     * @param write        the batch's database writes, run on the writer thread
     */
    void submit(Object lastSourceId, Tally counts, Runnable write) {
        await();
        inFlight = writer.submit(() -> {
            write.run();
            done.add(counts);
            if (lastSourceId != null) {
                last = lastSourceId;
            }
            checkpoints.save(op, collection, last, false, done.toDocument());
        });
    }

    /** Waits for the last batch, then marks the collection done. @return the cumulative counts */
    Tally finish() {
        await();
        checkpoints.save(op, collection, last, true, done.toDocument());
        return done;
    }

    private void await() {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            inFlight = null;
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
