package org.mfc.fhir.ingest.rest;

import org.mfc.fhir.ingest.problem.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.mfc.fhir.ingest.service.IngestResult;

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

        IngestResult first = answer(cache, "k", BODY, () -> result("id-" + runs.incrementAndGet()));
        IngestResult second = answer(cache, "k", BODY, () -> result("id-" + runs.incrementAndGet()));

        assertThat(second).isEqualTo(first);
        assertThat(runs).hasValue(1);
    }

    @Test
    void givenSameKeyOtherBody_whenRepeated_thenRefused() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        answer(cache, "k", BODY, () -> result("1"));

        assertThatThrownBy(() -> answer(cache, "k", "{\"a\":2}".getBytes(StandardCharsets.UTF_8), () -> result("2")))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED"));
    }

    @Test
    void givenFailedFirstAttempt_whenRetried_thenActionRunsAgain() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        assertThatThrownBy(() -> answer(cache, "k", BODY, () -> {
            throw ProblemException.unavailable("down", 5);
        })).isInstanceOf(ProblemException.class);

        assertThat(answer(cache, "k", BODY, () -> result("2")).ingestId()).isEqualTo("2");
    }

    @Test
    void givenExpiredOrEvictedEntry_whenRepeated_thenActionRunsAgain() {
        IdempotencyCache expiring = new IdempotencyCache(Duration.ZERO, 10);
        answer(expiring, "k", BODY, () -> result("1"));
        assertThat(answer(expiring, "k", BODY, () -> result("2")).ingestId()).isEqualTo("2");

        IdempotencyCache small = new IdempotencyCache(Duration.ofMinutes(1), 1);
        answer(small, "k1", BODY, () -> result("1"));
        answer(small, "k2", BODY, () -> result("2"));
        assertThat(answer(small, "k1", BODY, () -> result("3")).ingestId()).isEqualTo("3");
    }

    @Test
    void givenAnswerLargerThanTheWholeBound_whenRepeated_thenNotKeptAndActionRunsAgain() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 2);
        List<String> ids = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "Observation/" + "0".repeat(40))
                .toList();
        IngestResult large = new IngestResult("1", "stored", 1, 100, "t", "2025-01-01T00:00:00Z", ids, "r");
        assertThat(large.estimatedBytes()).isGreaterThan(2L * IdempotencyCache.BYTES_PER_ENTRY);

        answer(cache, "k", BODY, () -> large);

        assertThat(answer(cache, "k", BODY, () -> result("2")).ingestId()).isEqualTo("2");
    }

    @Test
    void givenConcurrentRetries_whenFirstStillRunning_thenTheyCompleteWithItsAnswer() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<IngestResult> first = new CompletableFuture<>();
        Supplier<CompletableFuture<IngestResult>> action = () -> {
            runs.incrementAndGet();
            return first;
        };

        List<CompletableFuture<IngestResult>> answers = List.of(
                cache.answer("k", BODY, action).toCompletableFuture(),
                cache.answer("k", BODY, action).toCompletableFuture(),
                cache.answer("k", BODY, action).toCompletableFuture());
        assertThat(answers).noneMatch(CompletableFuture::isDone);

        first.complete(result("only"));
        assertThat(answers).allSatisfy(a -> assertThat(a.join().ingestId()).isEqualTo("only"));
        assertThat(runs).hasValue(1);
    }

    @Test
    void givenConcurrentRetry_whenFirstFailsLater_thenTheRetryRunsTheActionItself() {
        IdempotencyCache cache = new IdempotencyCache(Duration.ofMinutes(1), 10);
        CompletableFuture<IngestResult> failing = new CompletableFuture<>();
        CompletableFuture<IngestResult> firstAnswer = cache.answer("k", BODY, () -> failing).toCompletableFuture();
        CompletableFuture<IngestResult> retry = cache.answer("k", BODY,
                () -> CompletableFuture.completedFuture(result("second"))).toCompletableFuture();

        failing.completeExceptionally(ProblemException.unavailable("down", 5));

        assertThat(firstAnswer).isCompletedExceptionally();
        assertThat(retry.join().ingestId()).isEqualTo("second");
    }

    /** The cache with an action that answers at once; failures come out as the action threw them. */
    private static IngestResult answer(IdempotencyCache cache, String key, byte[] body, Supplier<IngestResult> action) {
        try {
            return cache.answer(key, body, () -> CompletableFuture.completedFuture(action.get()))
                    .toCompletableFuture().join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }
}
