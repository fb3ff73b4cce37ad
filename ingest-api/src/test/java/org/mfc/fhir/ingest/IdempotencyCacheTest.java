package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {

    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    private static IngestResult result(String id) {
        return new IngestResult(id, "queued", 1, 1, "t", "2025-01-01T00:00:00Z", null, "r");
    }

    @Test
    void givenSameKeyAndBody_whenRepeated_thenActionRunsOnceAndAnswerReplayed() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        AtomicInteger runs = new AtomicInteger();

        IngestResult first = cache.answer("k", BODY, () -> result("id-" + runs.incrementAndGet()));
        IngestResult second = cache.answer("k", BODY, () -> result("id-" + runs.incrementAndGet()));

        assertThat(second).isEqualTo(first);
        assertThat(runs).hasValue(1);
    }

    @Test
    void givenSameKeyOtherBody_whenRepeated_thenRefused() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        cache.answer("k", BODY, () -> result("1"));

        assertThatThrownBy(() -> cache.answer("k", "{\"a\":2}".getBytes(StandardCharsets.UTF_8), () -> result("2")))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED"));
    }

    @Test
    void givenFailedFirstAttempt_whenRetried_thenActionRunsAgain() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        assertThatThrownBy(() -> cache.answer("k", BODY, () -> {
            throw ProblemException.unavailable("down", 5);
        })).isInstanceOf(ProblemException.class);

        assertThat(cache.answer("k", BODY, () -> result("2")).ingestId()).isEqualTo("2");
    }

    @Test
    void givenExpiredOrEvictedEntry_whenRepeated_thenActionRunsAgain() {
        IdempotencyCache expiring = new IdempotencyCache(Duration.ZERO, 10);
        expiring.answer("k", BODY, () -> result("1"));
        assertThat(expiring.answer("k", BODY, () -> result("2")).ingestId()).isEqualTo("2");

        IdempotencyCache small = new IdempotencyCache(Duration.ofMinutes(1), 1);
        small.answer("k1", BODY, () -> result("1"));
        small.answer("k2", BODY, () -> result("2"));
        assertThat(small.answer("k1", BODY, () -> result("3")).ingestId()).isEqualTo("3");
    }

    @Test
    void givenConcurrentRetries_whenFirstStillRunning_thenTheyWaitForItsAnswer() throws Exception {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<IngestResult>> answers = pool.invokeAll(List.of(
                    () -> cache.answer("k", BODY, () -> slow(runs, release)),
                    () -> cache.answer("k", BODY, () -> slow(runs, release)),
                    () -> cache.answer("k", BODY, () -> slow(runs, release)),
                    () -> {
                        release.countDown();
                        return cache.answer("k", BODY, () -> slow(runs, release));
                    }));
            for (Future<IngestResult> f : answers) {
                assertThat(f.get(10, TimeUnit.SECONDS).ingestId()).isEqualTo("only");
            }
            assertThat(runs).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static IngestResult slow(AtomicInteger runs, CountDownLatch release) {
        runs.incrementAndGet();
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result("only");
    }
}
