package org.mfc.fhir.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.bson.Document;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.mfc.fhir.core.messaging.Topics;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

/**
 * End to end: open-loop POSTs to the ingest API at fixed rates while the worker stores them; samples the worker
 * group's lag every second, waits for the backlog to drain, then reads every stored Observation of the step and
 * reports freshness (stored minus received, stored minus device time) and the records/s the worker sustained.
 *
 * <pre>
 * EndToEndBench --url http://127.0.0.1:8080 --kafka 127.0.0.1:9092 --mongo mongodb://127.0.0.1:27017
 *               --rates 1000,2000,3000 --duration 30 --devices 1000 --out docs/benchmarks/end-to-end [--token JWT]
 *               [--warmup 15]   (seconds of load before the measured steps, not reported)
 *               [--warmup-rate 1000]   (readings/s during the warm-up; the first rate when not given)
 *               [--csv FILE --label L]   (also one CSV row per step: ingest latency, freshness, lag)
 * </pre>
 */
public final class EndToEndBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        URI url = URI.create(a.getOrDefault("url", "http://127.0.0.1:8080"));
        List<Integer> rates = Arrays.stream(a.getOrDefault("rates", "1000,2000,3000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Duration duration = Duration.ofSeconds(Long.parseLong(a.getOrDefault("duration", "30")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup", "0")));
        int warmupRate = Integer.parseInt(a.getOrDefault("warmup-rate", String.valueOf(rates.get(0))));
        int devices = Integer.parseInt(a.getOrDefault("devices", "1000"));
        String topic = a.getOrDefault("topic", Topics.READINGS);
        String group = a.getOrDefault("group", "fhir-parser-worker");
        Path out = Path.of(a.getOrDefault("out", "docs/benchmarks/end-to-end"));
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        if (a.containsKey("token")) {
            headers.put("Authorization", "Bearer " + a.get("token"));
        }
        long totalRequests = rates.stream().mapToLong(r -> r * duration.toSeconds()).sum()
                + warmupRate * warmup.toSeconds();
        Ava4Fleet fleet = new Ava4Fleet(devices, Instant.now().getEpochSecond() - totalRequests / devices - 3600);
        StringBuilder md = new StringBuilder("# End to end: POST to stored Observation\n\nReproduce: `")
                .append(a.getOrDefault("command", "scripts/bench-e2e.sh")).append("`\n\n")
                .append("| offered req/s | achieved req/s | 2xx | errors | stored Observations | worker records/s"
                        + " | max lag (records) | max lag (s) | drain after load (s) | freshness p50 ms | p99 ms"
                        + " | p99.9 ms | max ms | seconds over 1 s |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        XYSeries p50 = new XYSeries("freshness p50");
        XYSeries p99 = new XYSeries("freshness p99");
        XYSeries lagSeconds = new XYSeries("max lag (records / offered rate)");
        try (MongoClient mongo = MongoClients.create(a.getOrDefault("mongo", "mongodb://127.0.0.1:27017"));
                Admin admin = ConsumerLag.admin(a.getOrDefault("kafka", "127.0.0.1:9092"));
                OpenLoopGenerator gen = new OpenLoopGenerator(url.getHost(), url.getPort(), 256,
                        Duration.ofSeconds(10))) {
            MongoDatabase main = mongo.getDatabase(a.getOrDefault("main-db", "AMY"));
            MongoDatabase fhir = mongo.getDatabase(a.getOrDefault("fhir-db", "MFC_FHIR_R5"));
            fleet.seed(main);
            long offset = 0;
            if (warmup.toSeconds() > 0) {
                // Cold JVMs (JIT) under load would otherwise count in the first step's freshness. The warm-up runs
                // below the knee so that the JIT compilers of five JVMs get CPU time to finish.
                var w = gen.run(warmupRate, warmup, i -> fleet.request(i, "/api/v1/ava4", headers));
                offset = w.sent();
                while (ConsumerLag.of(admin, topic, group) > 0) {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
                System.out.printf("warm-up: %d requests, %d 2xx%n", w.sent(), w.count2xx());
            }
            // Freshness is read from the database once, after the last step: a query between steps (a scan of
            // every stored Observation in the stand-in) would load the database just before the next step starts.
            List<Step> steps = new ArrayList<>();
            for (int rate : rates) {
                long base = offset;
                AtomicLong maxLag = new AtomicLong();
                ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
                sampler.scheduleAtFixedRate(() -> maxLag.accumulateAndGet(ConsumerLag.of(admin, topic, group),
                        Math::max), 0, 1, TimeUnit.SECONDS);
                Instant stepStart = Instant.now();
                var r = gen.run(rate, duration, i -> fleet.request(base + i, "/api/v1/ava4", headers));
                Instant loadEnd = Instant.now();
                long lagAtEnd;
                while ((lagAtEnd = ConsumerLag.of(admin, topic, group)) > 0
                        && Duration.between(loadEnd, Instant.now()).toSeconds() < 300) {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
                double drain = Duration.between(loadEnd, Instant.now()).toMillis() / 1000.0;
                sampler.shutdownNow();
                offset += r.sent();
                steps.add(new Step(rate, r, stepStart, maxLag.get(), lagAtEnd, drain));
                System.out.printf(Locale.ROOT, "%d req/s: 2xx %d, ingest p50 %.2f ms p99 %.2f ms, max lag %d, drain"
                        + " %.1f s (lag left %d)%n", rate, r.count2xx(), r.latencyUs().getValueAtPercentile(50) / 1000.0,
                        r.latencyUs().getValueAtPercentile(99) / 1000.0, maxLag.get(), drain, lagAtEnd);
            }
            List<Freshness> measured;
            try {
                measured = freshness(fhir, steps);
            } catch (RuntimeException e) {
                // The database stopped answering the benchmark's own query: the pipeline is past what it can hold
                // here. The load side of every step is still reported.
                md.append(String.format(Locale.ROOT, "| freshness not read: %s |%n", e.getClass().getSimpleName()));
                System.out.printf(Locale.ROOT, "freshness not read (%s)%n", e);
                measured = List.of();
            }
            for (int k = 0; k < measured.size(); k++) {
                Step step = steps.get(k);
                Freshness f = measured.get(k);
                int rate = step.rate();
                var r = step.load();
                double workerRate = f.count / Math.max(0.001, f.spanSeconds());
                // A lag of N records at R records/s offered is N/R seconds of readings waiting.
                double maxLagSeconds = step.maxLag() / (double) rate;
                p50.add(rate, Math.max(1, f.received.getValueAtPercentile(50)));
                p99.add(rate, Math.max(1, f.received.getValueAtPercentile(99)));
                lagSeconds.add(rate, Math.max(1, maxLagSeconds * 1000));
                md.append(String.format(Locale.ROOT,
                        "| %d | %.0f | %d | %d | %d | %.0f | %d | %.2f | %.1f | %.0f | %.0f | %.0f | %.0f"
                                + " | %d of %d |%n",
                        rate, r.achievedRate(), r.count2xx(), r.errors(), f.count, workerRate, step.maxLag(),
                        maxLagSeconds, step.drain(),
                        f.received.getValueAtPercentile(50) / 1.0, f.received.getValueAtPercentile(99) / 1.0,
                        f.received.getValueAtPercentile(99.9) / 1.0, f.received.getMaxValue() / 1.0,
                        f.secondsOver(1000), f.worstPerSecond.size()));
                if (a.containsKey("csv")) {
                    appendCsv(Path.of(a.get("csv")), a.getOrDefault("label", "1"), step, f);
                }
                System.out.printf(Locale.ROOT, "%d req/s: 2xx %d, stored %d, worker %.0f/s, max lag %d, drain"
                        + " %.1f s, freshness p50 %d ms p99 %d ms (lag left %d)%n", rate, r.count2xx(), f.count,
                        workerRate, step.maxLag(), step.drain(), f.received.getValueAtPercentile(50),
                        f.received.getValueAtPercentile(99), step.lagAtEnd());
                System.out.printf(Locale.ROOT, "%d req/s: longest wait per second of receipt (ms) from %s: %s%n",
                        rate, f.worstPerSecond.isEmpty() ? "-" : Instant.ofEpochSecond(f.worstPerSecond.firstKey()),
                        f.timeline());
            }
        }
        md.append("\nFreshness = the time the worker stored the Observation (`recorded_datetime`) minus the time the"
                + " ingest API received the reading (`issued`). Worker records/s = stored Observations of the step"
                + " divided by the span of their `recorded_datetime`. Max lag = the worker group's lag sampled every"
                + " second during the step; in seconds, divided by the offered rate. Seconds over 1 s = seconds of the"
                + " step (by receipt time) in which some reading waited more than 1 s to be stored.\n\n![plot]("
                + out.getFileName() + ".png)\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(Path.of(out + ".md"), md.toString());
        if (p50.getItemCount() > 0) {
            plot(out, p50, p99, lagSeconds);
        }
        System.out.println("report: " + out + ".md, plot: " + out + ".png");
    }

    static final String CSV_HEADER = "label,rate,achieved_rate,ok_2xx,errors,ingest_p50_ms,ingest_p99_ms,"
            + "freshness_p50_ms,freshness_p99_ms,freshness_max_ms,max_lag_s,stored";

    /** One step as a CSV row: what the devices saw (ingest latency) and how fresh the stored readings were. */
    private static void appendCsv(Path csv, String label, Step step, Freshness f) throws java.io.IOException {
        if (!Files.exists(csv)) {
            Files.createDirectories(csv.toAbsolutePath().getParent());
            Files.writeString(csv, CSV_HEADER + "\n");
        }
        var r = step.load();
        Files.writeString(csv, String.format(Locale.ROOT, "%s,%d,%.0f,%d,%d,%.2f,%.2f,%d,%d,%d,%.2f,%d%n", label,
                step.rate(), r.achievedRate(), r.count2xx(), r.errors(),
                r.latencyUs().getValueAtPercentile(50) / 1000.0, r.latencyUs().getValueAtPercentile(99) / 1000.0,
                f.received.getValueAtPercentile(50), f.received.getValueAtPercentile(99), f.received.getMaxValue(),
                step.maxLag() / (double) step.rate(), f.count), java.nio.file.StandardOpenOption.APPEND);
    }

    private static void plot(Path out, XYSeries... series) throws java.io.IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) {
            data.addSeries(s);
        }
        XYSeries target = new XYSeries("1 s");
        target.add(series[0].getMinX(), 1000);
        target.add(series[0].getMaxX(), 1000);
        data.addSeries(target);
        BenchReport.saveLogChart(Path.of(out + ".png"),
                "End to end: POST to stored Observation (" + Runtime.getRuntime().availableProcessors() + " cores)",
                "offered load (readings/s)", "ms, log scale", data, true);
    }

    /**
     * The readings of one step as stored: how long each waited from receipt to storage ({@code received}), and per
     * second of receipt the longest wait ({@code worstPerSecond}), the lag as it moved through the step.
     */
    private static final class Freshness {
        final Histogram received = new Histogram(3_600_000L, 3);
        final SortedMap<Long, Long> worstPerSecond = new TreeMap<>();
        long count;
        private long firstStored = Long.MAX_VALUE;
        private long lastStored;

        void record(long storedMs, long receivedMs) {
            long waited = Math.max(0, Math.min(3_600_000L, storedMs - receivedMs));
            received.recordValue(waited);
            worstPerSecond.merge(receivedMs / 1000, waited, Math::max);
            firstStored = Math.min(firstStored, storedMs);
            lastStored = Math.max(lastStored, storedMs);
            count++;
        }

        /** From the first to the last storage time of the step. */
        double spanSeconds() {
            return count == 0 ? 0 : (lastStored - firstStored) / 1000.0;
        }

        /** Seconds of the step in which some reading waited longer than {@code limitMs} to be stored. */
        long secondsOver(long limitMs) {
            return worstPerSecond.values().stream().filter(ms -> ms > limitMs).count();
        }

        String timeline() {
            StringBuilder sb = new StringBuilder();
            worstPerSecond.values().forEach(ms -> sb.append(' ').append(ms));
            return sb.toString().trim();
        }
    }

    /** One load step: what the generator sent and the lag seen while the worker caught up. */
    private record Step(int rate, OpenLoopGenerator.StepResult load, Instant start, long maxLag, long lagAtEnd,
            double drain) {
    }

    /**
     * Blood-pressure panels (one per request) stored since the first step, each counted in the step whose load it
     * was received in: the last step started at or before its receipt time.
     */
    private static List<Freshness> freshness(MongoDatabase fhir, List<Step> steps) {
        int n = steps.size();
        List<Freshness> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(new Freshness());
        }
        // In windows of ten seconds of storage time: the stand-in answers a find in one reply, whatever its size.
        Instant end = Instant.now().plusSeconds(1);
        for (Instant from = steps.get(0).start(); from.isBefore(end); from = from.plusSeconds(10)) {
            for (Document d : fhir.getCollection("fhir_observations")
                    .find(Filters.and(Filters.eq("code", "85354-9"), Filters.gte("recorded_datetime", Date.from(from)),
                            Filters.lt("recorded_datetime", Date.from(from.plusSeconds(10)))))
                    .projection(Projections.include("recorded_datetime", "resource_data.issued"))) {
                long recorded = d.getDate("recorded_datetime").getTime();
                String issued = d.get("resource_data", Document.class).getString("issued");
                long received = Instant.parse(issued).toEpochMilli();
                int k = n - 1;
                while (k > 0 && steps.get(k).start().toEpochMilli() > received) {
                    k--;
                }
                if (steps.get(k).start().toEpochMilli() > received) {
                    continue;
                }
                out.get(k).record(recorded, received);
            }
        }
        return out;
    }

}
