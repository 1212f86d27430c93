package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.node.cli.SequencerCli;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sequencer bench} end to end: a real member process, a short low-rate run, and the files it
 * leaves. Only the shape and consistency of the results are checked, never performance figures.
 */
class BenchCommandTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] PNG_SIGNATURE = {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int bench(final String... args)
    {
        final String[] full = new String[args.length + 1];
        full[0] = "bench";
        System.arraycopy(args, 0, full, 1, args.length);
        return new CommandLine(new SequencerCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(full);
    }

    @Test
    @Timeout(90)
    void shortRunProducesAValidSummaryPlotAndHistogramLog() throws Exception
    {
        final Path results = dir.resolve("results");
        final int exit = bench("--nodes", "1", "--rate", "50", "--duration", "2", "--warmup", "1", "--accounts", "20",
            "--out", results.toString());
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);

        final List<String> lines = out.toString().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+\\d+ s\\s+(warm-up|measure|drain)\\s+sent.*")),
            "progress lines every second:\n" + out);
        final JsonNode summary = lastLineJson(lines);
        for (final String key : List.of("p50_us", "p90_us", "p99_us", "p999_us", "max_us", "throughput_tx_s", "sent",
            "finalized", "rejected", "lost", "resent", "rate_tx_s", "nodes", "fast_path_share", "duration_s", "hlog", "png"))
        {
            assertTrue(summary.has(key), "summary has " + key + ": " + summary);
        }
        assertEquals(100, summary.get("sent").asLong(), "50 tx/s for 2 measured seconds");
        assertEquals(50, summary.get("warmup_sent").asLong(), "50 tx/s for 1 warm-up second");
        assertEquals(summary.get("sent").asLong(), summary.get("finalized").asLong(), "every transaction finalized");
        assertEquals(0, summary.get("rejected").asLong());
        assertEquals(0, summary.get("failed").asLong());
        assertEquals(0, summary.get("lost").asLong());
        assertEquals(0, summary.get("resent").asLong(), "an unloaded member refuses nothing");
        assertEquals(1, summary.get("nodes").asInt());
        assertEquals(50.0, summary.get("rate_tx_s").asDouble());
        assertEquals(2.0, summary.get("duration_s").asDouble());
        assertTrue(summary.get("fast_path_share").isNull(), "one member: no fast path to report");
        assertEquals("scheduled_send_time", summary.get("latency_from").asText());

