package org.mfc.fhir.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.mfc.fhir.core.messaging.Topics;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * What devices feel at a constant rate: every request's latency from its intended send time and its status, per
 * second of sending, for a cold start (the load begins the moment the API reports ready) and for a broker outage
 * (the calling script kills and restarts the broker while the load runs and lists when in an events file). Writes
 * the per-second timeline as CSV and appends one summary row per run.
 *
 * <pre>
 * DeviceLatencyBench --url http://127.0.0.1:8080 --token JWT --rate 300 --seconds 60 --devices 1000
 *     --mongo mongodb://127.0.0.1:27017 --out DIR/cold-1 --summary DIR/cold.csv --label 1
 *     [--wait-ready URL[,URL...]]   the load starts the moment all of these answer 200 (the stack is ready),
 *                        each polled in turn every 50 ms over HTTP/1.1, as an orchestrator probes its instances
 *     [--events FILE]    lines "epoch-ms what" the script wrote during the load (kill, restart, ready)
 *     [--kafka 127.0.0.1:9092 --audit true]   after the load: worker drained, then acknowledged vs stored
 *     [--connections N]  most connections open at once [256]
 * </pre>
 * The fleet's devices share the connections: while the API is slow, a request waits in the client for a free one
 * (counted, from its intended send time). With one connection per device (1,000) the client opens hundreds of new
 * connections during the API's first slow second, and the cold start measured here got worse, not better
 * (docs/benchmarks/devices-profile.md, section 4).
 */
public final class DeviceLatencyBench {

    static final String SUMMARY_HEADER = "label,rate,seconds,sent,ok_2xx,statuses,p50_ms,p99_ms,max_ms,"
            + "worst_second_p99_ms,seconds_p99_over_50ms,kill_s,broker_ready_s,outage_worst_p99_ms,"
            + "first_202_after_ready_s,last_201_s,acknowledged,lost,legacy_duplicates,unexplained";

    /** The second-by-second p99 target of a cold start, and what "fast" means during an outage here. */
    static final double TARGET_P99_MS = 50;

    /** Connections the generator opens at most, unless told otherwise. */
    static final int DEFAULT_CONNECTIONS = 256;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        FleetLoad load = FleetLoad.from(a, 300, "target/device-latency");
        Ava4Fleet fleet = new Ava4Fleet(load.devices(),
                Instant.now().getEpochSecond() - (long) load.rate() * load.seconds() / load.devices() - 3600);
        try (MongoClient mongo = MongoClients.create(a.getOrDefault("mongo", "mongodb://127.0.0.1:27017"))) {
            seedWhenReachable(mongo, fleet, load.mainDb());
        }
        warmGenerator();
        double readyAt = Double.NaN;
        long readyEpochMs = 0;
        if (a.containsKey("wait-ready")) {
            readyEpochMs = awaitReady(Arrays.stream(a.get("wait-ready").split(",")).map(u -> URI.create(u.trim()))
                    .toList(), Duration.ofMinutes(5));
            System.out.println("READY " + readyEpochMs);
        }
        DeviceTimeline timeline = new DeviceTimeline(load.rate(), load.rate() * load.seconds());
        long loadStartEpochMs;
        int connections = Integer.parseInt(a.getOrDefault("connections", String.valueOf(DEFAULT_CONNECTIONS)));
        try (OpenLoopGenerator gen = new OpenLoopGenerator(load.url().getHost(), load.url().getPort(), connections,
                Duration.ofSeconds(20))) {
            // The generator's schedule starts 20 ms after run() is called: the origin of every intended send time.
            loadStartEpochMs = System.currentTimeMillis() + 20;
            System.out.println("LOAD_START " + loadStartEpochMs);
            System.out.flush();
            gen.run(load.rate(), Duration.ofSeconds(load.seconds()),
                    i -> fleet.request(i, "/api/v1/ava4", load.headers()),
                    (i, status, body, latencyUs) -> timeline.record(i, status, latencyUs));
        }
        if (readyEpochMs > 0) {
            readyAt = (readyEpochMs - loadStartEpochMs) / 1000.0;
        }
        List<DeviceTimeline.Second> perSecond = timeline.seconds();
        DeviceTimeline.write(Path.of(load.out() + ".csv"), perSecond);
        Map<String, Double> events = a.containsKey("events") ? events(Path.of(a.get("events")), loadStartEpochMs)
                : Map.of();
        writeEvents(Path.of(load.out() + "-events.csv"), events, readyAt);

