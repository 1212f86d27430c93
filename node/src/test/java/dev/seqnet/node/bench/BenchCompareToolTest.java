package dev.seqnet.node.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tools/bench-compare.py} reads the summaries {@code bench --out} writes and tells a real
 * difference between two series from run-to-run noise (docs/PERFORMANCE.md, "Eleventh round").
 */
class BenchCompareToolTest
{
    private static final Path TOOL = Path.of("..", "tools", "bench-compare.py").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void separatedSeriesDifferAndInterleavedOnesDoNot() throws Exception
    {
        // Four runs each: every B run faster than every A run (one split in 70 is as extreme each way).
        final List<String> a = runs("a", 3000, 3200, 3400, 3600);
        final List<String> b = runs("b", 1500, 1700, 1900, 2100);
        final String separated = compare(a, b);
        final String[] p50 = row(separated, "p50_us");
        assertEquals("3,300", p50[1], separated);
        assertEquals("1,800", p50[2], separated);
        assertEquals("-1,500", p50[3], separated);
        assertEquals(2.0 / 70, Double.parseDouble(p50[4]), 0.001, separated);
        // blocks_s comes from the block counts and the duration, as bench's own progress line does.
        assertEquals("100", row(separated, "blocks_s")[1], separated);

        final List<String> c = runs("c", 1500, 3600, 1900, 3200);
        final List<String> d = runs("d", 3400, 1700, 3000, 2100);
        final String[] mixed = row(compare(c, d), "p50_us");
        assertTrue(Double.parseDouble(mixed[4]) > 0.5, String.join(" ", mixed));
    }

    @Test
    void aRunWithoutASummaryIsSkippedNotFatal() throws Exception
    {
        final List<String> a = runs("a", 3000, 3200, 3400);
        a.add(dir.resolve("still-running").toString());
        Files.createDirectories(dir.resolve("still-running"));
        final String out = compare(a, runs("b", 1500, 1700));
        assertTrue(out.contains("A: 3 runs, B: 2 runs"), out);
        assertTrue(out.contains("skipped " + dir.resolve("still-running")), out);
    }

    private List<String> runs(final String name, final long... p50) throws IOException
    {
        final List<String> paths = new ArrayList<>();
        for (int i = 0; i < p50.length; i++)
        {
            final Path run = Files.createDirectories(dir.resolve(name + "-" + i));
            Files.writeString(run.resolve("summary.json"), "{\"p50_us\":" + p50[i] + ",\"p99_us\":" + 5 * p50[i] +
                ",\"throughput_tx_s\":1000.0,\"fast_path_blocks\":2700,\"slow_path_blocks\":250,\"indirect_blocks\":50," +
                "\"duration_s\":30.0}", StandardCharsets.UTF_8);
            paths.add(run.toString());
        }
        return paths;
    }

    private static String compare(final List<String> a, final List<String> b) throws Exception
    {
        final List<String> cmd = new ArrayList<>(List.of("python3", TOOL.toString(), "--a"));
        cmd.addAll(a);
        cmd.add("--b");
        cmd.addAll(b);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the tool finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The columns of a metric's row: name, median A, median B, B - A, p. */
    private static String[] row(final String out, final String metric)
    {
        for (final String line : out.split("\n"))
        {
            if (line.startsWith(metric + " "))
            {
                return line.trim().split("\\s+");
            }
        }
        throw new AssertionError(metric + " not in " + out);
    }
}
