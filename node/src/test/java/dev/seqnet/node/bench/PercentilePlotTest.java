package dev.seqnet.node.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The percentile curve's coordinates and the axis labels of the plot. */
class PercentilePlotTest
{
    @Test
    void curveRunsFromTheMedianRegionToTheMaximumAtOneInCount()
    {
        // 10,000 latencies of 1 … 10,000 µs: percentile p has value ≈ p × 10,000 µs.
        final Histogram h = new Histogram(3);
        for (int v = 1; v <= 10_000; v++)
        {
            h.recordValue(v);
        }
        final List<Double> xs = new ArrayList<>();
        final List<Double> ys = new ArrayList<>();
        PercentilePlot.points(h, xs, ys);
        for (int i = 1; i < xs.size(); i++)
        {
            assertTrue(xs.get(i) >= xs.get(i - 1), "x rises");
            assertTrue(ys.get(i) >= ys.get(i - 1), "latency rises with the percentile");
        }
        assertEquals(4.0, xs.get(xs.size() - 1), 1e-9, "the maximum sits at 1 - 1/10,000, log10 = 4");
        assertEquals(h.getMaxValue() / 1000.0, ys.get(ys.size() - 1), 1e-9);
        // Where the curve crosses x = 2 (the 99th percentile) the latency is about 9.9 ms.
        for (int i = 0; i < xs.size(); i++)
        {
            if (Math.abs(xs.get(i) - 2.0) < 1e-6)
            {
                assertEquals(9.9, ys.get(i), 0.02);
            }
        }
    }

    @Test
    void aLogLatencyScaleOnlyWhenTheCurvesAreFarApart()
    {
        final Histogram fast = new Histogram(3);
        fast.recordValue(1_000);
        final Histogram slow = new Histogram(3);
        slow.recordValue(15_000);
        assertFalse(PercentilePlot.spansDecades(List.of(new PercentilePlot.Curve("a", fast), new PercentilePlot.Curve("b", slow))));
        slow.recordValue(25_000);
        assertTrue(PercentilePlot.spansDecades(List.of(new PercentilePlot.Curve("a", fast), new PercentilePlot.Curve("b", slow))));
        assertFalse(PercentilePlot.spansDecades(List.of(new PercentilePlot.Curve("a", fast), new PercentilePlot.Curve("empty", new Histogram(3)))));
    }

    @Test
    void decadesAreLabelledAsPercentilesAndTheTicksBetweenAreBlank()
    {
        assertEquals("0%", PercentilePlot.percentileLabel(0.0));
        assertEquals("90%", PercentilePlot.percentileLabel(1.0));
        assertEquals("99%", PercentilePlot.percentileLabel(2.0));
        assertEquals("99.9%", PercentilePlot.percentileLabel(3.0));
        assertEquals("99.999%", PercentilePlot.percentileLabel(5.0));
        assertEquals("", PercentilePlot.percentileLabel(2.5));
    }
}
