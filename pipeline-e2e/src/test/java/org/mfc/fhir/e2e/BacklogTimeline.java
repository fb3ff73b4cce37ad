package org.mfc.fhir.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.mfc.fhir.bench.AckAudit;
import org.mfc.fhir.bench.TimelineChart;

/**
 * The backlog run over time: lag in records and seconds and the worker's resident memory, sampled once a second,
 * with the phases marked; rendered as {@code backlog.csv} (the samples), {@code backlog.md} (the figures) and
 * {@code backlog.png}.
 */
final class BacklogTimeline {

    record Point(double atSeconds, DrainProbe.Sample sample) {
    }

    record Mark(double atSeconds, String what) {
    }

    /**
     * @param backlog          records on the topic when the worker was resumed
     * @param drainSeconds     from the resume (process start included) until the group's lag was 0
     * @param peakRssMb        highest resident memory of the worker from resume to the end
     * @param trickleLagP90Seconds p90 of the committed-offset time lag while new readings arrived after the drain
     * @param freshness        seconds from receipt to storage of each reading that arrived after the drain, sorted
     */
    record Result(long backlog, double drainSeconds, double drainRate, double peakRssMb, double maxLagSeconds,
            double trickleLagP90Seconds, double trickleLagMaxSeconds, double[] freshness) {

        double freshness(double percentile) {
            return BacklogTimeline.percentile(freshness, percentile);
        }
    }

    private final long origin = System.nanoTime();
    private final List<Point> points = new CopyOnWriteArrayList<>();
    private final List<Mark> marks = new CopyOnWriteArrayList<>();
    private final AtomicInteger missed = new AtomicInteger();

    double elapsedSeconds() {
        return (System.nanoTime() - origin) / 1e9;
    }

    void mark(String what) {
        marks.add(new Mark(elapsedSeconds(), what));
    }

    void add(DrainProbe.Sample sample) {
        points.add(new Point(elapsedSeconds(), sample));
    }

    /** A sample the broker did not answer in time (counted, shown in the report). */
    void missed() {
        missed.incrementAndGet();
    }

    /** Records behind in the latest sample, or -1 before the first one. */
    long lastRecords() {
        return points.isEmpty() ? -1 : points.get(points.size() - 1).sample().records();
    }

    Result result(long backlog, double drainSeconds, double[] freshness) {
        double resumed = markAt("worker resumed");
        double drained = markAt("backlog drained");
        double trickleEnd = markAt("trickle ended");
        double peakRss = points.stream().filter(p -> p.atSeconds() >= resumed)
                .mapToDouble(p -> p.sample().rssMb()).max().orElse(-1);
        double maxLag = points.stream().mapToDouble(p -> p.sample().seconds()).max().orElse(-1);
        double[] trickle = points.stream().filter(p -> p.atSeconds() >= drained && p.atSeconds() <= trickleEnd)
                .mapToDouble(p -> p.sample().seconds()).sorted().toArray();
        return new Result(backlog, drainSeconds, backlog / drainSeconds, peakRss, maxLag, percentile(trickle, 90),
                percentile(trickle, 100), freshness);
    }

    /** The samples ({@code base.csv}) and their plot ({@code base.png}), also for a run that did not finish. */
    void writeSamples(Path base) throws IOException {
        Files.createDirectories(base.toAbsolutePath().getParent());
        StringBuilder csv = new StringBuilder("t_s,records_lag,time_lag_s,worker_rss_mib\n");
        for (Point p : points) {
            csv.append(String.format(Locale.ROOT, "%.1f,%d,%.2f,%.1f%n", p.atSeconds(), p.sample().records(),
                    p.sample().seconds(), p.sample().rssMb()));
        }
        Files.writeString(Path.of(base + ".csv"), csv);
        plot(Path.of(base + ".png"));
    }

    void write(Path base, Result r, LoadRun backlogLoad, AckAudit.Verdict v) throws IOException {
        writeSamples(base);
        StringBuilder md = new StringBuilder("# Backlog drain\n\n")
                .append("The worker is stopped while devices send; the backlog builds on the topic through the ingest"
                        + " API (one AVA4 reading per request); the worker is started again and drains it while a"
                        + " trickle of new readings arrives.\n\n| measure | value |\n|---|---|\n");
        row(md, "backlog on the topic when resumed (records)", Long.toString(r.backlog()));
        row(md, "backlog build rate (requests/s, achieved)", String.format(Locale.ROOT, "%.0f",
                backlogLoad.achievedRate));
        row(md, "statuses while building the backlog", backlogLoad.statusSummary());
        row(md, "drain time, resume to lag 0, JVM start included (s)", fmt(r.drainSeconds()));
        row(md, "drain rate (readings/s)", String.format(Locale.ROOT, "%.0f", r.drainRate()));
        row(md, "worker peak RSS while draining (MiB, -Xmx384m)", fmt(r.peakRssMb()));
        row(md, "highest committed-offset time lag (s)", fmt(r.maxLagSeconds()));
        row(md, "after the drain, new readings: received to stored (freshness), p50 / p90 / max (s)",
                fmt(r.freshness(50)) + " / " + fmt(r.freshness(90)) + " / " + fmt(r.freshness(100)) + " ("
                        + r.freshness().length + " readings)");
        row(md, "after the drain, committed-offset time lag, p90 / max (s; commits are throttled, every 5 s)",
                fmt(r.trickleLagP90Seconds()) + " / " + fmt(r.trickleLagMaxSeconds()));
        row(md, "acknowledged / stored / lost", v.acknowledged() + " / " + v.stored() + " / " + v.lost());
        row(md, "legacy duplicates / legacy missing / unexplained", v.legacyDuplicates() + " / "
                + v.legacyMissing() + " / " + v.unexplained());
        row(md, "lag samples the broker did not answer in time", Integer.toString(missed.get()));
        md.append("\nPhases (s after the start): ");
        marks.forEach(m -> md.append(String.format(Locale.ROOT, "%s at %.1f; ", m.what(), m.atSeconds())));
        md.append("\n\n![lag and worker memory](backlog.png)\n");
        Files.writeString(Path.of(base + ".md"), md);
    }

    private void plot(Path png) throws IOException {
        XYSeries records = new XYSeries("lag (records)");
        XYSeries rss = new XYSeries("worker RSS (MiB)");
        XYSeries seconds = new XYSeries("time lag (s)");
        for (Point p : points) {
            records.add(p.atSeconds(), p.sample().records());
            if (p.sample().rssMb() > 0) {
                rss.add(p.atSeconds(), p.sample().rssMb());
            }
            seconds.add(p.atSeconds(), Math.max(0, p.sample().seconds()));
        }
        XYSeriesCollection right = new XYSeriesCollection();
        right.addSeries(rss);
        right.addSeries(seconds);
        TimelineChart.save(png, "Backlog drain: lag and worker memory", "seconds after the worker was stopped",
                new NumberAxis("lag (records)"), new XYSeriesCollection(records), "worker RSS (MiB) / time lag (s)",
                right, marks.stream().map(m -> new TimelineChart.Step(m.atSeconds(), m.what())).toList());
    }

    private double markAt(String what) {
        return marks.stream().filter(m -> m.what().equals(what)).mapToDouble(Mark::atSeconds).findFirst()
                .orElse(Double.NaN);
    }

    static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void row(StringBuilder md, String measure, String value) {
        md.append("| ").append(measure).append(" | ").append(value).append(" |\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
