package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.bench.PercentilePlot;
import dev.seqnet.chain.Hex;
import dev.seqnet.node.cli.RpcClient;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sequencer bench}: an open-loop load generator. Pre-signed transfers from many accounts go out
 * over JSON-RPC at a fixed rate whatever the replies; each one's submit → finalized latency is taken
 * from its scheduled send time to the arrival of its block on a {@code newL2Blocks} subscription.
 * Prints progress every second and a summary whose last line is one JSON object; writes an
 * HdrHistogram log and a percentile plot. {@code --rate 0} searches for the highest sustained rate.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Open-loop load generator: pre-signed transfers at a fixed rate, submit \u2192 finalized latency as a " +
        "JSON-RPC client sees it. Latency runs from each transaction's SCHEDULED send time to the arrival of its block " +
        "over WebSocket (corrected for coordinated omission). The last line of stdout is one JSON object.")
public final class BenchCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N",
        description = "Start an embedded network of 1, 4 or 7 members, each its own process, on loopback (default 1).")
    Integer nodes;

    @Option(names = "--member-setting", paramLabel = "SECTION.KEY=VALUE",
        description = "Embedded network: override a node.json value of every member, e.g. ingress.wait_strategy=blocking " +
            "or transport.idle_max_park_us=50 (repeatable).")
    List<String> memberSettings = new ArrayList<>();

    @Option(names = "--kill-leader-at", paramLabel = "SECONDS",
        description = "Embedded network of several members: SIGKILL the current leader (never member 0) this many seconds " +
            "into the measured window and report the longest gap between finalized blocks after it (leader_kill in the JSON).")
    Double killLeaderAt;

    @Option(names = "--rpc", arity = "1..*", paramLabel = "URL",
        description = "Load a running network instead: member RPC URLs (sends round-robin; blocks followed on the first).")
    List<String> rpc = new ArrayList<>();

    @Option(names = "--ingress", paramLabel = "rpc|aeron", defaultValue = "rpc",
        description = "How transactions reach the members: rpc (eth_sendRawTransaction over HTTP, default) or aeron (the " +
            "members' binary client ingress over Aeron UDP, docs/RPC.md).")
    String ingress;

    @Option(names = "--finality", paramLabel = "auto|notice|subscription", defaultValue = "auto",
        description = "How the bench learns a transaction finalized: notice (the TxFinalized notices on the binary " +
            "ingress sessions it submitted on; needs --ingress aeron), subscription (citrea_subscribe newL2Blocks over " +
            "WebSocket on the first member, every transaction of every block hashed), or auto (default: notice with " +
            "--ingress aeron unless --kill-leader-at is given, subscription otherwise).")
    String finality;

    @Option(names = "--ingress-endpoint", arity = "1..*", paramLabel = "HOST:PORT",
        description = "With --rpc and --ingress aeron: each member's client_ingress endpoint, in the order of the --rpc URLs.")
    List<String> ingressEndpoints = new ArrayList<>();

    @Option(names = "--ingress-stream", paramLabel = "ID", defaultValue = "" + dev.seqnet.node.ingress.ClientIngress.Context.DEFAULT_STREAM_ID,
        description = "With --ingress aeron: the members' client_ingress.stream_id (default ${DEFAULT-VALUE}).")
    int ingressStream;

    @Option(names = "--keys-from", paramLabel = "FILE",
        description = "With --rpc: sender private keys, one hex key per line (default: the 10 funded dev accounts).")
    Path keysFrom;

    @Option(names = "--accounts", paramLabel = "COUNT", defaultValue = "1000",
        description = "Embedded network: generated sender accounts, funded in its genesis (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--chain-id", paramLabel = "ID", defaultValue = "5115", description = "Embedded network's chain id (default ${DEFAULT-VALUE}).")
    long chainId;

    @Option(names = "--rate", paramLabel = "TX_S", defaultValue = "1000",
        description = "Offered load, tx/s (default ${DEFAULT-VALUE}); 0 searches for the highest rate sustained within --max-p99-ms.")
    double rate;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "20", description = "Measured seconds (default ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", paramLabel = "SECONDS",
        description = "Warm-up seconds sent first and not counted (default 15 for one member, 90 for an embedded network of " +
            "several: on two cores their JITs take about 100 s to settle); with --rate 0, once at --start-rate before the steps.")
    Double warmupOption;

    /** The effective warm-up, set in {@link #call()}. */
    double warmup;

    @Option(names = "--warmup-rate", paramLabel = "TX_S",
        description = "Fixed rate: warm up at this rate instead of --rate, then offer --rate for --step-warmup seconds, " +
            "uncounted, before measuring. A cold network warmed at a rate it cannot yet sustain starts the measurement " +
            "behind a backlog (default: --rate).")
    Double warmupRate;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "10",
        description = "After the last scheduled send, wait for blocks until none has finalized a transaction for this long " +
            "(at most as long again as the run); what is still not final then counts as lost (default ${DEFAULT-VALUE}).")
    double grace;

    @Option(names = "--max-pending-per-account", paramLabel = "COUNT", defaultValue = "32",
        description = "Most transactions of one sender out and not yet final; later ones wait, as a wallet's would " +
            "(default ${DEFAULT-VALUE}, 0 for no limit). Reached only when finalization lags by seconds.")
    int maxPendingPerAccount;

    @Option(names = "--connections", paramLabel = "COUNT", defaultValue = "16", description = "HTTP/1.1 keep-alive connections per target (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--out", paramLabel = "DIR", description = "Where results go (default bench-results/<timestamp>/).")
    Path out;

    @Option(names = "--max-p99-ms", paramLabel = "MS", defaultValue = "50", description = "--rate 0: the p99 bound a sustained step must meet (default ${DEFAULT-VALUE}).")
    double maxP99Ms;

    @Option(names = "--start-rate", paramLabel = "TX_S", defaultValue = "1000", description = "--rate 0: first step's rate (default ${DEFAULT-VALUE}).")
    double startRate;

    @Option(names = "--max-rate", paramLabel = "TX_S", defaultValue = "100000", description = "--rate 0: highest rate offered (default ${DEFAULT-VALUE}).")
    double maxRate;

    @Option(names = "--step-duration", paramLabel = "SECONDS", defaultValue = "4", description = "--rate 0: measured seconds per step (default ${DEFAULT-VALUE}).")
    double stepDuration;

    @Option(names = "--step-warmup", paramLabel = "SECONDS", defaultValue = "1",
        description = "--rate 0: warm-up seconds per step; with --warmup-rate, the seconds at --rate before measuring (default ${DEFAULT-VALUE}).")
    double stepWarmup;

    @Option(names = "--step-retries", paramLabel = "COUNT", defaultValue = "1",
        description = "--rate 0: run a failed step again this many times before it counts as failed (default ${DEFAULT-VALUE}).")
    int stepRetries;

    /** Default warm-up for one member, and for an embedded network of several (JIT of several JVMs on two cores). */
    static final double WARMUP_S = 15;
    static final double MULTI_MEMBER_WARMUP_S = 90;

    static final String FAST_PATH_NOTE = "one member: blocks are not voted on, so there is no fast or slow path";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final double MIN_SEARCH_RATE = 10;
    private static final double SEARCH_PRECISION = 0.05;
    private static final int MAX_SEARCH_STEPS = 16;

    private PrintWriter stdout;
    private PrintWriter stderr;
    private int memberCount;
    private String targetDescription;
    private FinalityPaths paths;
    /** The feed's name for the summary: {@code notice} or {@code subscription}. */
    private String finalityName;
    private EmbeddedNetwork embedded;
    private RpcClient member0;
    private LeaderKill leaderKill;

    @Override
    public Integer call() throws Exception
    {
        stdout = spec.commandLine().getOut();
        stderr = spec.commandLine().getErr();
        warmup = warmupOption != null ? warmupOption : nodes != null && nodes > 1 ? MULTI_MEMBER_WARMUP_S : WARMUP_S;
        final String usageError = validate();
        if (usageError != null)
        {
            stderr.println("error: " + usageError);
            stderr.flush();
            return 2;
        }
        final Path outDir = (out != null ? out : Path.of("bench-results",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        Files.createDirectories(outDir);

        EmbeddedNetwork network = null;
        final Thread stopOnExit;
        final BenchAccounts senders;
        final List<String> urls;
        if (rpc.isEmpty())
        {
            final int n = nodes == null ? 1 : nodes;
            stdout.printf("deriving %d sender accounts ...%n", accounts);
            stdout.flush();
            senders = BenchAccounts.derived(accounts);
            network = EmbeddedNetwork.start(n, chainId, senders, memberSettings, outDir, aeronIngress());
            embedded = network;
            final EmbeddedNetwork started = network;
            stopOnExit = new Thread(started::close, "seqnet-bench-stop-members");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            urls = network.rpcUrls();
            for (int i = 0; i < n; i++)
            {
                stdout.printf("member %d pid %d rpc %s log %s%n", i, network.pid(i), urls.get(i), network.log(i));
            }
            targetDescription = "embedded " + n + "-member network (each member its own process)";
        }
        else
        {
            senders = keysFrom != null ? BenchAccounts.fromFile(keysFrom) : BenchAccounts.dev();
            urls = rpc;
            stopOnExit = null;
            targetDescription = String.join(" ", urls);
        }
        try
        {
            final RpcClient client = new RpcClient(urls.get(0));
            member0 = client;
            final long chain = Hex.parseQuantity(client.call("eth_chainId").asText()).longValueExact();
            memberCount = client.call("seq_members").size();
            paths = memberCount > 1 ? new FinalityPaths(client) : null;
            senders.syncNonces(client);
            stdout.printf("target %s: chain id %d, %d member(s); senders: %s%n", targetDescription, chain, memberCount, senders.origin());
            stdout.flush();
            final List<String> endpoints = network != null ? network.ingressEndpoints() : ingressEndpoints;
            final boolean notices = notices();
            try (TxSender sender = aeronIngress() ? new AeronSender(endpoints, ingressStream) : new RpcSender(urls, connections);
                // Only when something follows blocks: the subscription costs the first member a JSON rendering of
                // every block with all its transactions, and the bench a hash of each.
                BlockSubscriber subscriber = !notices || killLeaderAt != null ? BlockSubscriber.connect(urls.get(0)) : null)
            {
                final FinalityFeed feed = notices ? (AeronSender)sender : new SubscriptionFeed(subscriber);
                finalityName = feed.name();
                stdout.printf("finality: %s%n", notices ? "TxFinalized notices on the ingress sessions" :
                    "newL2Blocks subscription on " + urls.get(0));
                final Path hlog = outDir.resolve("latency.hlog");
                final HistogramLogWriter log = openLog(hlog);
                try
                {
                    if (rate > 0)
                    {
                        fixedRate(sender, feed, subscriber, senders, chain, log, outDir);
                    }
                    else
                    {
                        search(sender, feed, senders, chain, log, outDir);
                    }
                }
                finally
                {
                    log.close();
                }
            }
        }
        finally
        {
            if (network != null)
            {
                network.close();
                try
                {
                    Runtime.getRuntime().removeShutdownHook(stopOnExit);
                }
                catch (final IllegalStateException ignore)
                {
                    // already shutting down: the hook closes the (already closed) network again, harmlessly
                }
            }
        }
        return 0;
    }

    /** The first usage problem, or null. */
    private String validate()
    {
        if (nodes != null && !rpc.isEmpty())
        {
            return "--nodes starts an embedded network and --rpc loads a running one: give one of them";
        }
        if (nodes != null && nodes != 1 && nodes != 4 && nodes != 7)
        {
            return "--nodes must be 1, 4 or 7, got " + nodes;
        }
        if (killLeaderAt != null && (nodes == null || nodes < 2 || rate == 0 || !(killLeaderAt >= 0 && killLeaderAt < duration)))
        {
            return "--kill-leader-at needs --nodes 4 or 7, a fixed --rate, and a time within --duration";
        }
        if (!memberSettings.isEmpty() && !rpc.isEmpty())
        {
            return "--member-setting configures an embedded network; a running one (--rpc) keeps its own node.json";
        }
        if (keysFrom != null && rpc.isEmpty())
        {
            return "--keys-from goes with --rpc; an embedded network funds --accounts generated keys itself";
        }
        if (!"rpc".equals(ingress) && !"aeron".equals(ingress))
        {
            return "--ingress must be rpc or aeron, got " + ingress;
        }
        if (!ingressEndpoints.isEmpty() && (rpc.isEmpty() || !aeronIngress()))
        {
            return "--ingress-endpoint goes with --rpc and --ingress aeron; an embedded network sets its members' endpoints itself";
        }
        if (aeronIngress() && !rpc.isEmpty() && ingressEndpoints.size() != rpc.size())
        {
            return "--ingress aeron with --rpc needs one --ingress-endpoint per --rpc URL, in the same order";
        }
        if (!"auto".equals(finality) && !"notice".equals(finality) && !"subscription".equals(finality))
        {
            return "--finality must be auto, notice or subscription, got " + finality;
        }
        if ("notice".equals(finality) && !aeronIngress())
        {
            return "--finality notice needs --ingress aeron: the notices come on the binary ingress sessions";
        }
        if ("notice".equals(finality) && killLeaderAt != null)
        {
            return "--finality notice cannot follow --kill-leader-at: a killed member's admitted transactions are " +
                "finalized by the others, which never had its sessions to tell; use --finality subscription";
        }
        if (rate < 0 || Double.isNaN(rate))
        {
            return "--rate must be positive, or 0 to search";
        }
        if (!(duration > 0 && warmup >= 0 && grace >= 0 && stepDuration > 0 && stepWarmup >= 0))
        {
            return "--duration and --step-duration must be positive; --warmup, --step-warmup and --grace not negative";
        }
        if (connections < 1 || accounts < 1 || stepRetries < 0 || maxPendingPerAccount < 0)
        {
            return "--connections and --accounts must be at least 1, --step-retries and --max-pending-per-account not negative";
        }
        if (warmupRate != null && !(warmupRate > 0 && rate > 0))
        {
            return "--warmup-rate must be positive, and needs a fixed --rate";
        }
        if (rate == 0 && !(maxP99Ms > 0 && startRate >= MIN_SEARCH_RATE && maxRate >= startRate))
        {
            return "--rate 0 needs --max-p99-ms > 0 and " + (int)MIN_SEARCH_RATE + " <= --start-rate <= --max-rate";
        }
        return null;
    }

    private boolean aeronIngress()
    {
        return "aeron".equals(ingress);
    }

    /** Whether finality comes from the ingress sessions' notices ({@code --finality}). */
    private boolean notices()
    {
        return "notice".equals(finality) || "auto".equals(finality) && aeronIngress() && killLeaderAt == null;
    }

    private HistogramLogWriter openLog(final Path hlog) throws IOException
    {
        final HistogramLogWriter log = new HistogramLogWriter(new PrintStream(Files.newOutputStream(hlog), false, StandardCharsets.UTF_8));
        final long now = System.currentTimeMillis();
        log.outputComment("seqnet bench: submit -> finalized latency in MICROSECONDS, measured from each transaction's " +
            "scheduled send time (coordinated-omission corrected); target " + targetDescription);
        log.outputLogFormatVersion();
        log.outputStartTime(now);
        log.setBaseTime(now);
        log.outputBaseTime(now);
        log.outputLegend();
        return log;
    }

    private SignedLoad sign(final BenchAccounts senders, final int count, final long chain, final String label)
    {
        stdout.printf("%ssigning %d transactions ...", label, count);
        stdout.flush();
        final long start = System.nanoTime();
        final SignedLoad load = SignedLoad.sign(senders, count, chain);
        final double seconds = (System.nanoTime() - start) / 1e9;
        stdout.printf(" %.1f s (%.0f tx/s, before the run)%n", seconds, count / seconds);
        stdout.flush();
        return load;
    }

    private void fixedRate(
        final TxSender sender,
        final FinalityFeed feed,
        final BlockSubscriber subscriber,
        final BenchAccounts senders,
        final long chain,
        final HistogramLogWriter log,
        final Path outDir) throws Exception
    {
        final boolean separateWarmup = warmupRate != null && warmupRate != rate;
        if (separateWarmup)
        {
            stdout.printf("warming up at %s tx/s for %s s, then %s tx/s for %s s before measuring%n",
                number(warmupRate), number(warmup), number(rate), number(stepWarmup));
            warmUp(sender, feed, senders, chain, warmupRate);
        }
        // After a separate warm-up the measured run still ramps to its own rate for --step-warmup seconds, uncounted.
        final double ownWarmup = separateWarmup ? stepWarmup : warmup;
        final int[] counts = OpenLoopRun.counts(rate, ownWarmup, duration);
        final SignedLoad load = sign(senders, counts[0] + counts[1], chain, "");
        stdout.printf("offering %s tx/s for %s s after a %s s warm-up (latency from each scheduled send time)%n",
            number(rate), number(duration), number(ownWarmup));
        stdout.flush();
        if (killLeaderAt != null)
        {
            final long viewTimeoutMs = dev.seqnet.node.config.NodeConfig.load(embedded.config(0)).consensus.leaderTimeoutMs;
            leaderKill = new LeaderKill(embedded, member0, sender, viewTimeoutMs, stdout);
            subscriber.blockListener(leaderKill);
            final long measureFrom = System.nanoTime() + (long)(ownWarmup * 1e9);
            leaderKill.start(measureFrom, measureFrom + (long)(killLeaderAt * 1e9), measureFrom + (long)(duration * 1e9));
        }
        final RunResult result = new OpenLoopRun(sender, feed, load, rate, counts[0], ownWarmup, duration, grace,
            stdout, log, null, "").paths(paths).window(maxPendingPerAccount).run();
        if (null != subscriber)
        {
            subscriber.blockListener(null);
        }
        final double share = fastShare();
        final List<PercentilePlot.Curve> curves = List.of(new PercentilePlot.Curve(legend(result), result.latency()));
        final String title = String.format("seqnet submit \u2192 finalized, %d member%s, %s tx/s open loop (corrected for coordinated omission)",
            memberCount, memberCount == 1 ? "" : "s", number(rate));
        finish(result, curves, title, null, share, outDir);
    }

    /** Sends {@code --warmup} seconds at {@code warmRate}, uncounted, and waits for them; retires senders left in trouble. */
    private void warmUp(
        final TxSender sender,
        final FinalityFeed feed,
        final BenchAccounts senders,
        final long chain,
        final double warmRate) throws Exception
    {
        final int count = OpenLoopRun.counts(warmRate, warmup, 1)[0];
        if (count == 0)
        {
            return;
        }
        final String label = "[warm-up " + number(warmRate) + " tx/s] ";
        final SignedLoad load = sign(senders, count, chain, label);
        final RunResult result = new OpenLoopRun(sender, feed, load, warmRate, count, warmup, 0, grace,
            stdout, null, null, label).window(maxPendingPerAccount).run();
        for (final int account : result.troubledSenders())
        {
            senders.retire(account);
        }
    }

    private void search(
        final TxSender sender,
        final FinalityFeed feed,
        final BenchAccounts senders,
        final long chain,
        final HistogramLogWriter log,
        final Path outDir) throws Exception
    {
        final long maxP99Micros = Math.round(maxP99Ms * 1000);
        final RateSearch search = new RateSearch(startRate, MIN_SEARCH_RATE, maxRate, SEARCH_PRECISION, MAX_SEARCH_STEPS);
        stdout.printf("searching for the highest rate with p99 <= %s ms, >= 95%% finalized and nothing lost: " +
            "%s s steps after %s s warm-up each, after one %s s warm-up%n",
            number(maxP99Ms), number(stepDuration), number(stepWarmup), number(warmup));
        // A cold member fails any first step on JIT compilation alone; warm it (and us) up once, uncounted.
        warmUp(sender, feed, senders, chain, startRate);
        final ArrayNode steps = MAPPER.createArrayNode();
        RunResult best = null;
        RunResult lowestFailed = null;
        RunResult last = null;
        double bestShare = Double.NaN;
        double lastShare = Double.NaN;
        String stopped = null;
        search:
        while (search.next() > 0)
        {
            final double stepRate = search.next();
            final String label = "[" + number(stepRate) + " tx/s] ";
            RunResult result = null;
            boolean sustained = false;
            for (int attempt = 0; attempt <= stepRetries && !sustained; attempt++)
            {
                if (senders.active().length == 0)
                {
                    // Every account has transactions an overloaded step left unfinalized (their nonces are
                    // unknown): end with what the steps so far found rather than fail the whole search.
                    stopped = "every sender account was retired with transactions left unfinalized" +
                        (last != null ? " by the " + number(last.rate()) + " tx/s step" : "");
                    stdout.printf("%sstopping the search: %s (more accounts: --accounts)%n", label, stopped);
                    stdout.flush();
                    if (result != null && (lowestFailed == null || stepRate < lowestFailed.rate()))
                    {
                        lowestFailed = result; // this step's failed attempt, so the plot shows it
                    }
                    break search;
                }
                final int[] counts = OpenLoopRun.counts(stepRate, stepWarmup, stepDuration);
                final SignedLoad load = sign(senders, counts[0] + counts[1], chain, label);
                result = new OpenLoopRun(sender, feed, load, stepRate, counts[0], stepWarmup, stepDuration, grace,
                    stdout, log, "rate=" + number(stepRate) + (attempt == 0 ? "" : "-retry" + attempt), label).paths(paths)
                    .window(maxPendingPerAccount).run();
                final double stepShare = fastShare();
                sustained = result.sustained(maxP99Micros);
                last = result;
                for (final int account : result.troubledSenders())
                {
                    senders.retire(account);
                }
                stdout.printf("%sstep %d%s: p50 %.2f ms  p99 %.2f ms  finalized %.0f tx/s  %s%s%n", label, search.steps() + 1,
                    attempt == 0 ? "" : " retry " + attempt,
                    result.latency().getValueAtPercentile(50) / 1000.0, result.latency().getValueAtPercentile(99) / 1000.0,
                    result.throughput(), result.verdict(maxP99Micros),
                    !sustained && attempt < stepRetries ? " (trying again: one stall fails a short step)" : "");
                stdout.flush();
                final ObjectNode step = steps.addObject();
                step.put("rate_tx_s", stepRate);
                step.put("attempt", attempt + 1);
                putLatencies(step, result.latency());
                step.put("throughput_tx_s", round1(result.throughput()));
                step.put("sent", result.sent());
                step.put("finalized", result.finalized());
                step.put("not_finalized", result.rejected() + result.errors() + result.lost());
                step.put("resent", result.resent());
                step.put("sustained", sustained);
                putShare(step, stepShare);
                lastShare = stepShare;
            }
            if (sustained && (best == null || stepRate > best.rate()))
            {
                best = result;
                bestShare = lastShare;
            }
            if (!sustained && (lowestFailed == null || stepRate < lowestFailed.rate()))
            {
                lowestFailed = result;
            }
            search.report(sustained);
        }
        final RunResult summary = best != null ? best : last;
        if (summary == null)
        {
            throw new IllegalStateException("the search ran no step: " + stopped + " (by the warm-up)");
        }
        final List<PercentilePlot.Curve> curves = new ArrayList<>();
        if (best != null)
        {
            curves.add(new PercentilePlot.Curve("highest sustained: " + legend(best), best.latency()));
        }
        if (lowestFailed != null)
        {
            curves.add(new PercentilePlot.Curve("lowest not sustained: " + legend(lowestFailed), lowestFailed.latency()));
        }
        final ObjectNode extra = MAPPER.createObjectNode();
        extra.put("best_rate_tx_s", search.best());
        extra.put("max_p99_ms", maxP99Ms);
        extra.set("search_steps", steps);
        if (stopped != null)
        {
            extra.put("search_stopped", stopped);
        }
        final String title = String.format("seqnet submit \u2192 finalized, %d member%s: rate search (p99 \u2264 %s ms)",
            memberCount, memberCount == 1 ? "" : "s", number(maxP99Ms));
        if (best == null)
        {
            stderr.printf(stopped != null ? "no step was sustained before the search stopped at %s tx/s; the summary is that step's%n" :
                "no step was sustained down to %s tx/s; the summary is the last step's%n", number(summary.rate()));
            stderr.flush();
        }
        finish(summary, curves, title, extra, best != null ? bestShare : lastShare, outDir);
    }

    /** Writes the plot, percentile table and summary.json, prints the summary, and ends stdout with the JSON line. */
    private void finish(
        final RunResult r,
        final List<PercentilePlot.Curve> curves,
        final String title,
        final ObjectNode extra,
        final double fastShare,
        final Path outDir) throws IOException
    {
        final Path png = outDir.resolve("latency.png");
        final Path hlog = outDir.resolve("latency.hlog");
        final Path percentiles = outDir.resolve("percentiles.txt");
        final Path summaryFile = outDir.resolve("summary.json");
        PercentilePlot.write(png, title, "submit \u2192 finalized", curves);
        try (PrintStream ps = new PrintStream(Files.newOutputStream(percentiles), false, StandardCharsets.UTF_8))
        {
            ps.println("# submit -> finalized latency (ms), from each transaction's scheduled send time; " + number(r.rate()) + " tx/s");
            r.latency().outputPercentileDistribution(ps, 5, 1000.0);
        }

        final Histogram h = r.latency();
        final ObjectNode json = MAPPER.createObjectNode();
        putLatencies(json, h);
        json.put("mean_us", Math.round(h.getMean()));
        json.put("throughput_tx_s", round1(r.throughput()));
        json.put("sent", r.sent());
        json.put("finalized", r.finalized());
        json.put("rejected", r.rejected());
        json.put("failed", r.errors());
        json.put("lost", r.lost());
        json.put("resent", r.resent());
        final ObjectNode reasons = json.putObject("resent_reasons");
        r.resentReasons().forEach(reasons::put);
        json.put("rate_tx_s", extra != null ? extra.get("best_rate_tx_s").asDouble() : r.rate());
        json.put("nodes", memberCount);
        json.put("ingress", ingress);
        json.put("finality", finalityName);
        putShare(json, fastShare);
        if (memberCount == 1)
        {
            json.put("fast_path_note", FAST_PATH_NOTE);
        }
        else if (paths != null && extra == null)
        {
            json.put("fast_path_blocks", paths.fast());
            json.put("slow_path_blocks", paths.slow());
            json.put("indirect_blocks", paths.indirect());
            json.put("view_timeouts", paths.timeouts());
            json.put("views_nullified", paths.nullified());
            if (paths.blocks() > 0)
            {
                json.put("sig_checks_per_block", Math.round(100.0 * paths.signaturesChecked() / paths.blocks()) / 100.0);
                json.put("sig_skipped_per_block", Math.round(100.0 * paths.signaturesSkipped() / paths.blocks()) / 100.0);
            }
        }
        json.put("duration_s", r.durationSeconds());
        json.put("warmup_s", r.warmupSeconds());
        if (warmupRate != null && rate > 0 && warmupRate != rate)
        {
            json.put("warmup_rate_tx_s", warmupRate);
            json.put("warmup_at_warmup_rate_s", warmup);
        }
        json.put("warmup_sent", r.warmupSent());
        json.put("backlog_at_measure_start", r.backlog());
        json.put("send_lag_p99_us", r.sendLag().getValueAtPercentile(99));
        json.put("latency_from", "scheduled_send_time");
        json.put("target", targetDescription);
        if (extra != null)
        {
            json.setAll(extra);
        }
        if (leaderKill != null)
        {
            json.set("leader_kill", leaderKill.json());
        }
        json.put("hlog", hlog.toString());
        json.put("png", png.toString());
        json.put("percentiles", percentiles.toString());
        json.put("summary", summaryFile.toString());
        Files.writeString(summaryFile, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");

        for (final String message : r.rejections())
        {
            stderr.println("not accepted: " + message);
        }
        if (r.warmupTooShort())
        {
            stderr.printf("warning: %d warm-up transactions were still unfinalized when measuring began: the warm-up was " +
                "too short for this rate (a cold JIT, or CPU taken by other processes) and the figures include the catch-up; use a longer --warmup%n", r.backlog());
        }
        stderr.flush();
        stdout.printf("%n%s tx/s offered for %s s after %s s warm-up, %d member%s; latency = block arrival \u2212 SCHEDULED send time " +
            "(corrected for coordinated omission)%n", number(r.rate()), number(r.durationSeconds()), number(r.warmupSeconds()),
            memberCount, memberCount == 1 ? "" : "s");
        stdout.printf("  sent %d  finalized %d  rejected %d  failed %d  lost %d  resent %d  throughput %.1f tx/s finalized%n",
            r.sent(), r.finalized(), r.rejected(), r.errors(), r.lost(), r.resent(), r.throughput());
        stdout.printf("  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s   (generator send lag p99 %s)%n",
            ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
            ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), ms(r.sendLag().getValueAtPercentile(99)));
        stdout.printf("  fast-path share: %s%n", memberCount == 1 ? "n/a (" + FAST_PATH_NOTE + ")" : shareText(fastShare, extra == null));
        if (json.has("sig_checks_per_block"))
        {
            stdout.printf("  peer signatures per finalized block at member 0: %.2f checked, %.2f skipped (checked before or its own)%n",
                json.get("sig_checks_per_block").asDouble(), json.get("sig_skipped_per_block").asDouble());
        }
        if (leaderKill != null)
        {
            final ObjectNode k = (ObjectNode)json.get("leader_kill");
            stdout.printf("  leader kill: %s%n", k.has("error") ? k.get("error").asText() : String.format(
                "member %d; longest gap between finalized blocks after it %.2f ms (before it %.2f ms), bound 2 x view timeout = %d ms: %s",
                k.get("member").asInt(), k.get("max_gap_after_ms").asDouble(), k.get("max_gap_before_ms").asDouble(),
                k.get("bound_ms").asLong(), k.get("within_bound").asBoolean() ? "within" : "EXCEEDED"));
        }
        stdout.printf("  histogram log %s%n  plot          %s%n  percentiles   %s%n  summary       %s%n", hlog, png, percentiles, summaryFile);
        stdout.println(json.toString());
        stdout.flush();
    }

    /** The fast-path share of the last run's measured window, as member 0 counted it (NaN if none). */
    private double fastShare()
    {
        if (paths == null)
        {
            return Double.NaN;
        }
        if (paths.failure() != null)
        {
            stderr.println("fast-path share unavailable: " + paths.failure());
            stderr.flush();
        }
        return paths.fastShare();
    }

    private String shareText(final double share, final boolean withCounts)
    {
        if (Double.isNaN(share))
        {
            return "unknown (no block counted by member 0's seq_status)";
        }
        return withCounts ? String.format(
            "%.1f %%  (%d fast, %d slow, %d indirect blocks in the measured window, as member 0 counted them; " +
                "%d view timeouts, %d views nullified)",
            share * 100, paths.fast(), paths.slow(), paths.indirect(), paths.timeouts(), paths.nullified()) : String.format("%.1f %%", share * 100);
    }

    private static void putShare(final ObjectNode node, final double share)
    {
        if (Double.isNaN(share))
        {
            node.putNull("fast_path_share");
        }
        else
        {
            node.put("fast_path_share", Math.round(share * 1000) / 1000.0);
        }
    }

    private static void putLatencies(final ObjectNode node, final Histogram h)
    {
        node.put("p50_us", h.getValueAtPercentile(50));
        node.put("p90_us", h.getValueAtPercentile(90));
        node.put("p99_us", h.getValueAtPercentile(99));
        node.put("p999_us", h.getValueAtPercentile(99.9));
        node.put("max_us", h.getMaxValue());
    }

    private static String legend(final RunResult r)
    {
        final Histogram h = r.latency();
        return String.format("%s tx/s: p50 %.2f, p99 %.2f, p99.9 %.2f, max %.2f ms", number(r.rate()),
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
            h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
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
