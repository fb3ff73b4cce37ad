package org.mfc.fhir.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Turns the results of {@code scripts/bench-devices.sh} (one directory of CSVs: cold starts, broker outages, steady
 * steps, costs; several runs of each) into one Markdown report with its plots: each run, and the median of the runs,
 * next to the target.
 *
 * <pre>
 * DevicesReport --results docs/benchmarks/devices --out docs/benchmarks/devices.md --command "..." [--notes FILE]
 * </pre>
 */
public final class DevicesReport {

    private static final double COLD_P99_TARGET_MS = 50;
    private static final double OUTAGE_P99_TARGET_MS = 100;
    private static final double BACK_ON_QUEUE_TARGET_S = 5;
    private static final int STEADY_TARGET_RATE = 3000;
    private static final double STEADY_INGEST_P99_TARGET_MS = 20;
    private static final double STEADY_FRESHNESS_P99_TARGET_MS = 1000;
    private static final double INGEST_CPU_TARGET_US = 150;
    private static final double WORKER_CPU_TARGET_US = 300;
    private static final double ROUND_TRIPS_PER_BATCH_TARGET = 2;

    public static void main(String[] args) throws IOException {
        Map<String, String> a = Args.parse(args);
        Path results = Path.of(a.getOrDefault("results", "docs/benchmarks/devices"));
        Path out = Path.of(a.getOrDefault("out", "docs/benchmarks/devices.md"));
        String base = out.getFileName().toString().replaceAll("\\.md$", "");
        Path dir = out.toAbsolutePath().getParent();
        String data = dir.relativize(results.toAbsolutePath()).toString();
        StringBuilder md = new StringBuilder("# What devices feel: cold start, broker outage, steady state, and the"
                + " cost of a reading\n\nReproduce: `").append(a.getOrDefault("command", "scripts/bench-devices.sh"))
                .append("`\n\n");
        if (a.containsKey("notes") && Files.exists(Path.of(a.get("notes")))) {
            md.append(Files.readString(Path.of(a.get("notes")))).append('\n');
        }
        md.append("Open-loop load from a fleet of AVA4 boxes (one blood-pressure reading per request, latency from the"
                + " intended send time), every process on this machine (broker, MongoDB stand-in in memory, both"
                + " services, the load generator). Per-second figures are by the second a request was due to be"
                + " sent. Raw data: [" + data + "](" + data + ").\n\n");
        cold(results, dir, base, md);
        outage(results, dir, base, md);
        steady(results, dir, base, md);
        cost(results, md);
        Files.writeString(out, md);
        System.out.println("report: " + out);
    }

    // ---------------------------------------------------------------------------------------------- (a) cold start

