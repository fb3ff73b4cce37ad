package org.mfc.fhir.migrator;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batch-and-checkpoint loop shared by the jobs that walk a source collection in {@code _id} order
 * ({@code convert}, {@code move-fhir}). The caller prepares the next batch (reads, maps) while up to
 * {@code writers} earlier batches are written, each on its own connection, so a database that inserts on several
 * cores is not held to one. Memory holds {@code writers + 1} batches whatever the database size.
 * <p>
 * Checkpoints follow the source order: batches are completed in the order they were submitted, and the checkpoint
 * moves to a batch's last source {@code _id} (with the cumulative counts) only once that batch and every batch
 * before it have been written. A later batch that finished first waits for its predecessors. A kill at any moment
 * resumes after the last checkpoint and redoes at most the batches that were in flight, whose writes are
 * insert-if-absent; a failed write fails the job before the checkpoint passes it.
 */
final class CheckpointedBatches implements AutoCloseable {

    private final Checkpoints checkpoints;
    private final String op;
    private final String collection;
    private final Tally done;
    private final int writers;
    private final ExecutorService pool;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private Object last;

    /** A submitted batch: its write, and what the checkpoint records once it is done. */
    private record InFlight(Future<?> write, Object lastSourceId, Tally counts) {
    }

    /**
     * @param resumeAfter the checkpoint's {@code last_id}, or null for a first run
     * @param done        the counts so far (from the checkpoint); every written batch's counts are added to it
     * @param writers     batches written at once (at least 1; {@link MigrationSettings} ensures it)
     */
    CheckpointedBatches(Checkpoints checkpoints, String op, String collection, Object resumeAfter, Tally done,
            int writers) {
        this.checkpoints = checkpoints;
        this.op = op;
        this.collection = collection;
        this.last = resumeAfter;
        this.done = done;
        this.writers = writers;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(writers,
                r -> new Thread(r, "migrate-writer-" + op + "-" + n.incrementAndGet()));
    }

    /**
     * Hands a prepared batch to a writer, after completing the oldest batch if all writers are busy (a failed
     * write fails here), and checkpoints every leading batch that has finished.
     *
     * @param lastSourceId the last source {@code _id} the batch covers, or null when it covers none
     * @param counts       the batch's counts; {@code write} may still add to them, they are summed after it
     * @param write        the batch's database writes, run on a writer thread
     */
    void submit(Object lastSourceId, Tally counts, Runnable write) {
        while (inFlight.size() >= writers) {
            complete(inFlight.poll());
        }
        inFlight.add(new InFlight(pool.submit(write), lastSourceId, counts));
        while (!inFlight.isEmpty() && inFlight.peek().write().isDone()) {
            complete(inFlight.poll());
        }
    }

    /** Waits for every batch, in order, then marks the collection done. @return the cumulative counts */
    Tally finish() {
        while (!inFlight.isEmpty()) {
            complete(inFlight.poll());
        }
        checkpoints.save(op, collection, last, true, done.toDocument());
        return done;
    }

    private void complete(InFlight batch) {
        try {
            batch.write().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        done.add(batch.counts());
        if (batch.lastSourceId() != null) {
            last = batch.lastSourceId();
        }
        checkpoints.save(op, collection, last, false, done.toDocument());
    }

    /** Stops the writers; batches still in flight are abandoned uncheckpointed (a later run redoes them). */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
