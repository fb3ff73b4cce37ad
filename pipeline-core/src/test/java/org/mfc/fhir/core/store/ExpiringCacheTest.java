package org.mfc.fhir.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class ExpiringCacheTest {

    private static final Duration TTL = Duration.ofSeconds(60);

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(long seconds) {
            now = now.plusSeconds(seconds);
        }
    }

    /** Runs submitted refreshes only when the test says so. */
    private static final class HeldExecutor implements Executor {
        final Queue<Runnable> held = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            held.add(command);
        }

        void runAll() {
            while (!held.isEmpty()) {
                held.poll().run();
            }
        }
    }

    private final ManualClock clock = new ManualClock();
    private final HeldExecutor refresher = new HeldExecutor();
    private final AtomicInteger loads = new AtomicInteger();
    /** The registry's current answer. */
    private String registry = "v1";
    private final Function<String, String> loader = k -> {
        loads.incrementAndGet();
        return registry;
    };

    @Test
    void givenEntryYoungerThanHalfItsLife_whenRead_thenNoLoadNoRefresh() {
        var cache = new ExpiringCache<String, String>(10, TTL, clock, refresher);
        assertThat(cache.get("k", loader)).isEqualTo("v1");
        clock.advance(29);
        registry = "v2";

        assertThat(cache.get("k", loader)).isEqualTo("v1");
        assertThat(loads).hasValue(1);
        assertThat(refresher.held).isEmpty();
    }

    @Test
    void givenEntryPastThreeQuartersOfItsLife_whenRead_thenOldValueAnsweredAndReloadedOnceInBackground() {
        var cache = new ExpiringCache<String, String>(10, TTL, clock, refresher);
        cache.get("k", loader);
        clock.advance(46);
        registry = "v2";

        assertThat(cache.get("k", loader)).isEqualTo("v1");
        assertThat(cache.get("k", loader)).isEqualTo("v1");
        assertThat(refresher.held).hasSize(1);
        assertThat(loads).hasValue(1);

        refresher.runAll();
        assertThat(loads).hasValue(2);
        // The refreshed answer lives a full ttl from its reload: past the first entry's expiry, no caller load.
        clock.advance(30);
        assertThat(cache.get("k", loader)).isEqualTo("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void givenRefreshNotRunInTime_whenTtlPassed_thenCallerLoadsAndNoValueOlderThanTtlIsAnswered() {
        var cache = new ExpiringCache<String, String>(10, TTL, clock, refresher);
        cache.get("k", loader);
        clock.advance(50);
        cache.get("k", loader);
        clock.advance(10);
        registry = "v2";

        assertThat(cache.get("k", loader)).isEqualTo("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void givenFailingRefresh_whenRun_thenOldValueKeptAndNextReadRetries() {
        var cache = new ExpiringCache<String, String>(10, TTL, clock, refresher);
        cache.get("k", loader);
        clock.advance(50);
        cache.get("k", v -> {
            throw new IllegalStateException("database away");
        });
        refresher.runAll();

        assertThat(cache.get("k", loader)).isEqualTo("v1");
        assertThat(refresher.held).hasSize(1);
        refresher.runAll();
        assertThat(loads).hasValue(2);
    }

    @Test
    void givenInvalidateDuringRefresh_whenRefreshCompletes_thenItsAnswerIsNotKept() {
        var cache = new ExpiringCache<String, String>(10, TTL, clock, refresher);
        cache.get("k", loader);
        clock.advance(50);
        cache.get("k", loader);
        cache.invalidateAll();
        refresher.runAll();
        registry = "v2";

        assertThat(cache.get("k", loader)).isEqualTo("v2");
    }

    @Test
    void givenRefresherRefuses_whenRead_thenOldValueAnsweredAndLaterReadTriesAgain() {
        AtomicInteger offered = new AtomicInteger();
        Executor refusing = r -> {
            offered.incrementAndGet();
            throw new RejectedExecutionException("full");
        };
        var cache = new ExpiringCache<String, String>(10, TTL, clock, refusing);
        cache.get("k", loader);
        clock.advance(50);

        assertThat(cache.get("k", loader)).isEqualTo("v1");
        assertThat(cache.get("k", loader)).isEqualTo("v1");
        assertThat(offered).hasValue(2);
    }

    @Test
    void givenNoRefresher_whenExpired_thenCallerLoadsAndLoaderErrorsReachIt() {
        var cache = new ExpiringCache<String, String>(10, TTL, clock);
        cache.get("k", loader);
        clock.advance(59);
        registry = "v2";
        assertThat(cache.get("k", loader)).isEqualTo("v1");
        clock.advance(1);
        assertThat(cache.get("k", loader)).isEqualTo("v2");
        clock.advance(60);
        assertThatThrownBy(() -> cache.get("k", v -> {
            throw new IllegalStateException("database away");
        })).hasMessage("database away");
    }
}
