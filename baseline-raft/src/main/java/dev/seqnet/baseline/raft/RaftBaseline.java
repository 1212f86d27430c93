package dev.seqnet.baseline.raft;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.bench.PercentilePlot;
import io.aeron.cluster.client.AeronCluster;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code raft-baseline}: the Raft baseline for the BFT sequencer network. Starts a local Aeron Cluster
 * (crash-fault Raft, no signatures) of {@code --members} processes whose service echoes every message,
 * offers messages open loop at a fixed rate, and reports scheduled-send → echo latency and throughput
 * with the same method, summary and JSON keys as {@code sequencer bench}, so the two can be compared
 * on the same machine. The last line of stdout is one JSON object.
 */
@Command(name = "raft-baseline", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Raft baseline: a local Aeron Cluster (each member its own process, UDP on 127.0.0.1) whose service echoes " +
        "every message; messages are offered open loop at a fixed rate and each latency runs from the message's SCHEDULED send " +
        "time to the arrival of its echo, i.e. after a quorum committed it (corrected for coordinated omission). The last " +
        "line of stdout is one JSON object with the keys of sequencer bench.")
public final class RaftBaseline implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rate", paramLabel = "MSG_S", defaultValue = "2000", description = "Offered load, msg/s (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "20", description = "Measured seconds (default ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "10",
        description = "Warm-up seconds sent first and not counted (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "10",
        description = "Seconds after the last send to wait for echoes; missing ones then count as lost (default ${DEFAULT-VALUE}).")
    double grace;

    @Option(names = "--members", paramLabel = "N", defaultValue = "3", description = "Cluster members, each its own process (default ${DEFAULT-VALUE}).")
    int members;

    @Option(names = "--out", paramLabel = "DIR", description = "Where results go (default bench-results/raft-<timestamp>/, next to sequencer bench's).")
    Path out;

    @Option(names = "--message-bytes", paramLabel = "BYTES", defaultValue = "64",
        description = "Message length, 8..4096; starts with its sequence number (default ${DEFAULT-VALUE}).")
    int messageBytes;

    @Option(names = "--idle", paramLabel = "STRATEGY", defaultValue = "backoff",
        description = "Members' idle strategy for every agent: backoff, sleeping or busy (default ${DEFAULT-VALUE}; busy needs a core per spinning thread).")
    Idle idle;

    @Option(names = "--max-park-us", paramLabel = "US", defaultValue = "1000",
        description = "Members' longest idle park, µs (default ${DEFAULT-VALUE}, Aeron's own default).")
    long maxParkMicros;

    @Option(names = "--client-max-park-us", paramLabel = "US", defaultValue = "20",
        description = "Client's longest park when it has nothing to do, µs; bounds how late an echo is noticed (default ${DEFAULT-VALUE}).")
    long clientMaxParkMicros;

    @Option(names = "--term-length", paramLabel = "BYTES", defaultValue = "1048576",
        description = "Term length of the ingress, egress and log streams, a power of two >= 65536 (default ${DEFAULT-VALUE}).")
    int termLength;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "0",
        description = "First of the members' UDP ports (10 per member) on 127.0.0.1; 0 picks a free block (default).")
    int basePort;

    @Option(names = "--election-timeout", paramLabel = "SECONDS", defaultValue = "60",
        description = "How long to wait for all members to agree on a leader (default ${DEFAULT-VALUE}).")
    double electionTimeout;

    static final String SYSTEM = "aeron-cluster 1.51.0 (Raft, crash faults only, no signatures), echo service";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private PrintWriter stdout;
    private PrintWriter stderr;

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /** The command as {@link #main} runs it (enum values such as {@code --idle backoff} in any case). */
    public static CommandLine commandLine()
    {
        return new CommandLine(new RaftBaseline()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception
    {
        stdout = spec.commandLine().getOut();
        stderr = spec.commandLine().getErr();
        final String usageError = validate();
        if (usageError != null)
        {
            stderr.println("error: " + usageError);
            stderr.flush();
            return 2;
        }
        final Path outDir = (out != null ? out : Path.of("bench-results",
            "raft-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        Files.createDirectories(outDir);
        final ClusterLayout layout = new ClusterLayout(members, basePort != 0 ? basePort : ClusterLayout.freeBasePort(members), termLength);
        final Path clientAeronDir = EchoClient.defaultAeronDir();
        final double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        stdout.printf("starting %d member(s): UDP 127.0.0.1 ports %d..%d, idle %s (max park %d us), term length %d B%n",
            members, layout.basePort(), layout.basePort() + members * ClusterLayout.PORTS_PER_MEMBER - 1,
            idle.name().toLowerCase(), maxParkMicros, termLength);
        stdout.flush();
        final long startNanos = System.nanoTime();
        final LocalCluster cluster = LocalCluster.start(layout, idle, maxParkMicros, outDir);
        final OpenLoopEcho[] running = new OpenLoopEcho[1];
        final CountDownLatch done = new CountDownLatch(1);
        final Thread stopOnExit = new Thread(() ->
        {
            // Ctrl-C: let the load thread stop and clean up itself (closing its client from here could
            // unmap buffers under it), then make sure the members are gone whatever happened.
            final OpenLoopEcho run = running[0];
            if (run != null)
            {
                run.stop();
            }
            try
            {
                done.await(20, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
            cluster.close();
            Dirs.deleteTree(clientAeronDir);
        }, "raft-baseline-stop-members");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try
        {
            for (int i = 0; i < members; i++)
            {
                stdout.printf("member %d pid %d log %s%n", i, cluster.pid(i), cluster.log(i));
            }
            stdout.flush();
            final int leader = cluster.awaitLeader((long)(electionTimeout * 1e9));
            stdout.printf("leader: member %d, agreed by all %d members %.1f s after start%n", leader, members,
                (System.nanoTime() - startNanos) / 1e9);
            stdout.flush();
            try (EchoClient client = EchoClient.connect(layout, clientAeronDir, CONNECT_TIMEOUT_NANOS))
            {
                final AeronCluster session = client.cluster();
                stdout.printf("client session %d open with leader member %d%n", session.clusterSessionId(), session.leaderMemberId());
                final int[] counts = OpenLoopEcho.counts(rate, warmup, duration);
                final Path hlog = outDir.resolve("latency.hlog");
                final HistogramLogWriter log = openLog(hlog);
                final Duration[] cpuBefore = cpu(cluster);
                final long runStart = System.nanoTime();
                final EchoResult result;
                try
                {
                    stdout.printf("offering %s msg/s of %d B for %s s after a %s s warm-up (latency from each scheduled send time)%n",
                        number(rate), messageBytes, number(duration), number(warmup));
                    stdout.flush();
                    final OpenLoopEcho run = new OpenLoopEcho(client, rate, counts[0], counts[1], warmup, duration, grace,
                        TimeUnit.MICROSECONDS.toNanos(clientMaxParkMicros), messageBytes, stdout, log);
                    running[0] = run;
                    result = run.run();
                }
                finally
                {
                    log.close();
                }
                final double runSeconds = (System.nanoTime() - runStart) / 1e9;
                final Duration[] cpuAfter = cpu(cluster);
                finish(result, layout, leader, loadAtStart, cpuBefore, cpuAfter, runSeconds, outDir);
            }
        }
        finally
        {
            cluster.close();
            Dirs.deleteTree(clientAeronDir);
            done.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
            catch (final IllegalStateException ignore)
            {
                // already shutting down: the hook closes the (already closed) cluster again, harmlessly
            }
        }
        return 0;
    }

    /** The first usage problem, or null. */
    private String validate()
    {
        if (!(rate > 0) || Double.isInfinite(rate))
        {
            return "--rate must be positive";
        }
        if (!(duration > 0 && warmup >= 0 && grace >= 0 && electionTimeout > 0))
        {
            return "--duration and --election-timeout must be positive; --warmup and --grace not negative";
        }
        if (members < 1 || members > 9)
        {
            return "--members must be 1..9, got " + members;
        }
        if (messageBytes < Long.BYTES || messageBytes > 4096)
        {
            return "--message-bytes must be 8..4096, got " + messageBytes;
        }
        if (maxParkMicros < 1 || clientMaxParkMicros < 1)
        {
            return "--max-park-us and --client-max-park-us must be at least 1";
        }
        if (termLength < 64 * 1024 || Integer.bitCount(termLength) != 1)
        {
            return "--term-length must be a power of two of at least 65536, got " + termLength;
        }
        if (basePort != 0 && (basePort < 1024 || basePort + members * ClusterLayout.PORTS_PER_MEMBER > 65_535))
        {
            return "--base-port must leave room for " + members * ClusterLayout.PORTS_PER_MEMBER + " ports in 1024..65535";
        }
        return null;
    }

    private static Duration[] cpu(final LocalCluster cluster)
    {
        final Duration[] cpu = new Duration[cluster.size() + 1];
        for (int i = 0; i < cluster.size(); i++)
        {
            cpu[i] = cluster.cpu(i);
        }
        cpu[cluster.size()] = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        return cpu;
    }

    private HistogramLogWriter openLog(final Path hlog) throws IOException
    {
        final HistogramLogWriter log = new HistogramLogWriter(new PrintStream(Files.newOutputStream(hlog), false, StandardCharsets.UTF_8));
        final long now = System.currentTimeMillis();
        log.outputComment("seqnet raft-baseline: scheduled send -> echo latency in MICROSECONDS (coordinated-omission " +
            "corrected); " + SYSTEM + ", " + members + " members, " + number(rate) + " msg/s");
        log.outputLogFormatVersion();
        log.outputStartTime(now);
        log.setBaseTime(now);
        log.outputBaseTime(now);
        log.outputLegend();
        return log;
    }

    /** Writes the plot, the percentile table and summary.json, prints the summary, and ends stdout with the JSON line. */
    private void finish(
        final EchoResult r,
        final ClusterLayout layout,
        final int leader,
        final double loadAtStart,
        final Duration[] cpuBefore,
        final Duration[] cpuAfter,
        final double runSeconds,
        final Path outDir) throws IOException
    {
        final Path hlog = outDir.resolve("latency.hlog");
        final Path percentiles = outDir.resolve("percentiles.txt");
        final Path png = outDir.resolve("latency.png");
        PercentilePlot.write(png, "Raft baseline: " + members + " members, " + number(r.rate()) + " msg/s",
            "send \u2192 echo", List.of(new PercentilePlot.Curve(
                number(r.rate()) + " msg/s, " + number(r.throughput()) + " echoed/s", r.latency())));
        final Path summaryFile = outDir.resolve("summary.json");
        try (PrintStream ps = new PrintStream(Files.newOutputStream(percentiles), false, StandardCharsets.UTF_8))
        {
            ps.println("# scheduled send -> echo latency (ms); " + number(r.rate()) + " msg/s, " + members + " members");
            r.latency().outputPercentileDistribution(ps, 5, 1000.0);
        }

        final Histogram h = r.latency();
        final ObjectNode json = MAPPER.createObjectNode();
        json.put("p50_us", h.getValueAtPercentile(50));
        json.put("p90_us", h.getValueAtPercentile(90));
        json.put("p99_us", h.getValueAtPercentile(99));
        json.put("p999_us", h.getValueAtPercentile(99.9));
        json.put("max_us", h.getMaxValue());
        json.put("mean_us", Math.round(h.getMean()));
        json.put("throughput_tx_s", round1(r.throughput()));
        json.put("sent", r.sent());
        json.put("finalized", r.echoed());
        json.put("rejected", 0);
        json.put("failed", r.failed());
        json.put("lost", r.lost());
        json.put("rate_tx_s", r.rate());
        json.put("nodes", members);
        json.put("duration_s", r.durationSeconds());
        json.put("warmup_s", r.warmupSeconds());
        json.put("warmup_sent", r.warmupSent());
        json.put("backlog_at_measure_start", r.backlog());
        json.put("send_lag_p99_us", r.sendLag().getValueAtPercentile(99));
        json.put("latency_from", "scheduled_send_time");
        json.put("latency_to", "echo_arrival");
        json.put("target", SYSTEM + ", " + members + " members, each its own process, UDP 127.0.0.1");
        json.put("leader_member_id", leader);
        json.put("message_bytes", messageBytes);
        json.put("idle", idle.name().toLowerCase());
        json.put("max_park_us", maxParkMicros);
        json.put("client_max_park_us", clientMaxParkMicros);
        json.put("term_length", layout.termLength());
        json.put("offer_back_pressured", r.offers().backPressured);
        json.put("offer_not_connected", r.offers().notConnected);
        json.put("offer_admin_action", r.offers().adminAction);
        json.put("offer_closed", r.offers().closed);
        json.put("offer_max_position_exceeded", r.offers().maxPositionExceeded);
        json.put("duplicate_echoes", r.duplicates());
        json.put("unexpected_egress", r.unexpected());
        json.put("leader_changes", r.leaderChanges());
        if (r.abortReason() != null)
        {
            json.put("aborted", r.abortReason());
        }
        json.put("load_avg_1m_at_start", Math.round(loadAtStart * 100) / 100.0);
        json.put("load_avg_1m_at_end", Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0);
        final ArrayNode cpu = json.putArray("member_cpu_pct");
        for (int i = 0; i < members; i++)
        {
            cpu.add(percent(cpuBefore[i], cpuAfter[i], runSeconds));
        }
        json.put("client_cpu_pct", percent(cpuBefore[members], cpuAfter[members], runSeconds));
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("hlog", hlog.toString());
        json.put("percentiles", percentiles.toString());
        json.put("png", png.toString());
        json.put("summary", summaryFile.toString());
        Files.writeString(summaryFile, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");

        if (r.abortReason() != null)
        {
            stderr.println("run stopped early: " + r.abortReason());
        }
        if (r.warmupTooShort())
        {
            stderr.printf("warning: %d warm-up messages were still unechoed when measuring began: the warm-up was too short " +
                "for this rate and the figures include the catch-up; use a longer --warmup%n", r.backlog());
        }
        stderr.flush();
        stdout.printf("%n%s msg/s offered for %s s after %s s warm-up, %d member%s (%s); latency = echo arrival \u2212 SCHEDULED " +
            "send time (corrected for coordinated omission)%n", number(r.rate()), number(r.durationSeconds()),
            number(r.warmupSeconds()), members, members == 1 ? "" : "s", SYSTEM);
        stdout.printf("  sent %d  echoed %d  failed %d  lost %d  throughput %.1f msg/s echoed%n",
            r.sent(), r.echoed(), r.failed(), r.lost(), r.throughput());
        stdout.printf("  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s   (generator send lag p99 %s)%n",
            ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
            ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), ms(r.sendLag().getValueAtPercentile(99)));
        stdout.printf("  offers not accepted: %s; duplicate echoes %d, leader changes %d%n",
            r.offers(), r.duplicates(), r.leaderChanges());
        stdout.printf("  CPU during the run: members %s %%, client %s %% (of one core; %d cores, load %.2f at start)%n",
            cpu, json.get("client_cpu_pct"), Runtime.getRuntime().availableProcessors(), loadAtStart);
        stdout.printf("  histogram log %s%n  percentiles   %s%n  summary       %s%n", hlog, percentiles, summaryFile);
        stdout.println(json.toString());
        stdout.flush();
    }

    private static double percent(final Duration before, final Duration after, final double seconds)
    {
        return Math.round((after.minus(before).toNanos() / 1e9) / seconds * 1000) / 10.0;
    }

    private static String ms(final long micros)
    {
        return String.format("%.3f ms", micros / 1000.0);
    }

    private static double round1(final double v)
    {
        return Math.round(v * 10) / 10.0;
    }

    /** 1000 → "1000", 2.5 → "2.5". */
    private static String number(final double v)
    {
        return v == Math.rint(v) ? Long.toString((long)v) : Double.toString(v);
    }
}