        AckAudit.Verdict verdict = null;
        if (Boolean.parseBoolean(a.getOrDefault("audit", "false"))) {
            verdict = audit(a, fleet, timeline, load.mainDb(), load.fhirDb());
        }
        String row = summary(a.getOrDefault("label", load.out().getFileName().toString()), load.rate(),
                load.seconds(), timeline, perSecond, events, verdict);
        Path summary = Path.of(a.getOrDefault("summary", load.out() + "-summary.csv"));
        if (!Files.exists(summary)) {
            Files.writeString(summary, SUMMARY_HEADER + "\n");
        }
        Files.writeString(summary, row + "\n", StandardOpenOption.APPEND);
        System.out.println(SUMMARY_HEADER);
        System.out.println(row);
    }

    private static String summary(String label, int rate, int seconds, DeviceTimeline timeline,
            List<DeviceTimeline.Second> perSecond, Map<String, Double> events, AckAudit.Verdict v) {
        Map<Integer, Integer> statuses = timeline.statuses();
        int ok = statuses.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToInt(Map.Entry::getValue).sum();
        double worst = perSecond.stream().mapToDouble(DeviceTimeline.Second::p99).max().orElse(0);
        long over = perSecond.stream().filter(s -> s.p99() > TARGET_P99_MS).count();
        double kill = events.getOrDefault("kill", Double.NaN);
        double ready = events.getOrDefault("broker-ready", Double.NaN);
        double outageWorst = Double.NaN;
        double first202 = Double.NaN;
        if (!Double.isNaN(kill)) {
            // The rule: every second after the first two of the outage, to the end of the run.
            outageWorst = perSecond.stream().filter(s -> s.second() >= kill + 2).mapToDouble(
                    DeviceTimeline.Second::p99).max().orElse(0);
        }
        if (!Double.isNaN(ready)) {
            double at = timeline.firstWithStatus(202, ready);
            first202 = at < 0 ? Double.NaN : at - ready;
        }
        return String.join(",", label, Integer.toString(rate), Integer.toString(seconds),
                Integer.toString(rate * seconds), Integer.toString(ok),
                statuses.toString().replace(", ", " ").replace(",", " "),
                fmt(overall(timeline, 50)), fmt(overall(timeline, 99)), fmt(overall(timeline, 100)), fmt(worst),
                Long.toString(over), fmt(kill), fmt(ready), fmt(outageWorst), fmt(first202),
                fmt(timeline.lastWithStatus(201)), v == null ? "" : Integer.toString(v.acknowledged()),
                v == null ? "" : Integer.toString(v.lost()), v == null ? "" : Integer.toString(v.legacyDuplicates()),
                v == null ? "" : Integer.toString(v.unexplained()));
    }

    private static double overall(DeviceTimeline timeline, double p) {
        return timeline.percentile(p);
    }

    private static AckAudit.Verdict audit(Map<String, String> a, Ava4Fleet fleet, DeviceTimeline timeline,
            String mainDb, String fhirDb) throws InterruptedException {
        String topic = a.getOrDefault("topic", Topics.READINGS);
        String group = a.getOrDefault("group", "fhir-parser-worker");
        try (Admin admin = ConsumerLag.admin(a.getOrDefault("kafka", "127.0.0.1:9092"));
                MongoClient mongo = MongoClients.create(a.getOrDefault("mongo", "mongodb://127.0.0.1:27017"))) {
            Instant deadline = Instant.now().plusSeconds(300);
            while (ConsumerLag.of(admin, topic, group) != 0 && Instant.now().isBefore(deadline)) {
                TimeUnit.MILLISECONDS.sleep(500);
            }
            List<List<Long>> split = timeline.acknowledgedAndNot(0);
            // The worker commits a batch after its writes: the audit waits until what it sees stops changing.
            AckAudit.Verdict v = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                v = AckAudit.audit(mongo.getDatabase(fhirDb), mongo.getDatabase(mainDb), fleet, split.get(0),
                        split.get(1));
                if (v.lost() == 0) {
                    break;
                }
                TimeUnit.SECONDS.sleep(1);
            }
            System.out.printf(Locale.ROOT, "audit: %s%n", v);
            return v;
        }
    }

    /** Registers the fleet as soon as MongoDB answers (the stack may still be starting). */
    private static void seedWhenReachable(MongoClient mongo, Ava4Fleet fleet, String mainDb)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(300);
        while (true) {
            try {
                fleet.seed(mongo.getDatabase(mainDb));
                return;
            } catch (RuntimeException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    /**
     * The generator's own JVM is cold too: a few thousand requests to a stub server in this JVM first, so that what
     * the timeline shows is the API's warm-up, not the client's.
     */
    private static void warmGenerator() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> req
                    .response().setStatusCode(202).putHeader("Content-Type", "application/json")
                    .end("{\"status\":\"queued\"}"))).listen(0, "127.0.0.1").toCompletionStage()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            Ava4Fleet stubFleet = new Ava4Fleet(100, 1_700_000_000L);
            try (OpenLoopGenerator gen = new OpenLoopGenerator("127.0.0.1", server.actualPort(), 64,
                    Duration.ofSeconds(10))) {
                gen.run(2000, Duration.ofSeconds(4), i -> stubFleet.request(i, "/stub", Map.of()));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Polls {@code ready} every 20 ms until it answers 200; the epoch millisecond it did. Called for each service in
     * turn: the last one's time is when the whole stack was ready (an earlier one stays ready, nothing is stopped).
     */
    /**
     * Polls every readiness URL in turn, as an orchestrator probes every instance from its start, until all answer
     * 200 in one round; returns that moment. HTTP/1.1 as probes speak it: the client's default would ask each
     * server to upgrade to HTTP/2 and make the API load its HTTP/2 classes in the first second of load.
     */
    private static long awaitReady(List<URI> urls, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            boolean all = true;
            for (URI url : urls) {
                try {
                    HttpRequest probe = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
                    all &= http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    all = false; // not listening yet
                }
            }
            if (all) {
                return System.currentTimeMillis();
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException(urls + " not all ready within " + timeout);
    }

    /** {@code epoch-ms what} lines, as seconds after the load started; the last time of each event wins. */
    static Map<String, Double> events(Path file, long loadStartEpochMs) throws IOException {
        Map<String, Double> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2) {
                out.put(f[1], (Long.parseLong(f[0]) - loadStartEpochMs) / 1000.0);
            }
        }
        return out;
    }

    private static void writeEvents(Path csv, Map<String, Double> events, double readyAt) throws IOException {
        StringBuilder sb = new StringBuilder("at_s,event\n");
        if (!Double.isNaN(readyAt)) {
            sb.append(fmt(readyAt)).append(",API ready\n");
        }
        events.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> sb.append(fmt(e.getValue())).append(',').append(e.getKey()).append('\n'));
        Files.writeString(csv, sb);
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }
}
