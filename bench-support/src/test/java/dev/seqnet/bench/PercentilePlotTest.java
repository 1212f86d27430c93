package dev.seqnet.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
    void writesAPngWithOneCurvePerNonEmptyHistogram(@TempDir final Path dir) throws Exception
    {
        final Histogram a = new Histogram(3);
        final Histogram b = new Histogram(3);
        for (int v = 1; v <= 1_000; v++)
        {
            a.recordValue(v);
            b.recordValue(3 * v);
        }
        final Path png = dir.resolve("sub/latency.png");
        PercentilePlot.write(png, "two curves", "send \u2192 echo",
            List.of(new PercentilePlot.Curve("a", a), new PercentilePlot.Curve("b", b), new PercentilePlot.Curve("empty", new Histogram(3))));
        final BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO decodes the plot");
        assertEquals(1000, image.getWidth());
        assertEquals(660, image.getHeight());
        // Both curves' colours are drawn, so neither line was dropped.
        assertTrue(hasColour(image, 0x1f77b4), "first curve drawn");
        assertTrue(hasColour(image, 0xd62728), "second curve drawn");
        assertFalse(hasColour(image, 0x2ca02c), "an empty histogram draws no curve");
    }

    private static boolean hasColour(final BufferedImage image, final int rgb)
    {
        for (int y = 0; y < image.getHeight(); y++)
        {
            for (int x = 0; x < image.getWidth(); x++)
            {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb)
                {
                    return true;
                }
            }
        }
        return false;
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
