package org.mfc.fhir.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.mfc.fhir.bench.TimelineChart;

/**
 * What the devices saw second by second during a fault run (answers by status, latency percentiles), with the fault
 * steps marked: written as a CSV and a PNG next to the summary, so a report shows the fault and the recovery.
 */
final class FaultTimeline {

    /** A fault step as it happened: seconds after the load started. */
    record Event(double atSeconds, String what) {
    }

    /** One second of the load. Latencies in milliseconds from the intended send time. */
    record Second(int second, int answered, int ok, int notOk, int noAnswer, double p50, double p99, double max) {
    }

    private FaultTimeline() {
    }

    static List<Second> seconds(LoadRun load) {
        TreeMap<Integer, List<LoadRun.Answer>> bySecond = new TreeMap<>();
        for (LoadRun.Answer a : load.answers) {
            bySecond.computeIfAbsent((int) a.atSeconds(), k -> new ArrayList<>()).add(a);
        }
        List<Second> out = new ArrayList<>();
        bySecond.forEach((second, answers) -> {
            double[] latencies = answers.stream().filter(a -> a.status() > 0).mapToDouble(LoadRun.Answer::latencyMs)
                    .sorted().toArray();
            int ok = (int) answers.stream().filter(a -> a.status() / 100 == 2).count();
            int none = (int) answers.stream().filter(a -> a.status() < 0).count();
            out.add(new Second(second, answers.size(), ok, answers.size() - ok - none, none,
                    percentile(latencies, 50), percentile(latencies, 99),
                    latencies.length == 0 ? 0 : latencies[latencies.length - 1]));
        });
        return out;
    }

    /**
     * Seconds of the load, from the first fault step on, in which devices were not served normally: some request
     * failed or got no answer, or the second's p99 latency was above {@code slowMs}. The seconds before the first
     * step are left out: they measure the services' warm-up, not the fault.
     */
    static int degradedSeconds(List<Second> seconds, List<Event> events, double slowMs) {
        double first = events.stream().mapToDouble(Event::atSeconds).min().orElse(Double.MAX_VALUE);
        return (int) seconds.stream().filter(s -> s.second() >= (int) first && degraded(s, slowMs)).count();
    }

    /**
     * Seconds from the last fault step (the heal) until devices were served normally again: the end of the last
     * degraded second minus the time of the last step; 0 if service was already normal when the heal ran.
     */
    static double recoverySeconds(List<Second> seconds, List<Event> events, double slowMs) {
        double last = events.stream().mapToDouble(Event::atSeconds).max().orElse(0);
        double lastBad = seconds.stream().filter(s -> degraded(s, slowMs)).mapToDouble(s -> s.second() + 1.0).max()
                .orElse(0);
        return Math.max(0, lastBad - last);
    }

    private static boolean degraded(Second s, double slowMs) {
        return s.notOk() > 0 || s.noAnswer() > 0 || s.p99() > slowMs;
    }

    static void write(Path base, String title, List<Second> seconds, List<Event> events) throws IOException {
        Files.createDirectories(base.toAbsolutePath().getParent());
        StringBuilder csv = new StringBuilder("second,answered,ok_2xx,not_2xx,no_answer,p50_ms,p99_ms,max_ms\n");
        for (Second s : seconds) {
            csv.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%.1f,%.1f,%.1f%n", s.second(), s.answered(), s.ok(),
                    s.notOk(), s.noAnswer(), s.p50(), s.p99(), s.max()));
        }
        StringBuilder steps = new StringBuilder("at_s,step\n");
        events.forEach(e -> steps.append(String.format(Locale.ROOT, "%.1f,%s%n", e.atSeconds(), e.what())));
        Files.writeString(Path.of(base + "-timeline.csv"), csv);
        Files.writeString(Path.of(base + "-steps.csv"), steps);
        plot(Path.of(base + ".png"), title, seconds, events);
    }

    private static void plot(Path png, String title, List<Second> seconds, List<Event> events) throws IOException {
        XYSeries p50 = new XYSeries("p50 latency (ms)");
        XYSeries p99 = new XYSeries("p99 latency (ms)");
        XYSeries failed = new XYSeries("not 2xx or no answer (per s)");
        XYSeries ok = new XYSeries("2xx (per s)");
        for (Second s : seconds) {
            p50.add(s.second(), Math.max(0.1, s.p50()));
            p99.add(s.second(), Math.max(0.1, s.p99()));
            failed.add(s.second(), s.notOk() + s.noAnswer());
            ok.add(s.second(), s.ok());
        }
        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(p50);
        latency.addSeries(p99);
        XYSeriesCollection counts = new XYSeriesCollection();
        counts.addSeries(ok);
        counts.addSeries(failed);
        LogarithmicAxis y = new LogarithmicAxis("latency from intended send (ms, log scale)");
        y.setAllowNegativesFlag(false);
        TimelineChart.save(png, title, "seconds after the load started", y, latency, "answers per second", counts,
                events.stream().map(e -> new TimelineChart.Step(e.atSeconds(), e.what())).toList());
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
