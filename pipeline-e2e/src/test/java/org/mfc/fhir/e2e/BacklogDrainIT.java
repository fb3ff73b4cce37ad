package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import org.mfc.fhir.bench.AckAudit;

/**
 * The worker is stopped while devices keep sending, so a backlog builds up on the topic; then it is started again.
 * It must drain the backlog, keep up with new readings afterwards (a trickle of new readings is stored within 1 s of
 * receipt, p90), stay within a memory bound (resident set sampled from {@code /proc}), and store every
 * acknowledged reading exactly once. The backlog is built through the ingest API, one AVA4 reading per request, so
 * the records on the topic are exactly those devices produce. `FAULT_BACKLOG_READINGS` (default 20,000 in CI) and
 * `FAULT_BACKLOG_RATE` (requests/s while building it) size the run; `scripts/fault-backlog.sh` runs the long form.
 * MongoDB is the in-memory wire server (this run never restarts it; the file-backed one scans instead of using
 * indexes and would bound the drain), with a heap of `FAULT_BACKLOG_MONGO_HEAP` (default 1g) for what is stored.
 */
class BacklogDrainIT extends FaultRunSupport {

    static final int READINGS = intEnv("FAULT_BACKLOG_READINGS", 20_000);
    static final int BUILD_RATE = intEnv("FAULT_BACKLOG_RATE", 1_000);
    /** Resident memory the resumed worker (started with -Xmx384m) must stay under while it drains. */
    static final int MAX_RSS_MB = intEnv("FAULT_BACKLOG_MAX_RSS_MB", 768);
    static final int TRICKLE_RATE = 50;
    static final int TRICKLE_SECONDS = 15;
    /** Drain no slower than this many readings/s on average, or the run fails (bounds the CI time too). */
    static final int MIN_DRAIN_RATE = 100;
    static final int DEVICES = intEnv("FAULT_BACKLOG_DEVICES", 50);
    static final String MONGO_HEAP = System.getenv().getOrDefault("FAULT_BACKLOG_MONGO_HEAP", "1g");

    @TempDir
    Path dir;

    @Test
    void givenWorkerStoppedWhileBacklogBuilds_whenResumed_thenDrainsKeepsUpBoundedAndStoresEachReadingOnce()
            throws Exception {
        try (FaultStack stack = FaultStack.startWithInMemoryMongo(dir, 1, fleet(DEVICES), Map.of(), MONGO_HEAP)) {
            Map<String, String> headers = FaultStack.fleetHeaders();
            BacklogTimeline timeline = new BacklogTimeline();
            stack.workers.get(0).close();

            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            try (DrainProbe probe = probe(stack)) {
                sampler.scheduleWithFixedDelay(() -> {
                    try {
                        timeline.add(probe.sample(stack.workers.get(0).pid()));
                    } catch (Exception e) {
                        timeline.missed();
                    }
                }, 0, 1, TimeUnit.SECONDS);

                timeline.mark("worker stopped, load builds the backlog");
                LoadRun backlog = new LoadRun(stack.fleet, () -> headers);
                backlog.drive(() -> ingestUrl(stack), BUILD_RATE,
                        Duration.ofSeconds(Math.max(1, (READINGS + BUILD_RATE - 1) / BUILD_RATE)));
                backlog.retryUnacknowledged(() -> ingestUrl(stack), 5);
                long onTopic = probe.sample(-1).records();
                assertThat(onTopic).as("records waiting on the topic").isGreaterThanOrEqualTo(READINGS);

                timeline.mark("worker resumed");
                long resumed = System.nanoTime();
                stack.workers.set(0, stack.workers.get(0).restart());
                timeline.mark("worker ready");
                Duration bound = Duration.ofSeconds(60 + onTopic / MIN_DRAIN_RATE);
                try {
                    await().atMost(bound).pollInterval(Duration.ofMillis(500))
                            .until(() -> timeline.lastRecords() == 0);
                } catch (ConditionTimeoutException e) {
                    // Keep what was measured (lag, memory over time) for the report, then fail.
                    timeline.mark("not drained within " + bound.toSeconds() + " s");
                    timeline.writeSamples(RUNS_DIR.resolve("backlog"));
                    throw e;
                }
                double drainSeconds = (System.nanoTime() - resumed) / 1e9;
                timeline.mark("backlog drained");
                Instant drainedAt = Instant.now();

                LoadRun trickle = new LoadRun(stack.fleet, () -> headers, backlog.nextIndex());
                trickle.drive(() -> ingestUrl(stack), TRICKLE_RATE, Duration.ofSeconds(TRICKLE_SECONDS));
                timeline.mark("trickle ended");
                trickle.retryUnacknowledged(() -> ingestUrl(stack), 5);
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                        .until(() -> timeline.lastRecords() == 0);
                sampler.shutdown();
                sampler.awaitTermination(30, TimeUnit.SECONDS);

                AckAudit.Verdict v;
                double[] freshness;
                try (MongoClient client = stack.mongoClient()) {
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                            .until(() -> StoredAudit.audit(client, stack.fleet, List.of(backlog, trickle)).lost() == 0);
                    v = StoredAudit.audit(client, stack.fleet, List.of(backlog, trickle));
                    freshness = DrainProbe.freshnessSeconds(client, drainedAt);
                }
                BacklogTimeline.Result r = timeline.result(onTopic, drainSeconds, freshness);
                timeline.write(RUNS_DIR.resolve("backlog"), r, backlog, v);
                summaryCsv(new SummaryRow("backlog: worker stopped while " + onTopic + " readings queued; resumed",
                        BUILD_RATE, backlog.achievedRate, backlog.sent + trickle.sent,
                        backlog.statusSummary() + " then " + trickle.statusSummary(), v,
                        FaultTimeline.degradedSeconds(FaultTimeline.seconds(backlog), List.of(), SLOW_MS), 0,
                        drainSeconds,
                        Math.round(timeline.elapsedSeconds())));

                assertThat(r.peakRssMb()).as("worker resident memory while draining (MiB)").isPositive()
                        .isLessThan(MAX_RSS_MB);
                assertThat(r.freshness()).as("readings received after the drain, stored").hasSizeGreaterThanOrEqualTo(
                        TRICKLE_RATE * TRICKLE_SECONDS / 2);
                assertThat(r.freshness(90)).as("seconds from receipt to storage (p90) once the backlog is drained")
                        .isLessThan(1.0);
                assertThat(v.acknowledged()).as("acknowledged readings").isGreaterThanOrEqualTo(READINGS);
                assertThat(v.lost()).as("acknowledged readings missing from the FHIR database").isZero();
                assertThat(v.unexplained()).as("stored readings no device sent").isZero();
                assertThat(v.legacyDuplicates()).as("legacy entries appended twice").isZero();
                assertThat(v.legacyMissing()).as("acknowledged readings missing from the legacy bucket").isZero();
            } finally {
                sampler.shutdownNow();
            }
        }
    }

    private static DrainProbe probe(FaultStack stack) {
        return new DrainProbe(stack.kafka.address(), stack.admin(), FaultStack.TOPIC, FaultStack.GROUP);
    }

    private static int intEnv(String name, int defaultValue) {
        return Integer.parseInt(System.getenv().getOrDefault(name, Integer.toString(defaultValue)));
    }
}
