package org.mfc.fhir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.mfc.fhir.bench.AckAudit;
import org.mfc.fhir.bench.Ava4Fleet;
import org.mfc.fhir.bench.ConsumerLag;

import com.mongodb.client.MongoClient;

/**
 * The shape every fault run shares: steady load from a device fleet, a fault injected and healed on a schedule while
 * the load runs, devices retrying what was not acknowledged, the worker group drained, then the audit of acknowledged
 * against stored readings and one summary row in {@code target/fault-runs/summary.md}.
 */
abstract class FaultRunSupport {

    /** Shortened in CI; `FAULT_RUN_SECONDS` lengthens a run for the report in docs/. */
    static final int LOAD_SECONDS = Integer.parseInt(System.getenv().getOrDefault("FAULT_RUN_SECONDS", "30"));
    static final int RATE = Integer.parseInt(System.getenv().getOrDefault("FAULT_RUN_RATE", "100"));

    /**
     * A short publish timeout for the runs that take the broker away, with producer bounds below it (the ingest API
     * refuses to start otherwise): requests fall back to synchronous storage after 2 s instead of 7 s.
     */
    static final Map<String, String> FAST_FALLBACK = Map.of("INGEST_PUBLISH_TIMEOUT", "2s",
            "INGEST_PRODUCER_MAX_BLOCK_MS", "500", "INGEST_PRODUCER_REQUEST_TIMEOUT_MS", "800",
            "INGEST_PRODUCER_DELIVERY_TIMEOUT_MS", "1200");

    /** One step of a fault schedule: at {@code at} after the load starts, do {@code action}. */
    record Step(Duration at, String what, FaultAction action) {
    }

    @FunctionalInterface
    interface FaultAction {
        void run() throws Exception;
    }

