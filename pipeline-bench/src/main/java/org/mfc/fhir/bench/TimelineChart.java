package org.mfc.fhir.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The plot of a run's timeline: series on a left and on a right axis over the run's seconds, and a labelled vertical
 * line at each step of the run (fault injected, worker resumed, ...).
 */
public final class TimelineChart {

    /** A step of the run, drawn as a vertical line. */
    public record Step(double atSeconds, String label) {
    }

    private static final Color[] LEFT_COLORS = {new Color(0x1f77b4), new Color(0xd62728)};
    private static final Color[] RIGHT_COLORS = {new Color(0x2ca02c), new Color(0xff7f0e)};
    /** Labels of steps close together would print over each other: they are staggered down over this many rows. */
    private static final int LABEL_ROWS = 8;

    private TimelineChart() {
    }

    /**
     * @param leftAxis  the left axis (a log axis refuses zeros: series with zeros go on the right, which is linear)
     * @param left      at most two series
     * @param right     at most two series
     */
    public static void save(Path png, String title, String xLabel, ValueAxis leftAxis, XYSeriesCollection left,
            String rightLabel, XYSeriesCollection right, List<Step> steps) throws IOException {
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, leftAxis.getLabel(), left,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRangeAxis(0, leftAxis);
        // Map the right-hand dataset to its own axis before adding it, so the left axis never sees its values.
        plot.setRangeAxis(1, new NumberAxis(rightLabel));
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setDataset(1, right);
        plot.setRenderer(0, renderer(LEFT_COLORS));
        plot.setRenderer(1, renderer(RIGHT_COLORS));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        for (int i = 0; i < steps.size(); i++) {
            ValueMarker m = new ValueMarker(steps.get(i).atSeconds(), Color.GRAY, new BasicStroke(1f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
            m.setLabel(steps.get(i).label());
            m.setLabelFont(m.getLabelFont().deriveFont(9f));
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            m.setLabelOffset(new RectangleInsets(4 + 11 * (i % LABEL_ROWS), 2, 2, 2));
            plot.addDomainMarker(m);
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 560);
    }

    private static XYLineAndShapeRenderer renderer(Color[] colors) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, colors[i]);
            r.setSeriesStroke(i, new BasicStroke(1.5f));
        }
        return r;
    }
}
