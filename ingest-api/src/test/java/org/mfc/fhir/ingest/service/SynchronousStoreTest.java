package org.mfc.fhir.ingest.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.model.DeviceFamily;
import org.mfc.fhir.core.model.Stage;
import org.mfc.fhir.core.parse.ParseResult;
import org.mfc.fhir.core.process.BatchResult;
import org.mfc.fhir.core.process.RecordOutcome;
import org.mfc.fhir.core.store.TransientStoreException;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Group commit of synchronous storage: what is stored together, what each request is answered, the bounds. */
class SynchronousStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** Every batch the writer was given, in the order it was given them. */
    private final List<List<IngestRecord>> batches = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void givenAnIdleStore_whenOneRequestArrives_thenItIsStoredAtOnceAlone() throws Exception {
        SynchronousStore store = new SynchronousStore(recording(null), pool, 2, 100, 1000);

        List<IngestRecord> request = records("a", 2);
        SynchronousStore.Stored stored = submit(store, request).get(10, TimeUnit.SECONDS);

        assertThat(batches).containsExactly(request);
        assertThat(stored.batchRecords()).isEqualTo(2);
        assertThat(stored.outcomes()).extracting(RecordOutcome::record).containsExactlyElementsOf(request);
        assertThat(stored.outcomes()).extracting(o -> o.resourceIds().get(0)).containsExactly("a/0", "a/1");
    }

    @Test
    void givenABatchBeingStored_whenRequestsArrive_thenTheyAreStoredTogetherAndEachGetsItsOwnOutcomes()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SynchronousStore store = new SynchronousStore(recording(release), pool, 1, 100, 1000);
        List<IngestRecord> first = records("first", 1);
        CompletableFuture<SynchronousStore.Stored> firstAnswer = submit(store, first);
        awaitBatches(1);

        List<List<IngestRecord>> waiting = new ArrayList<>();
        List<CompletableFuture<SynchronousStore.Stored>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<IngestRecord> r = records("r" + i, 1 + i % 3);
            waiting.add(r);
            answers.add(submit(store, r));
        }
        assertThat(store.queuedRecords()).isEqualTo(1 + 2 + 3 + 1 + 2);
        release.countDown();

        assertThat(firstAnswer.get(10, TimeUnit.SECONDS).outcomes()).extracting(RecordOutcome::record)
                .containsExactlyElementsOf(first);
        List<IngestRecord> together = new ArrayList<>();
        waiting.forEach(together::addAll);
        for (int i = 0; i < answers.size(); i++) {
            SynchronousStore.Stored stored = answers.get(i).get(10, TimeUnit.SECONDS);
            assertThat(stored.outcomes()).extracting(RecordOutcome::record).containsExactlyElementsOf(waiting.get(i));
            assertThat(stored.batchRecords()).isEqualTo(together.size());
        }
        // One batch for the five, in arrival order: a single bulk write instead of five.
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyElementsOf(together);
        assertThat(store.queuedRecords()).isZero();
    }

    @Test
    void givenTheBatchBound_whenRequestsWait_thenBatchesHoldWholeRequestsWithinItAndALargerRequestGoesAlone()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SynchronousStore store = new SynchronousStore(recording(release), pool, 1, 4, 1000);
        CompletableFuture<SynchronousStore.Stored> blocked = occupy(store);

        List<CompletableFuture<SynchronousStore.Stored>> answers = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            List<IngestRecord> r = records(name, 2);
            answers.add(submit(store, r));
        }
        List<IngestRecord> large = records("large", 7);
        answers.add(submit(store, large));
        List<IngestRecord> last = records("last", 3);
        answers.add(submit(store, last));
        release.countDown();
        blocked.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<SynchronousStore.Stored> a : answers) {
            a.get(10, TimeUnit.SECONDS);
        }

        assertThat(batches).extracting(List::size).containsExactly(1, 4, 2, 7, 3);
        assertThat(batches.get(3)).containsExactlyElementsOf(large);
    }

    @Test
    void givenTheDatabaseAway_whenABatchFails_thenEveryRequestOfItFailsAndTheNextBatchIsStored() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        SynchronousStore store = new SynchronousStore((records, parsed) -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                await(release);
                return outcomes(records);
            }
            if (call == 2) {
                throw new TransientStoreException("database away", null);
            }
            return outcomes(records);
        }, pool, 1, 100, 1000);
        CompletableFuture<SynchronousStore.Stored> blocked = submit(store, records("blocker", 1));
        while (calls.get() < 1) {
            Thread.onSpinWait();
        }
        List<IngestRecord> a = records("a", 1);
        List<IngestRecord> b = records("b", 2);
        CompletableFuture<SynchronousStore.Stored> failedA = submit(store, a);
        CompletableFuture<SynchronousStore.Stored> failedB = submit(store, b);
        release.countDown();
        blocked.get(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> failedA.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TransientStoreException.class);
        assertThatThrownBy(() -> failedB.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TransientStoreException.class);
        List<IngestRecord> c = records("c", 1);
        assertThat(submit(store, c).get(10, TimeUnit.SECONDS).outcomes()).hasSize(1);
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void givenAWriterThatAnswersTheWrongNumberOfOutcomes_whenStoring_thenTheRequestsFailInsteadOfMisattributing()
            throws Exception {
        SynchronousStore store = new SynchronousStore((records, parsed) -> outcomes(records.subList(0, 1)), pool, 1,
                100, 1000);
        List<IngestRecord> r = records("r", 2);

        assertThatThrownBy(() -> submit(store, r).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("1 outcomes for 2 records");
    }

    @Test
    void givenTheQueueBound_whenItWouldBeExceeded_thenTheRequestIsRefusedAtOnceAndNothingOfItStored()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SynchronousStore store = new SynchronousStore(recording(release), pool, 1, 100, 5);
        CompletableFuture<SynchronousStore.Stored> blocked = occupy(store);
        List<IngestRecord> fits = records("fits", 4);
        CompletableFuture<SynchronousStore.Stored> accepted = submit(store, fits);
        List<IngestRecord> over = records("over", 2);

        CompletableFuture<SynchronousStore.Stored> refused = submit(store, over);

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).hasCauseInstanceOf(SynchronousStore.Overloaded.class);
        assertThat(store.queuedRecords()).isEqualTo(4);
        release.countDown();
        blocked.get(10, TimeUnit.SECONDS);
        accepted.get(10, TimeUnit.SECONDS);
        assertThat(batches).noneMatch(b -> b.stream().anyMatch(r -> r.ingestId().equals("over")));

        // With nothing waiting, a request larger than the bound is stored on its own rather than refused forever.
        List<IngestRecord> large = records("large", 8);
        assertThat(submit(store, large).get(10, TimeUnit.SECONDS).outcomes()).hasSize(8);
    }

    @Test
    void givenManyConcurrentRequests_whenStored_thenEveryRecordIsStoredOnceAndTheConcurrencyBoundHolds()
            throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        SynchronousStore store = new SynchronousStore((records, parsed) -> {
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                TimeUnit.MILLISECONDS.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(List.copyOf(records));
            running.decrementAndGet();
            return outcomes(records);
        }, pool, 2, 50, 100_000);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<CompletableFuture<SynchronousStore.Stored>> answers = Collections.synchronizedList(new ArrayList<>());
        List<List<IngestRecord>> requests = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            requests.add(records("req" + i, 1 + i % 4));
        }
        CountDownLatch sent = new CountDownLatch(requests.size());
        for (List<IngestRecord> r : requests) {
            clients.execute(() -> {
                answers.add(submit(store, r));
                sent.countDown();
            });
        }
        assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
        clients.shutdown();
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        List<IngestRecord> stored = new ArrayList<>();
        batches.forEach(stored::addAll);
        List<IngestRecord> sentRecords = new ArrayList<>();
        requests.forEach(sentRecords::addAll);
        assertThat(stored).containsExactlyInAnyOrderElementsOf(sentRecords);
        assertThat(mostAtOnce.get()).isBetween(1, 2);
        assertThat(batches).allMatch(b -> b.size() <= 50);
        // Requests arriving while batches are stored are grouped: far fewer batches than requests.
        assertThat(batches.size()).isLessThan(requests.size());
        assertThat(store.queuedRecords()).isZero();
    }

    // ---- helpers

    /**
     * Stores a one-record request whose batch a {@link #recording} writer holds until released; returns once that
     * batch started, so what is stored next waits.
     */
    private CompletableFuture<SynchronousStore.Stored> occupy(SynchronousStore store) throws InterruptedException {
        CompletableFuture<SynchronousStore.Stored> blocked = submit(store, records("blocker", 1));
        awaitBatches(1);
        return blocked;
    }

    private static CompletableFuture<SynchronousStore.Stored> submit(SynchronousStore store,
            List<IngestRecord> records) {
        return store.store(records, parsed(records));
    }

    /** A writer that records each batch and, when {@code release} is given, holds the first one until released. */
    private SynchronousStore.BatchWriter recording(CountDownLatch release) {
        AtomicInteger calls = new AtomicInteger();
        return (records, parsed) -> {
            batches.add(List.copyOf(records));
            if (release != null && calls.incrementAndGet() == 1) {
                await(release);
            }
            return outcomes(records);
        };
    }

    private void awaitBatches(int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (batches.size() < n) {
            assertThat(System.nanoTime()).as("a batch started in time").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static BatchResult outcomes(List<IngestRecord> records) {
        List<RecordOutcome> outcomes = new ArrayList<>();
        for (IngestRecord r : records) {
            outcomes.add(new RecordOutcome(r, RecordOutcome.Status.STORED, Stage.PERSIST, null,
                    List.of(r.ingestId() + "/" + r.seq())));
        }
        return new BatchResult(outcomes, records.size(), Duration.ZERO, Duration.ZERO, Instant.now(), List.of(), 0);
    }

    private static List<IngestRecord> records(String ingestId, int n) {
        List<IngestRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new IngestRecord(ingestId, i, DeviceFamily.AVA4, "dusun_pub", "box-" + ingestId, "test",
                    "2026-12-06T00:00:00Z", JsonNodeFactory.instance.objectNode()));
        }
        return out;
    }

    private static List<ParseResult> parsed(List<IngestRecord> records) {
        List<ParseResult> out = new ArrayList<>();
        records.forEach(r -> out.add(ParseResult.invalid("$", "not looked at by this writer")));
        return out;
    }
}