    /**
     * The services' logs live in the test's temporary directory, which is gone once the test ends: when the topic
     * does not drain, their last lines go to the build output so the failure can be read from it.
     */
    static void printServiceLogTails(FaultStack stack) {
        List<ServiceProcess> services = new ArrayList<>(stack.workers);
        services.add(stack.ingest);
        services.add(stack.secondIngest);
        for (ServiceProcess service : services) {
            if (service == null) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(service.log());
                System.err.println("---- last lines of " + service.log().getFileName() + " ----");
                lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.err::println);
            } catch (IOException | RuntimeException e) {
                System.err.println("---- " + service.log() + " unreadable: " + e);
            }
        }
    }

    static Ava4Fleet fleet() {
        return fleet(50);
    }

    /** {@code devices} AVA4 boxes, each with its cuff and patient; request i comes from box i mod devices. */
    static Ava4Fleet fleet(int devices) {
        return new Ava4Fleet(devices, Instant.now().getEpochSecond() - 24 * 3600);
    }

    /** Runs the load with the schedule, retries, drains and returns the verdict (also written to the summary). */
    static AckAudit.Verdict run(String fault, FaultStack stack, List<Step> schedule, Map<String, String> headers)
            throws Exception {
        LoadRun load = new LoadRun(stack.fleet, () -> headers);
        Instant[] healed = {null};
        List<FaultTimeline.Event> events = new CopyOnWriteArrayList<>();
        long loadStart = System.nanoTime();
        ScheduledExecutorService faults = scheduleFaults(schedule, loadStart, events, healed);
        Instant start = Instant.now();
        load.drive(() -> ingestUrl(stack), RATE, Duration.ofSeconds(LOAD_SECONDS));
        faults.shutdown();
        faults.awaitTermination(2, TimeUnit.MINUTES);
        load.retryUnacknowledged(() -> ingestUrl(stack), 5);
        Instant drainStart = Instant.now();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> lag(stack) == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            printServiceLogTails(stack);
            throw e;
        }
        Duration drain = Duration.between(drainStart, Instant.now());
        AckAudit.Verdict verdict;
        try (MongoClient client = stack.mongoClient()) {
            // The last batch is committed after its writes; give the audit the same view the next reader gets.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> StoredAudit.audit(client, stack.fleet, load).lost() == 0);
            verdict = StoredAudit.audit(client, stack.fleet, load);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            try (MongoClient client = stack.mongoClient()) {
                verdict = StoredAudit.audit(client, stack.fleet, load);
            }
        }
        double recovery = healed[0] == null ? 0 : Duration.between(healed[0], drainStart).toMillis() / 1000.0;
        List<FaultTimeline.Second> seconds = FaultTimeline.seconds(load);
        int degraded = FaultTimeline.degradedSeconds(seconds, events, SLOW_MS);
        double recovered = FaultTimeline.recoverySeconds(seconds, events, SLOW_MS);
        FaultTimeline.write(RUNS_DIR.resolve(slug(fault)), fault, seconds, events);
        summary(fault, load, load.statusSummary(), verdict, Duration.between(start, Instant.now()), recovery);
        summaryCsv(new SummaryRow(fault, RATE, load.achievedRate, load.sent, load.statusSummary(), verdict,
                degraded, recovered, drain.toMillis() / 1000.0, Duration.between(start, Instant.now()).toSeconds()));
        return verdict;
    }

    /**
     * Runs each step of {@code schedule} at its time after {@code loadStart}, recording when it began (and ended, when
     * it took more than a second) in {@code events} and the time of the last completed step in {@code healed[0]}.
     */
    static ScheduledExecutorService scheduleFaults(List<Step> schedule, long loadStart,
            List<FaultTimeline.Event> events, Instant[] healed) {
        ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
        for (Step s : schedule) {
            faults.schedule(() -> {
                try {
                    double began = (System.nanoTime() - loadStart) / 1e9;
                    events.add(new FaultTimeline.Event(began, s.what()));
                    s.action().run();
                    double ended = (System.nanoTime() - loadStart) / 1e9;
                    if (ended - began > 1) {
                        // A restart returns once the process is ready: mark that too, recovery is judged from it.
                        events.add(new FaultTimeline.Event(ended, s.what() + " (done)"));
                    }
                    healed[0] = Instant.now();
                } catch (Exception e) {
                    throw new IllegalStateException("fault step failed: " + s.what(), e);
                }
                return null;
            }, s.at().toMillis(), TimeUnit.MILLISECONDS);
        }
        return faults;
    }

    /** Where every run writes its summary row, timeline and plot: a script assembles the report from here. */
    static final Path RUNS_DIR = Path.of("target", "fault-runs");

    /** A p99 above this, in a second of the load, counts as devices not (yet) served normally. */
    static final double SLOW_MS = 1000;

    /** One run's line in {@code target/fault-runs/summary.csv}. */
    record SummaryRow(String fault, int targetRate, double achievedRate, long requests, String statuses,
            AckAudit.Verdict v, int degradedSeconds, double recoverySeconds, double drainSeconds,
            long runSeconds) {
    }

    static final String SUMMARY_CSV_HEADER = "fault,target_rate,achieved_rate,requests,statuses,acknowledged,stored,"
            + "lost,stored_unacknowledged,unexplained,legacy_duplicates,legacy_missing,degraded_s,"
            + "recovery_after_heal_s,drain_after_load_s,run_s";

    static void summaryCsv(SummaryRow r) throws IOException {
        Path file = RUNS_DIR.resolve("summary.csv");
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, SUMMARY_CSV_HEADER + "\n");
        }
        AckAudit.Verdict v = r.v();
        Files.writeString(file, String.format(Locale.ROOT, "%s,%d,%.1f,%d,%s,%d,%d,%d,%d,%d,%d,%d,%d,%.1f,%.1f,%d%n",
                r.fault().replace(',', ';'), r.targetRate(), r.achievedRate(), r.requests(),
                r.statuses().replace(", ", " ").replace(',', ' '), v.acknowledged(), v.stored(), v.lost(),
                v.storedUnacknowledged(), v.unexplained(), v.legacyDuplicates(), v.legacyMissing(),
                r.degradedSeconds(), r.recoverySeconds(), r.drainSeconds(), r.runSeconds()),
                StandardOpenOption.APPEND);
    }

    static String slug(String fault) {
        return fault.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static URI ingestUrl(FaultStack stack) {
        return URI.create("http://127.0.0.1:" + stack.ingest.port());
    }

    static long lag(FaultStack stack) {
        try (Admin admin = stack.admin()) {
            long lag = ConsumerLag.of(admin, FaultStack.TOPIC, FaultStack.GROUP);
            return lag < 0 ? Long.MAX_VALUE : lag;
        }
    }

    /** The verdict every fault run must reach: nothing acknowledged lost or doubled, nothing stored unasked. */
    static void assertEveryAcknowledgedReadingStoredOnce(AckAudit.Verdict v) {
        assertThat(v.acknowledged()).as("acknowledged readings").isGreaterThan(RATE * LOAD_SECONDS / 2);
        assertThat(v.lost()).as("acknowledged readings missing from the FHIR database").isZero();
        assertThat(v.unexplained()).as("stored readings no device sent").isZero();
        assertThat(v.legacyDuplicates()).as("legacy entries appended twice").isZero();
        assertThat(v.legacyMissing()).as("acknowledged readings missing from the legacy bucket").isZero();
    }

    static void summary(String fault, LoadRun load, String statuses, AckAudit.Verdict v, Duration total,
            double recovery) throws IOException {
        Path file = RUNS_DIR.resolve("summary.md");
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, "| fault | load (req/s) | requests | statuses seen by clients (all attempts)"
                    + " | acknowledged | stored | lost | stored, unacknowledged | unexplained | legacy duplicates"
                    + " | legacy missing | recovery after heal (s) | run (s) |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        }
        Files.writeString(file, String.format(Locale.ROOT, "| %s | %.0f | %d | %s | %d | %d | %d | %d | %d | %d | %d"
                + " | %.1f | %d |%n", fault, load.achievedRate, load.sent, statuses, v.acknowledged(),
                v.stored(), v.lost(), v.storedUnacknowledged(), v.unexplained(), v.legacyDuplicates(),
                v.legacyMissing(), recovery, total.toSeconds()), StandardOpenOption.APPEND);
    }
}
