package dev.seqnet.baseline.raft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the whole baseline for real: three member processes over UDP on loopback, a few seconds of
 * open-loop load at a low rate, then checks the summary is valid and complete. No performance figure is
 * asserted (the machine is shared); only that every message was committed and echoed, that the
 * figures are consistent with each other and with the histogram log, and that nothing is left behind.
 */
class RaftBaselineTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern MEMBER_PID = Pattern.compile("^member (\\d+) pid (\\d+) log (.+)$", Pattern.MULTILINE);

    @TempDir
    Path out;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void threeMemberProcessesEchoEveryMessageAndSummarize() throws Exception
    {
        final StringWriter stdout = new StringWriter();
        final StringWriter stderr = new StringWriter();
        final int exit = RaftBaseline.commandLine()
            .setOut(new PrintWriter(stdout, true))
            .setErr(new PrintWriter(stderr, true))
            .execute("--rate", "200", "--duration", "3", "--warmup", "1", "--members", "3", "--out", out.toString());
        final String text = stdout.toString();
        assertEquals(0, exit, () -> text + stderr);

        final String[] lines = text.strip().split("\\R");
        final JsonNode json = MAPPER.readTree(lines[lines.length - 1]);
        assertEquals(3, json.get("nodes").asInt());
        assertEquals(200.0, json.get("rate_tx_s").asDouble());
        assertEquals(600, json.get("sent").asLong(), "200 msg/s for 3 s");
        assertEquals(200, json.get("warmup_sent").asLong(), "200 msg/s for 1 s");
        assertEquals(json.get("sent").asLong(), json.get("finalized").asLong(), "every measured message echoed: " + json);
        assertEquals(0, json.get("lost").asLong());
        assertEquals(0, json.get("failed").asLong());
        assertEquals(0, json.get("duplicate_echoes").asLong());
        assertEquals(0, json.get("unexpected_egress").asLong());
        assertFalse(json.has("aborted"), json::toString);

        final long p50 = json.get("p50_us").asLong();
        final long p90 = json.get("p90_us").asLong();
        final long p99 = json.get("p99_us").asLong();
        final long p999 = json.get("p999_us").asLong();
        final long max = json.get("max_us").asLong();
        assertTrue(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, json::toString);
        assertTrue(json.get("throughput_tx_s").asDouble() > 0, json::toString);

        // The summary file is the JSON line, and the histogram log holds exactly the echoed measured messages.
        assertEquals(json, MAPPER.readTree(out.resolve("summary.json").toFile()));
        long logged = 0;
        long loggedMax = 0;
        final HistogramLogReader reader = new HistogramLogReader(out.resolve("latency.hlog").toFile());
        for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram())
        {
            final org.HdrHistogram.Histogram interval = (org.HdrHistogram.Histogram)h;
            logged += interval.getTotalCount();
            loggedMax = Math.max(loggedMax, interval.getMaxValue());
        }
        assertEquals(json.get("finalized").asLong(), logged);
        assertEquals(max, loggedMax, "the log's max equals the summary's (same histogram values)");

        // The plot is a PNG a person can open, where the summary says.
        final BufferedImage plot = ImageIO.read(Path.of(json.get("png").asText()).toFile());
        assertNotNull(plot, "ImageIO decodes the plot");
        assertTrue(plot.getWidth() >= 800 && plot.getHeight() >= 500, () -> plot.getWidth() + "x" + plot.getHeight());

        // Every member took part in the election and agreed on the leader the summary names.
        final List<Long> pids = new ArrayList<>();
        final Matcher m = MEMBER_PID.matcher(text);
        while (m.find())
        {
            pids.add(Long.parseLong(m.group(2)));
            final String log = Files.readString(Path.of(m.group(3)), StandardCharsets.UTF_8);
            assertTrue(log.contains(": leader " + json.get("leader_member_id").asInt() + " term"), log);
        }
        assertEquals(3, pids.size(), text);

        // Nothing is left behind: member processes gone, media driver directories deleted.
        for (final long pid : pids)
        {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "member pid " + pid + " still alive");
        }
        final String prefix = "seqnet-raft-" + ProcessHandle.current().pid() + "-";
        final File[] left = EchoClient.defaultAeronDir().getParent().toFile().listFiles((dir, name) -> name.startsWith(prefix));
        assertEquals(0, left == null ? 0 : left.length, "aeron dirs left: " + (left == null ? "" : List.of(left)));
    }

    @Test
    void usageErrorsExitWithTwoBeforeStartingAnything()
    {
        for (final String[] args : List.of(
            new String[] {"--rate", "0"},
            new String[] {"--members", "0"},
            new String[] {"--message-bytes", "4"},
            new String[] {"--term-length", "100000"}))
        {
            final StringWriter err = new StringWriter();
            final int exit = RaftBaseline.commandLine()
                .setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err, true))
                .execute(args);
            assertEquals(2, exit, String.join(" ", args));
            assertTrue(err.toString().startsWith("error: "), err::toString);
        }
    }
}
