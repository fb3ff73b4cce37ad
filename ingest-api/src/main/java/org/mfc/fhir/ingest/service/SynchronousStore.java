package org.mfc.fhir.ingest.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.process.BatchResult;
import org.mfc.fhir.core.process.RecordOutcome;

/**
 * Group commit for synchronous storage: the requests that arrive while a batch is being stored are stored together,
 * in the next batch, through the same batch path the worker uses (one bulk write per collection instead of one
 * round of writes per request). An idle store processes a request at once, alone; under load the batches grow by
 * themselves, up to {@code maxBatchRecords}, and no request waits for a timer.
 * <p>
 * The batch's outcomes are handed back to each request in order (the processor answers one outcome per record,
 * in input order), so a request sees exactly what storing it alone would have answered: its rejected records, its
 * parked ones, its resource ids. A failure of the whole batch (the database unavailable) fails every request of it.
 * <p>
 * Bounded: at most {@code maxQueuedRecords} records wait; beyond that a request is refused at once
 * ({@link Overloaded}), before anything is stored, so a client is told to retry instead of waiting behind a backlog
 * it cannot see.
 */
public final class SynchronousStore {

    /** Stores one batch: the records of several requests and their parse results, in order. */
    public interface BatchWriter {
        BatchResult store(List<IngestRecord> records, List<ParseResult> parsed);
    }

    /** The records waiting exceed the bound: nothing of the request was stored. */
    public static final class Overloaded extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Overloaded(int queued) {
            super(queued + " records are waiting for synchronous storage", null, false, false);
        }
    }

    /** The outcomes of one request's records, in the order of its records, and the batch they were stored in. */
    public record Stored(List<RecordOutcome> outcomes, int batchRecords) {
    }

    private record Pending(List<IngestRecord> records, List<ParseResult> parsed, CompletableFuture<Stored> answer) {
    }

    private final BatchWriter writer;
    private final Executor executor;
    private final int maxBatchRecords;
    private final int maxQueuedRecords;
    private final int concurrency;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedRecords = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param executor         runs the batches (they block on the database)
     * @param concurrency      batches stored at once, at most
     * @param maxBatchRecords  records in one batch, at most (a larger request is stored alone)
     * @param maxQueuedRecords records waiting, at most
     */
    public SynchronousStore(BatchWriter writer, Executor executor, int concurrency, int maxBatchRecords,
            int maxQueuedRecords) {
        if (concurrency < 1 || maxBatchRecords < 1 || maxQueuedRecords < 1) {
            throw new IllegalArgumentException("concurrency, batch and queue bounds must be at least 1");
        }
        this.writer = writer;
        this.executor = executor;
        this.concurrency = concurrency;
        this.maxBatchRecords = maxBatchRecords;
        this.maxQueuedRecords = maxQueuedRecords;
    }

    /**
     * Stores {@code records} (with their parse results, in the same order) in the next batch. The answer completes
     * when the batch was stored, or exceptionally with the batch's failure, or at once with {@link Overloaded}.
     */
    public CompletableFuture<Stored> store(List<IngestRecord> records, List<ParseResult> parsed) {
        if (records.size() != parsed.size() || records.isEmpty()) {
            throw new IllegalArgumentException("one parse result per record, at least one record");
        }
        int n = records.size();
        int queued = queuedRecords.addAndGet(n);
        // A request alone may exceed the bound only when nothing else waits: it is stored on its own.
        if (queued > maxQueuedRecords && queued != n) {
            queuedRecords.addAndGet(-n);
            return CompletableFuture.failedFuture(new Overloaded(queued - n));
        }
        CompletableFuture<Stored> answer = new CompletableFuture<>();
        queue.add(new Pending(records, parsed, answer));
        schedule();
        return answer;
    }

    /** Records waiting for a batch (not those being stored). */
    public int queuedRecords() {
        return queuedRecords.get();
    }

    /** Starts a batch runner if fewer than {@code concurrency} run and something waits. */
    private void schedule() {
        while (!queue.isEmpty()) {
            int r = running.get();
            if (r >= concurrency) {
                return;
            }
            if (running.compareAndSet(r, r + 1)) {
                try {
                    executor.execute(this::drain);
                } catch (RuntimeException e) {
                    running.decrementAndGet();
                    failAll(e);
                }
                return;
            }
        }
    }

    /** Stores batches until nothing waits; a request arriving as it stops starts another runner. */
    private void drain() {
        try {
            List<Pending> batch;
            while (!(batch = take()).isEmpty()) {
                run(batch);
            }
        } finally {
            running.decrementAndGet();
            schedule();
        }
    }

    /** The next batch: whole requests in arrival order, up to the record bound (always at least one request). */
    private synchronized List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        int records = 0;
        Pending next;
        while ((next = queue.peek()) != null) {
            if (!batch.isEmpty() && records + next.records().size() > maxBatchRecords) {
                break;
            }
            queue.poll();
            batch.add(next);
            records += next.records().size();
            queuedRecords.addAndGet(-next.records().size());
        }
        return batch;
    }

    private void run(List<Pending> batch) {
        List<IngestRecord> records = new ArrayList<>();
        List<ParseResult> parsed = new ArrayList<>();
        for (Pending p : batch) {
            records.addAll(p.records());
            parsed.addAll(p.parsed());
        }
        BatchResult result;
        try {
            result = writer.store(records, parsed);
            if (result.outcomes().size() != records.size()) {
                throw new IllegalStateException(result.outcomes().size() + " outcomes for " + records.size()
                        + " records");
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(p -> p.answer().completeExceptionally(e));
            return;
        }
        int from = 0;
        for (Pending p : batch) {
            int to = from + p.records().size();
            p.answer().complete(new Stored(List.copyOf(result.outcomes().subList(from, to)), records.size()));
            from = to;
        }
    }

    private synchronized void failAll(RuntimeException e) {
        Pending p;
        while ((p = queue.poll()) != null) {
            queuedRecords.addAndGet(-p.records().size());
            p.answer().completeExceptionally(e);
        }
    }
}
