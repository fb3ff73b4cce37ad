package org.mfc.fhir.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Accumulates benchmark rows in a CSV (so several runs, e.g. async then sync, end up in one report) and renders the
 * whole CSV as a Markdown table and a PNG plot of latency percentiles against the offered rate.
 */
public final class BenchReport {

    /** One measured step. Latencies in milliseconds. */
    public record Row(String mode, int targetRate, double achievedRate, long sent, long ok, long errors, double p50,
            double p99, double p999, double max, String statuses) {

        String csv() {
            return String.join(",", mode, Integer.toString(targetRate), fmt(achievedRate), Long.toString(sent),
                    Long.toString(ok), Long.toString(errors), fmt(p50), fmt(p99), fmt(p999), fmt(max),
                    statuses.replace(',', ' '));
        }

        static Row parse(String line) {
            String[] f = line.split(",", -1);
            return new Row(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
                    Double.parseDouble(f[8]), Double.parseDouble(f[9]), f[10]);
        }
    }

    static final String HEADER = "mode,target_rate,achieved_rate,sent,ok_2xx,errors,p50_ms,p99_ms,p999_ms,max_ms,statuses";

    private final Path base;

    /** @param base path without extension: {@code base.csv}, {@code base.md}, {@code base.png} are written */
    public BenchReport(Path base) {
        this.base = base;
    }

    public static Row row(String mode, OpenLoopGenerator.StepResult r) {
        var h = r.latencyUs();
        return new Row(mode, r.targetRate(), r.achievedRate(), r.sent(), r.count2xx(), r.errors(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, r.statuses().toString()
                        .replace(" ", "") + (r.failures() > 0 ? " failed=" + r.failures() + " "
                        + r.failureCauses().toString().replace(',', ';') : ""));
    }

    public void append(Row row) throws IOException {
        Path csv = Path.of(base + ".csv");
        Files.createDirectories(csv.toAbsolutePath().getParent());
        if (!Files.exists(csv)) {
            Files.writeString(csv, HEADER + "\n");
        }
        Files.writeString(csv, row.csv() + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    public List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(base + ".csv"))) {
            if (!line.isBlank() && !line.startsWith("mode,")) {
                rows.add(Row.parse(line));
            }
        }
        return rows;
    }

    /** Writes {@code base.md} and {@code base.png} from every row in the CSV. */
    public void render(String title, String command) throws IOException {
        List<Row> rows = rows();
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\nReproduce: `").append(command)
                .append("`\n\n| mode | offered req/s | achieved req/s | requests | 2xx | errors | p50 ms | p99 ms"
                        + " | p99.9 ms | max ms | statuses |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %d | %d | %d | %.2f | %.2f | %.2f | %.1f | %s |%n",
                    r.mode(), r.targetRate(), r.achievedRate(), r.sent(), r.ok(), r.errors(), r.p50(), r.p99(),
                    r.p999(), r.max(), r.statuses()));
        }
        Files.writeString(Path.of(base + ".md"), md.toString());
        plot(title, rows);
    }

    private void plot(String title, List<Row> rows) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Row r : rows) {
            add(series, r.mode() + " p50", r.targetRate(), r.p50());
            add(series, r.mode() + " p99", r.targetRate(), r.p99());
            add(series, r.mode() + " p99.9", r.targetRate(), r.p999());
        }
        series.values().forEach(data::addSeries);
        saveLogChart(Path.of(base + ".png"), title, "offered load (requests/s)", "latency (ms, log scale)", data,
                false);
    }

    /**
     * Writes {@code data} as a 900x520 PNG line chart with a logarithmic y axis, the look every benchmark plot
     * shares. {@code lastIsReference}: the last series is a reference line (a target), drawn without markers.
     */
    static void saveLogChart(Path png, String title, String xLabel, String yLabel, XYSeriesCollection data,
            boolean lastIsReference) throws IOException {
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogarithmicAxis y = new LogarithmicAxis(yLabel);
        y.setAllowNegativesFlag(false);
        plot.setRangeAxis(y);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        if (lastIsReference && data.getSeriesCount() > 0) {
            renderer.setSeriesShapesVisible(data.getSeriesCount() - 1, false);
        }
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
    }

    private static void add(Map<String, XYSeries> series, String name, double x, double y) {
        series.computeIfAbsent(name, XYSeries::new).add(x, Math.max(0.1, y));
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