    private static void cold(Path results, Path dir, String base, StringBuilder md) throws IOException {
        List<Map<String, String>> runs = section(results, "cold.csv",
                "(a) Cold start: a fresh stack taking load from its first ready second", md);
        if (runs.isEmpty()) {
            return;
        }
        md.append("Target: p99 ≤ ").append(f0(COLD_P99_TARGET_MS)).append(" ms in every second from the first"
                + " ready second.\n\n| run | req/s | seconds | statuses | p50 ms | p99 ms | max ms | worst second's"
                + " p99 ms | seconds with p99 > 50 ms |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, String> r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.get("label"),
                    r.get("rate"), r.get("seconds"), r.get("statuses"), r.get("p50_ms"), r.get("p99_ms"),
                    r.get("max_ms"), r.get("worst_second_p99_ms"), r.get("seconds_p99_over_50ms")));
        }
        double worst = median(runs, "worst_second_p99_ms");
        md.append(String.format(Locale.ROOT, "| **median** | | | | %.2f | %.2f | %.1f | **%.1f** | %.0f |%n%n",
                median(runs, "p50_ms"), median(runs, "p99_ms"), median(runs, "max_ms"), worst,
                median(runs, "seconds_p99_over_50ms")));
        md.append(verdict(worst <= COLD_P99_TARGET_MS, String.format(Locale.ROOT,
                "median of the runs' worst second: p99 %.1f ms", worst))).append("\n\n");
        XYSeriesCollection counts = new XYSeriesCollection();
        counts.addSeries(series("run " + runs.get(0).get("label") + " answers/s", DeviceTimeline.read(
                results.resolve("cold-" + runs.get(0).get("label") + ".csv")), s -> s.created() + s.accepted()));
        plot(dir, base, "cold", "cold start", "Cold start: per-second p99 from the first ready second",
                p99PerRun(results, "cold", runs, COLD_P99_TARGET_MS), counts, List.of(), md);
    }

    // ------------------------------------------------------------------------------------------- (b) broker outage

    private static void outage(Path results, Path dir, String base, StringBuilder md) throws IOException {
        List<Map<String, String>> runs = section(results, "outage.csv",
                "(b) Broker killed (`kill -9`) and restarted under load", md);
        if (runs.isEmpty()) {
            return;
        }
        md.append("Targets: p99 ≤ ").append(f0(OUTAGE_P99_TARGET_MS)).append(" ms in every second after the first"
                + " 2 s of the outage; back on the queue (202) within ").append(f0(BACK_ON_QUEUE_TARGET_S))
                .append(" s of the broker's return (its restarted process ready); 0 lost, 0 duplicates.\n\n"
                + "| run | req/s | statuses | killed at (s) | broker ready at (s) | worst p99 from 2 s after the kill"
                + " (ms) | first 202 after the broker was ready (s) | acknowledged | lost | legacy duplicates |"
                + " unexplained |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, String> r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.get("label"), r.get("rate"), r.get("statuses"), r.get("kill_s"), r.get("broker_ready_s"),
                    r.get("outage_worst_p99_ms"), r.get("first_202_after_ready_s"), r.get("acknowledged"),
                    r.get("lost"), r.get("legacy_duplicates"), r.get("unexplained")));
        }
        double worst = median(runs, "outage_worst_p99_ms");
        double back = median(runs, "first_202_after_ready_s");
        double lost = max(runs, "lost") + max(runs, "legacy_duplicates") + max(runs, "unexplained");
        md.append(String.format(Locale.ROOT, "| **median** | | | | | **%.1f** | **%.2f** | | %.0f | %.0f | %.0f |"
                + "%n%n", worst, back, max(runs, "lost"), max(runs, "legacy_duplicates"), max(runs, "unexplained")));
        md.append(verdict(worst <= OUTAGE_P99_TARGET_MS && back <= BACK_ON_QUEUE_TARGET_S && lost == 0,
                String.format(Locale.ROOT, "median worst p99 %.1f ms, back on the queue %.2f s after the broker"
                        + " was ready, lost + duplicates + unexplained over every run: %.0f", worst, back, lost)))
                .append("\n\n");
        String first = runs.get(0).get("label");
        List<DeviceTimeline.Second> seconds = DeviceTimeline.read(results.resolve("outage-" + first + ".csv"));
        XYSeriesCollection counts = new XYSeriesCollection();
        counts.addSeries(series("run " + first + " 202/s (queued)", seconds, DeviceTimeline.Second::accepted));
        counts.addSeries(series("run " + first + " 201/s (stored synchronously)", seconds,
                DeviceTimeline.Second::created));
        List<TimelineChart.Step> steps = new ArrayList<>();
        for (Map<String, String> e : Csv.read(results.resolve("outage-" + first + "-events.csv"))) {
            steps.add(new TimelineChart.Step(Double.parseDouble(e.get("at_s")), "run " + first + ": "
                    + e.get("event")));
        }
        plot(dir, base, "outage", "broker outage", "Broker kill -9 and restart under load: per-second p99 and"
                + " statuses", p99PerRun(results, "outage", runs, OUTAGE_P99_TARGET_MS), counts, steps, md);
    }

    // -------------------------------------------------------------------------------------------- (c) steady state

    private static void steady(Path results, Path dir, String base, StringBuilder md) throws IOException {
        List<Map<String, String>> rows = section(results, "steady.csv", "(c) Steady state with the worker running",
                md);
        if (rows.isEmpty()) {
            return;
        }
        md.append("Target at ").append(STEADY_TARGET_RATE).append(" req/s: ingest p99 ≤ ")
                .append(f0(STEADY_INGEST_P99_TARGET_MS)).append(" ms and freshness p99 ≤ ")
                .append(f0(STEADY_FRESHNESS_P99_TARGET_MS)).append(" ms (freshness: stored minus received).\n\n"
                        + "| run | offered req/s | achieved | 2xx | errors | ingest p50 ms | ingest p99 ms |"
                        + " freshness p50 ms | freshness p99 ms | freshness max ms | max lag (s) |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<Integer, List<Map<String, String>>> byRate = new TreeMap<>();
        for (Map<String, String> r : rows) {
            byRate.computeIfAbsent(Integer.parseInt(r.get("rate")), k -> new ArrayList<>()).add(r);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.get("label"), r.get("rate"), r.get("achieved_rate"), r.get("ok_2xx"), r.get("errors"),
                    r.get("ingest_p50_ms"), r.get("ingest_p99_ms"), r.get("freshness_p50_ms"),
                    r.get("freshness_p99_ms"), r.get("freshness_max_ms"), r.get("max_lag_s")));
        }
        XYSeries ingestP99 = new XYSeries("ingest p99 (median of runs)");
        XYSeries freshP99 = new XYSeries("freshness p99 (median of runs)");
        boolean met = false;
        String atTarget = "not measured at " + STEADY_TARGET_RATE + " req/s";
        for (var e : byRate.entrySet()) {
            double ip = median(e.getValue(), "ingest_p99_ms");
            double fp = median(e.getValue(), "freshness_p99_ms");
            md.append(String.format(Locale.ROOT, "| **median** | %d | | | | %.2f | **%.2f** | %.0f | **%.0f** | %.0f"
                    + " | %.2f |%n", e.getKey(), median(e.getValue(), "ingest_p50_ms"), ip,
                    median(e.getValue(), "freshness_p50_ms"), fp, median(e.getValue(), "freshness_max_ms"),
                    median(e.getValue(), "max_lag_s")));
            ingestP99.add((double) e.getKey(), Math.max(0.1, ip));
            freshP99.add((double) e.getKey(), Math.max(0.1, fp));
            if (e.getKey() == STEADY_TARGET_RATE) {
                met = ip <= STEADY_INGEST_P99_TARGET_MS && fp <= STEADY_FRESHNESS_P99_TARGET_MS;
                atTarget = String.format(Locale.ROOT, "at %d req/s: ingest p99 %.2f ms, freshness p99 %.0f ms",
                        STEADY_TARGET_RATE, ip, fp);
            }
        }
        md.append('\n').append(verdict(met, atTarget)).append("\n\n");
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(ingestP99);
        data.addSeries(freshP99);
        XYSeries t1 = new XYSeries("ingest target " + f0(STEADY_INGEST_P99_TARGET_MS) + " ms");
        XYSeries t2 = new XYSeries("freshness target " + f0(STEADY_FRESHNESS_P99_TARGET_MS) + " ms");
        t1.add((double) byRate.keySet().iterator().next(), STEADY_INGEST_P99_TARGET_MS);
        t1.add((double) ((TreeMap<Integer, ?>) byRate).lastKey(), STEADY_INGEST_P99_TARGET_MS);
        t2.add((double) byRate.keySet().iterator().next(), STEADY_FRESHNESS_P99_TARGET_MS);
        t2.add((double) ((TreeMap<Integer, ?>) byRate).lastKey(), STEADY_FRESHNESS_P99_TARGET_MS);
        data.addSeries(t1);
        data.addSeries(t2);
        String png = base + "-steady.png";
        BenchReport.saveLogChart(dir.resolve(png), "Steady state with the worker: ingest and freshness p99",
                "offered load (readings/s)", "ms, log scale", data, false);
        md.append("![steady state](").append(png).append(")\n\n");
    }

    // --------------------------------------------------------------------------------------------------- (d) cost

    private static void cost(Path results, StringBuilder md) throws IOException {
        List<Map<String, String>> runs = section(results, "cost.csv", "(d) What one reading costs", md);
        if (runs.isEmpty()) {
            return;
        }
        md.append("At a fixed rate, from drained to drained around the measured step: process CPU per reading of"
                + " each process (services: `process_cpu_time_ns_total`; broker and stand-in: `/proc/<pid>/stat`),"
                + " MongoDB round trips per reading (each service's driver command meter), documents and BSON bytes"
                + " the databases gained per reading, Kafka bytes produced (ingest producer) and fetched (worker"
                + " consumer) per reading. Targets: ingest ≤ ").append(f0(INGEST_CPU_TARGET_US))
                .append(" µs, worker ≤ ").append(f0(WORKER_CPU_TARGET_US)).append(" µs CPU per reading, at most ")
                .append(f0(ROUND_TRIPS_PER_BATCH_TARGET)).append(" round trips per batch per collection.\n\n");
        String[] cols = {"rate", "readings", "ingest_cpu_us", "worker_cpu_us", "broker_cpu_us", "mongo_cpu_us",
            "ingest_mongo_round_trips", "worker_mongo_round_trips", "readings_per_batch",
            "worker_max_round_trips_per_batch_per_collection", "documents", "stored_bytes", "kafka_produced_bytes",
            "kafka_fetched_bytes"};
        md.append("| run | req/s | readings | ingest CPU µs | worker CPU µs | broker CPU µs | MongoDB stand-in CPU µs"
                + " | ingest round trips | worker round trips | readings per batch | worker round trips per batch"
                + " per collection (max) | documents | stored bytes | Kafka bytes produced | Kafka bytes fetched"
                + " |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, String> r : runs) {
            md.append("| ").append(r.get("label"));
            for (String c : cols) {
                md.append(" | ").append(r.getOrDefault(c, ""));
            }
            md.append(" |\n");
        }
        md.append("| **median**");
        for (String c : cols) {
            double m = median(runs, c);
            md.append(" | ").append(Double.isNaN(m) ? "" : "**" + trim(m) + "**");
        }
        md.append(" |\n\n");
        double ingest = median(runs, "ingest_cpu_us");
        double worker = median(runs, "worker_cpu_us");
        double trips = median(runs, "worker_max_round_trips_per_batch_per_collection");
        md.append(verdict(ingest <= INGEST_CPU_TARGET_US, String.format(Locale.ROOT, "ingest %.1f µs CPU per"
                + " reading", ingest))).append("; ").append(verdict(worker <= WORKER_CPU_TARGET_US, String.format(
                        Locale.ROOT, "worker %.1f µs CPU per reading", worker))).append("; ").append(verdict(
                                trips <= ROUND_TRIPS_PER_BATCH_TARGET, String.format(Locale.ROOT, "worker at most"
                                        + " %.2f round trips per batch per collection", trips))).append("\n\n");
        String median = medianRun(runs, "worker_cpu_us");
        List<Map<String, String>> detail = Csv.read(results.resolve("cost-" + median + "-detail.csv"));
        if (!detail.isEmpty()) {
            md.append("Run ").append(median).append(" (the median worker CPU) by collection, and the part of each"
                    + " service's CPU that its JIT compiler and its GC and VM threads spent:\n\n| what | collection"
                    + " (and command), or threads | per reading | per batch |\n|---|---|---|---|\n");
            for (Map<String, String> d : detail) {
                md.append("| ").append(d.get("kind")).append(" | `").append(d.get("name")).append("` | ")
                        .append(d.get("per_reading")).append(" | ").append(d.getOrDefault("per_batch", ""))
                        .append(" |\n");
            }
            md.append('\n');
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** A section's heading and its rows; "Not run." under the heading when there are none. */
    private static List<Map<String, String>> section(Path results, String csv, String heading, StringBuilder md)
            throws IOException {
        List<Map<String, String>> rows = Csv.read(results.resolve(csv));
        md.append("## ").append(heading).append("\n\n");
        if (rows.isEmpty()) {
            md.append("Not run.\n\n");
        }
        return rows;
    }

    private static String verdict(boolean met, String what) {
        return (met ? "**Met**" : "**Not met**") + " (" + what + ")";
    }

    private static XYSeries series(String name, List<DeviceTimeline.Second> seconds,
            Function<DeviceTimeline.Second, Number> value) {
        XYSeries s = new XYSeries(name);
        for (DeviceTimeline.Second sec : seconds) {
            s.add(sec.second(), Math.max(0.1, value.apply(sec).doubleValue()));
        }
        return s;
    }

    private static XYSeries flat(String name, double y, double toX) {
        XYSeries s = new XYSeries(name);
        s.add(0, y);
        s.add(toX, y);
        return s;
    }

    /** Each run's per-second p99 (its {@code <part>-<label>.csv}) and the target as a flat line. */
    private static XYSeriesCollection p99PerRun(Path results, String part, List<Map<String, String>> runs,
            double targetMs) throws IOException {
        XYSeriesCollection latency = new XYSeriesCollection();
        for (Map<String, String> r : runs) {
            latency.addSeries(series("run " + r.get("label") + " p99", DeviceTimeline.read(
                    results.resolve(part + "-" + r.get("label") + ".csv")), DeviceTimeline.Second::p99));
        }
        latency.addSeries(flat("target " + f0(targetMs) + " ms", targetMs, latency.getSeries(0).getMaxX()));
        return latency;
    }

    /** Writes {@code <base>-<part>.png} (p99 on a log axis over the answers per second) and links it. */
    private static void plot(Path dir, String base, String part, String alt, String title,
            XYSeriesCollection latency, XYSeriesCollection counts, List<TimelineChart.Step> steps, StringBuilder md)
            throws IOException {
        String png = base + "-" + part + ".png";
        LogarithmicAxis y = new LogarithmicAxis("latency p99 (ms, log scale)");
        y.setAllowNegativesFlag(false);
        TimelineChart.save(dir.resolve(png), title, "seconds after the load started (by intended send time)", y,
                latency, "answers per second", counts, steps);
        md.append("![").append(alt).append("](").append(png).append(")\n\n");
    }

    static double median(List<Map<String, String>> rows, String column) {
        double[] v = rows.stream().map(r -> r.get(column)).filter(s -> s != null && !s.isBlank())
                .mapToDouble(Double::parseDouble).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double max(List<Map<String, String>> rows, String column) {
        return rows.stream().map(r -> r.get(column)).filter(s -> s != null && !s.isBlank())
                .mapToDouble(Double::parseDouble).max().orElse(Double.NaN);
    }

    /** The label of the run whose {@code column} is the median (the lower middle one for an even count). */
    private static String medianRun(List<Map<String, String>> rows, String column) {
        List<Map<String, String>> sorted = new ArrayList<>(rows);
        sorted.sort((x, y) -> Double.compare(Double.parseDouble(x.get(column)), Double.parseDouble(y.get(column))));
        return sorted.get((sorted.size() - 1) / 2).get("label");
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String trim(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** A small CSV reader: header row, comma-separated, no quoting (the benchmark writes none). */
    static final class Csv {

        private Csv() {
        }

        static List<Map<String, String>> read(Path csv) throws IOException {
            List<Map<String, String>> out = new ArrayList<>();
            if (!Files.exists(csv)) {
                return out;
            }
            List<String> lines = Files.readAllLines(csv);
            if (lines.isEmpty()) {
                return out;
            }
            String[] header = lines.get(0).split(",", -1);
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], i < f.length ? f[i] : "");
                }
                out.add(row);
            }
            return out;
        }
    }
}
