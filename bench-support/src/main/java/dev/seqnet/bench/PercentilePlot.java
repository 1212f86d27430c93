package dev.seqnet.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws latency percentile distributions as a PNG in the classic HdrHistogram shape: latency (ms)
 * up the side, percentile along a log axis of {@code 1 / (1 − p)}, so 90%, 99%, 99.9% … are evenly
 * spaced and the tail gets as much room as the median. The axis is drawn as a linear axis over
 * {@code log10(1 / (1 − p))} because XChart ignores its logarithmic mode once tick labels are custom.
 * {@code sequencer bench} and the Raft baseline draw with it, so their plots can be laid side by side.
 */
public final class PercentilePlot
{
    /** One curve: a legend name and a histogram of latencies in microseconds. */
    public record Curve(String name, Histogram micros)
    {
    }

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 660;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)};

    private PercentilePlot()
    {
    }

    /**
     * Writes {@code png} with one line per curve; empty histograms are left out.
     *
     * @param what the latency measured, for the y axis: "submit → finalized", "send → echo".
     */
    public static void write(final Path png, final String title, final String what, final List<Curve> curves)
        throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
            .xAxisTitle("percentile").yAxisTitle(what + " latency (ms)").build();
        final Styler styler = chart.getStyler();
        chart.getStyler().setxAxisTickLabelsFormattingFunction(PercentilePlot::percentileLabel);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.0");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setPlotBorderVisible(true);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendBorderColor(new Color(0xbbbbbb));

        double maxX = 1;
        int color = 0;
        for (final Curve curve : curves)
        {
            if (curve.micros().getTotalCount() == 0)
            {
                continue;
            }
            final List<Double> xs = new ArrayList<>();
            final List<Double> ys = new ArrayList<>();
            points(curve.micros(), xs, ys);
            maxX = Math.max(maxX, xs.get(xs.size() - 1));
            final XYSeries series = chart.addSeries(curve.name(), xs, ys);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(COLORS[color++ % COLORS.length]);
            series.setLineStyle(new BasicStroke(2.2f));
        }
        if (spansDecades(curves))
        {
            // A failed step can sit a thousand times above a sustained one: only a log scale shows both.
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(null);
            chart.setYAxisTitle(what + " latency (ms, log scale)");
        }
        // End the axis at the next decade so its last tick (e.g. 99.99%) is labelled.
        chart.getStyler().setXAxisMax(Math.ceil(maxX));
        Files.createDirectories(png.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(png))
        {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Whether the curves' maxima differ by more than 20×, too much for one linear axis. */
    static boolean spansDecades(final List<Curve> curves)
    {
        long low = Long.MAX_VALUE;
        long high = 0;
        for (final Curve curve : curves)
        {
            if (curve.micros().getTotalCount() > 0)
            {
                low = Math.min(low, curve.micros().getMaxValue());
                high = Math.max(high, curve.micros().getMaxValue());
            }
        }
        return high > 20 * Math.max(1, low) && low != Long.MAX_VALUE;
    }

    /**
     * The percentile curve: x = log10(1 / (1 − p)) for each of HdrHistogram's percentile steps (5 per
     * halving of the remaining distance), ending with the maximum at p = 1 − 1/count, the "one in
     * count" point.
     */
    static void points(final Histogram h, final List<Double> xs, final List<Double> ys)
    {
        final double count = h.getTotalCount();
        final double last = Math.log10(Math.max(1.0, count));
        for (final HistogramIterationValue v : h.percentiles(5))
        {
            final double p = v.getPercentileLevelIteratedTo() / 100.0;
            if (p >= 1.0)
            {
                break;
            }
            final double x = Math.log10(1.0 / (1.0 - p));
            if (x >= last)
            {
                break;
            }
            xs.add(x);
            ys.add(v.getValueIteratedTo() / 1000.0);
        }
        xs.add(Math.max(last, xs.isEmpty() ? 0.0 : xs.get(xs.size() - 1)));
        ys.add(h.getMaxValue() / 1000.0);
    }

    /** Tick label for axis value d = log10(1 / (1 − p)): 0 → 0%, 1 → 90%, 2 → 99%, 3 → 99.9% …; blank between decades. */
    static String percentileLabel(final Double d)
    {
        final long decade = Math.round(d);
        if (Math.abs(d - decade) > 1e-6 || decade < 0)
        {
            return "";
        }
        if (decade == 0)
        {
            return "0%";
        }
        if (decade == 1)
        {
            return "90%";
        }
        return "99" + (decade > 2 ? "." + "9".repeat((int)decade - 2) : "") + "%";
    }
}