        final long[] percentiles = {summary.get("p50_us").asLong(), summary.get("p90_us").asLong(), summary.get("p99_us").asLong(),
            summary.get("p999_us").asLong(), summary.get("max_us").asLong()};
        assertTrue(percentiles[0] > 0, "a finalized transaction takes time");
        final long[] sorted = percentiles.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, percentiles, "p50 <= p90 <= p99 <= p99.9 <= max");
        assertTrue(summary.get("throughput_tx_s").asDouble() > 0);

        final Path png = Path.of(summary.get("png").asText());
        final byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > PNG_SIGNATURE.length);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length), "PNG signature");
        final BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO decodes the plot");
        assertTrue(image.getWidth() > 0 && image.getHeight() > 0);

        final Path hlog = Path.of(summary.get("hlog").asText());
        long logged = 0;
        long maxLogged = 0;
        final HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        try
        {
            for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram())
            {
                final org.HdrHistogram.Histogram interval = (org.HdrHistogram.Histogram)h;
                logged += interval.getTotalCount();
                maxLogged = Math.max(maxLogged, interval.getMaxValue());
            }
        }
        finally
        {
            reader.close();
        }
        assertEquals(summary.get("finalized").asLong(), logged, "the log's intervals hold every measured latency");
        assertEquals(summary.get("max_us").asLong(), maxLogged, "the log's maximum is the summary's");

        assertEquals(summary, MAPPER.readTree(Files.readString(Path.of(summary.get("summary").asText()))), "summary.json = last line");
        assertTrue(Files.readString(results.resolve("percentiles.txt")).contains("#[Max"), "HdrHistogram percentile table");
    }

    @Test
    @Timeout(90)
    void aSeparateWarmupRateWarmsUpAtItsOwnRateAndRampsAtTheMeasuredRateUncounted() throws Exception
    {
        final Path results = dir.resolve("warmup-rate");
        final int exit = bench("--nodes", "1", "--rate", "60", "--warmup-rate", "20", "--warmup", "2", "--step-warmup", "1",
            "--duration", "2", "--accounts", "20", "--out", results.toString());
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);

        final String text = out.toString();
        assertTrue(text.contains("[warm-up 20 tx/s]"), "the warm-up runs at its own rate:\n" + text);
        final List<String> lines = text.lines().toList();
        final JsonNode summary = lastLineJson(lines);
        assertEquals(120, summary.get("sent").asLong(), "60 tx/s for 2 measured seconds");
        assertEquals(60, summary.get("warmup_sent").asLong(), "the ramp: 60 tx/s for --step-warmup 1 s, uncounted");
        assertEquals(1.0, summary.get("warmup_s").asDouble());
        assertEquals(20.0, summary.get("warmup_rate_tx_s").asDouble());
        assertEquals(2.0, summary.get("warmup_at_warmup_rate_s").asDouble());
        assertEquals(summary.get("sent").asLong(), summary.get("finalized").asLong(), "every measured transaction finalized");
        assertEquals(0, summary.get("lost").asLong());
    }

    @Test
    void aWarmupRateNeedsAFixedPositiveRate()
    {
        assertEquals(2, bench("--nodes", "1", "--rate", "0", "--warmup-rate", "100"));
        assertTrue(err.toString().contains("--warmup-rate"), err::toString);
        assertEquals(2, bench("--nodes", "1", "--rate", "100", "--warmup-rate", "0"));
    }

    @Test
    @Timeout(90)
    void rateZeroStepsUpToTheCeilingAndReportsTheBestStep() throws Exception
    {
        // A 10 s p99 bound at 20 and 40 tx/s: every step is sustained, so the search must double to the ceiling and stop.
        final int exit = bench("--nodes", "1", "--rate", "0", "--start-rate", "20", "--max-rate", "40", "--max-p99-ms", "10000",
            "--step-duration", "1", "--step-warmup", "0", "--warmup", "0", "--accounts", "10", "--out", dir.resolve("search").toString());
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        final List<String> lines = out.toString().lines().toList();
        final JsonNode summary = lastLineJson(lines);
        assertEquals(40.0, summary.get("rate_tx_s").asDouble());
        assertEquals(40.0, summary.get("best_rate_tx_s").asDouble());
        assertEquals(2, summary.get("search_steps").size(), summary.toString());
        assertEquals(20.0, summary.get("search_steps").get(0).get("rate_tx_s").asDouble());
        assertEquals(40.0, summary.get("search_steps").get(1).get("rate_tx_s").asDouble());
        assertEquals(40, summary.get("sent").asLong(), "the summary is the 40 tx/s step's");
        assertEquals(summary.get("sent").asLong(), summary.get("finalized").asLong());
        assertNotNull(ImageIO.read(Path.of(summary.get("png").asText()).toFile()));
    }

    @Test
    @Timeout(90)
    void aSearchWhoseStepRetiresEveryAccountStopsThereAndReportsTheStepsSoFar() throws Exception
    {
        // The warm-up (20 tx/s for 1 s) and the first step (20 tx/s for 1 s) go through; then the target
        // refuses every transaction for good, so the second step retires all ten sender accounts.
        final AtomicInteger arrivals = new AtomicInteger();
        final Object[] refused = {-32000, TxRejection.INSUFFICIENT_FUNDS.message()};
        try (FakeMember fake = FakeMember.start(5115, (id, arrival) -> arrivals.incrementAndGet() > 40 ? refused : null))
        {
            final int exit = bench("--rpc", fake.url(), "--rate", "0", "--start-rate", "20", "--max-rate", "160",
                "--max-p99-ms", "10000", "--step-duration", "1", "--step-warmup", "0", "--warmup", "1",
                "--out", dir.resolve("stopped").toString());
            assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
            final JsonNode summary = lastLineJson(out.toString().lines().toList());
            assertEquals(20.0, summary.get("best_rate_tx_s").asDouble(), summary.toString());
            assertEquals(20, summary.get("finalized").asLong(), "the summary is the sustained step's");
            assertTrue(summary.get("search_stopped").asText().contains("retired"), summary.toString());
            final JsonNode steps = summary.get("search_steps");
            assertEquals(2, steps.size(), steps.toString());
            assertEquals(40.0, steps.get(1).get("rate_tx_s").asDouble());
            assertEquals(40, steps.get(1).get("not_finalized").asLong());
            assertTrue(out.toString().contains("stopping the search"), out.toString());
        }
    }

    @Test
    @Timeout(180)
    void aFourMemberNetworkReportsItsFastPathShare() throws Exception
    {
        // Recovery threads and a sequencer thread instead of the local network's default (both on the transport
        // thread), so that the signature table answers the certificates' repeated signatures (inline, the
        // held-certificate filter drops most of them first), and so that the threaded mode runs a real network too.
        // Every formed certificate broadcast (R10's `all`): by default only members that lack one are sent one, so
        // there would be no repeated signatures to answer.
        final int exit = bench("--nodes", "4", "--rate", "40", "--duration", "3", "--warmup", "2", "--accounts", "20",
            "--member-setting", "ingress.inline_recovery=false", "--member-setting", "ingress.sequencer_on_transport=false",
            "--member-setting", "consensus.relay_certificates=all", "--out", dir.resolve("four").toString());
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        final List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.stream().filter(l -> l.matches("member \\d pid \\d+ rpc http://127\\.0\\.0\\.1:\\d+ .*")).count(),
            "four member processes started:\n" + out);
        final JsonNode summary = lastLineJson(lines);
        assertEquals(4, summary.get("nodes").asInt());
        assertEquals(120, summary.get("sent").asLong(), "40 tx/s for 3 measured seconds");
        assertEquals(summary.get("sent").asLong(), summary.get("finalized").asLong(), "every transaction finalized by the network");
        assertEquals(0, summary.get("lost").asLong());
        final long fast = summary.get("fast_path_blocks").asLong();
        final long slow = summary.get("slow_path_blocks").asLong();
        final long indirect = summary.get("indirect_blocks").asLong();
        assertTrue(summary.get("view_timeouts").asLong() >= 0 && summary.get("views_nullified").asLong() >= 0, summary::toString);
        assertTrue(fast >= 0 && slow >= 0 && indirect >= 0 && fast + slow + indirect > 0,
            "member 0 finalized blocks in the window: " + summary);
        assertEquals((double)fast / (fast + slow + indirect), summary.get("fast_path_share").asDouble(), 0.001,
            "the share is fast / all blocks of the window");
        assertTrue(summary.get("p50_us").asLong() > 0 && summary.get("p50_us").asLong() <= summary.get("p99_us").asLong());
        assertTrue(out.toString().contains("fast-path share: "), out.toString());
        // Every finalized block needs at least the quorum's other votes checked, or taken from the table.
        final double perBlock = summary.get("sig_checks_per_block").asDouble() + summary.get("sig_skipped_per_block").asDouble();
        assertTrue(perBlock >= 2.0, "member 0 checked peer signatures for its blocks: " + summary);
        // Peers' certificates repeat votes member 0 has checked (and its own): the table answers those.
        assertTrue(summary.get("sig_skipped_per_block").asDouble() > 0, "signatures checked once: " + summary);
        assertTrue(out.toString().contains("peer signatures per finalized block at member 0: "), out.toString());
    }

    @Test
    @Timeout(180)
    void killingTheLeaderReportsTheGapAndTheOthersKeepFinalizing() throws Exception
    {
        final java.util.Set<String> driverDirsBefore = driverDirectories();
        final int exit = bench("--nodes", "4", "--rate", "40", "--duration", "4", "--warmup", "2", "--accounts", "20",
            "--kill-leader-at", "1", "--out", dir.resolve("kill").toString());
        final java.util.Set<String> left = driverDirectories();
        left.removeAll(driverDirsBefore);
        assertEquals(java.util.Set.of(), left, "the SIGKILLed member's media-driver directory (in /dev/shm) is deleted for it");
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        final List<String> lines = out.toString().lines().toList();
        final JsonNode summary = lastLineJson(lines);
        final JsonNode kill = summary.get("leader_kill");
        assertNotNull(kill, summary.toString());
        final int victim = kill.get("member").asInt();
        assertTrue(victim >= 1 && victim <= 3, "member 0 is followed, never killed: " + kill);
        assertTrue(out.toString().contains("killed the leader, member " + victim), out.toString());
        assertTrue(kill.get("blocks_after").asLong() > 0, "the other three finalized blocks after the kill: " + kill);
        // The dead leader's views can only end nullified (member 0 may join the others' Nullify before its own timer fires).
        assertTrue(summary.get("views_nullified").asLong() > 0, summary::toString);
        assertTrue(summary.get("view_timeouts").asLong() >= 0, summary::toString);
        assertTrue(kill.get("max_gap_after_ms").asDouble() > 0);
        assertEquals(40, kill.get("bound_ms").asLong(), "2 x the default 20 ms view timeout");
        assertEquals(kill.get("max_gap_after_ms").asDouble() <= 40, kill.get("within_bound").asBoolean());
        final long sent = summary.get("sent").asLong();
        assertEquals(sent, summary.get("finalized").asLong() + summary.get("rejected").asLong() + summary.get("failed").asLong() +
            summary.get("lost").asLong(), "every measured transaction is accounted for");
        assertTrue(summary.get("finalized").asLong() >= sent * 8 / 10,
            "sends meant for the victim go to the others after the kill: " + summary);
    }

    @Test
    @Timeout(90)
    void theBinaryIngressCarriesTheLoadOfOneMember() throws Exception
    {
        final int exit = bench("--nodes", "1", "--rate", "50", "--duration", "2", "--warmup", "1", "--accounts", "20",
            "--ingress", "aeron", "--out", dir.resolve("aeron-one").toString());
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        final List<String> lines = out.toString().lines().toList();
        final JsonNode summary = lastLineJson(lines);
        assertEquals("aeron", summary.get("ingress").asText());
        assertEquals("notice", summary.get("finality").asText(), "over Aeron finality comes on the ingress session");
        assertEquals(100, summary.get("sent").asLong(), "50 tx/s for 2 measured seconds");
        assertEquals(100, summary.get("finalized").asLong(), "every transaction admitted over Aeron and finalized");
        assertEquals(0, summary.get("resent").asLong());
    }

    @Test
    @Timeout(180)
    void fourMembersTellEachIngressSessionWhatTheyFinalized() throws Exception
    {
        // Each member notifies the session of the transactions it admitted; the sender spreads them over all four,
        // so every member's notices (from its transport thread) must arrive for every transaction to count.
        final int exit = bench("--nodes", "4", "--rate", "40", "--duration", "3", "--warmup", "2", "--accounts", "20",
            "--ingress", "aeron", "--out", dir.resolve("aeron-four").toString());
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        final List<String> lines = out.toString().lines().toList();
        final JsonNode summary = lastLineJson(lines);
        assertEquals("notice", summary.get("finality").asText());
        assertEquals(120, summary.get("sent").asLong());
        assertEquals(120, summary.get("finalized").asLong(), "every transaction told finalized by the member it went to");
        assertEquals(0, summary.get("lost").asLong());
        assertTrue(summary.get("p50_us").asLong() > 0 && summary.get("p50_us").asLong() <= summary.get("p99_us").asLong());
    }

    @Test
    @Timeout(180)
    void overTheBinaryIngressAKilledLeadersShareGoesToTheOthers() throws Exception
    {
        // The kill path over Aeron: the network members' ingress on their transport threads, the sender's exclusion.
        final int exit = bench("--nodes", "4", "--rate", "40", "--duration", "4", "--warmup", "2", "--accounts", "20",
            "--kill-leader-at", "1", "--ingress", "aeron", "--out", dir.resolve("aeron-kill").toString());
        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        final List<String> lines = out.toString().lines().toList();
        final JsonNode summary = lastLineJson(lines);
        assertEquals("aeron", summary.get("ingress").asText());
        assertEquals("subscription", summary.get("finality").asText(), "a killed member's sessions cannot be told");
        assertTrue(summary.get("leader_kill").get("blocks_after").asLong() > 0, summary::toString);
        final long sent = summary.get("sent").asLong();
        assertEquals(sent, summary.get("finalized").asLong() + summary.get("rejected").asLong() + summary.get("failed").asLong() +
            summary.get("lost").asLong(), "every measured transaction is accounted for");
        assertTrue(summary.get("finalized").asLong() >= sent * 8 / 10,
            "sends meant for the victim go to the others after the kill: " + summary);
    }

    /** The members' media-driver directories now in /dev/shm (the default transport.aeron_dir_base). */
    private static java.util.Set<String> driverDirectories() throws java.io.IOException
    {
        final Path shm = Path.of("/dev/shm");
        if (!java.nio.file.Files.isDirectory(shm))
        {
            return new java.util.HashSet<>();
        }
        try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(shm))
        {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("seqnet-aeron-"))
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    @Test
    void badTargetsAreUsageErrors()
    {
        assertEquals(2, bench("--nodes", "3"));
        assertTrue(err.toString().contains("--nodes must be 1, 4 or 7"), err.toString());
        assertEquals(2, bench("--nodes", "1", "--rpc", "http://127.0.0.1:8545"));
        assertTrue(err.toString().contains("give one of them"), err.toString());
        assertEquals(2, bench("--keys-from", dir.resolve("keys").toString()));
        assertTrue(err.toString().contains("--keys-from goes with --rpc"), err.toString());
        assertEquals(2, bench("--rate", "-5"));
        assertEquals(2, bench("--nodes", "1", "--kill-leader-at", "1"));
        assertTrue(err.toString().contains("--kill-leader-at needs --nodes 4 or 7"), err.toString());
        assertEquals(2, bench("--nodes", "1", "--max-pending-per-account", "-1"));
        assertTrue(err.toString().contains("--max-pending-per-account not negative"), err.toString());
        assertEquals(2, bench("--nodes", "1", "--ingress", "http"));
        assertTrue(err.toString().contains("--ingress must be rpc or aeron"), err.toString());
        assertEquals(2, bench("--nodes", "1", "--ingress", "aeron", "--ingress-endpoint", "127.0.0.1:40700"));
        assertTrue(err.toString().contains("--ingress-endpoint goes with --rpc"), err.toString());
        assertEquals(2, bench("--rpc", "http://127.0.0.1:8545", "http://127.0.0.1:8546", "--ingress", "aeron",
            "--ingress-endpoint", "127.0.0.1:40700"));
        assertTrue(err.toString().contains("one --ingress-endpoint per --rpc URL"), err.toString());
        assertEquals(2, bench("--nodes", "1", "--finality", "notice"));
        assertTrue(err.toString().contains("--finality notice needs --ingress aeron"), err.toString());
        assertEquals(2, bench("--nodes", "4", "--ingress", "aeron", "--finality", "notice", "--kill-leader-at", "1"));
        assertTrue(err.toString().contains("--finality notice cannot follow --kill-leader-at"), err.toString());
        assertEquals(2, bench("--nodes", "1", "--finality", "websocket"));
        assertTrue(err.toString().contains("--finality must be auto, notice or subscription"), err.toString());
        assertEquals("", out.toString(), "nothing started for a usage error");
    }

    /** The bench's last stdout line, the summary JSON object. */
    private static JsonNode lastLineJson(final List<String> lines) throws java.io.IOException
    {
        return MAPPER.readTree(lines.get(lines.size() - 1));
    }
}
