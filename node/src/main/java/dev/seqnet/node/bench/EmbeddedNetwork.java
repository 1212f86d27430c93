package dev.seqnet.node.bench;

import dev.seqnet.node.cli.MemberProcesses;
import dev.seqnet.node.cli.TestnetLayout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.seqnet.node.config.NodeConfig;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code --nodes} target: a fresh network in a temporary directory whose genesis funds the bench
 * accounts, each member started as its own OS process (as {@code sequencer testnet} does) with RPC on
 * a free loopback port. A separate process keeps the load generator's threads, allocation and
 * GC out of the member's JVM, so the figures are what an outside client of a real member sees.
 * {@link #close()} stops the members and deletes the directory.
 */
final class EmbeddedNetwork implements AutoCloseable
{
    /** Every bench account starts with 1,000,000 ETH. */
    static final BigInteger BALANCE = new BigInteger("1000000000000000000000000");

    private static final String RPC_LINE = "rpc http://";
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Lines of a member's log quoted when it exits before serving. */
    private static final int LOG_TAIL_LINES = 30;

    private final Path dir;
    private final List<Process> members = new ArrayList<>();
    private final List<String> rpcUrls = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final List<Path> configs = new ArrayList<>();
    private final List<String> ingressEndpoints = new ArrayList<>();
    private final List<Integer> ingressPorts = new ArrayList<>();

    private EmbeddedNetwork(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * Lays out ({@link TestnetLayout#create}, as {@code sequencer testnet} does) and starts {@code nodes}
     * members; with more than one they reach each other over Aeron UDP multicast on loopback.
     *
     * @param logDir        where each member's output goes, as {@code member-I.log}.
     * @param clientIngress give each member a binary client ingress on a free loopback UDP port ({@link #ingressEndpoints}).
     */
    static EmbeddedNetwork start(
        final int nodes, final long chainId, final BenchAccounts accounts, final List<String> settings, final Path logDir,
        final boolean clientIngress)
        throws IOException, InterruptedException
    {
        final EmbeddedNetwork network = new EmbeddedNetwork(Files.createTempDirectory("seqnet-bench-"));
        try
        {
            final List<String> fund = new ArrayList<>(accounts.size());
            final String wei = "0x" + BALANCE.toString(16);
            for (int i = 0; i < accounts.size(); i++)
            {
                fund.add(accounts.address(i).toHex() + "=" + wei);
            }
            // The ingress ports are held open while the layout picks its transport ports, so that the two sets
            // cannot overlap (a port just released by one pick can be handed out again by the next).
            final java.net.DatagramSocket[] held = clientIngress ?
                dev.seqnet.transport.LoopbackPorts.holdUdpPorts(nodes) : new java.net.DatagramSocket[0];
            final List<Path> configs;
            try
            {
                configs = TestnetLayout.create(network.dir.resolve("net"), nodes, chainId, fund, 0);
            }
            finally
            {
                for (final java.net.DatagramSocket socket : held)
                {
                    network.ingressPorts.add(socket.getLocalPort());
                    socket.close();
                }
            }
            for (final Path config : configs)
            {
                applySettings(config, settings);
            }
            if (clientIngress)
            {
                for (int i = 0; i < nodes; i++)
                {
                    final String endpoint = "127.0.0.1:" + network.ingressPorts.get(i);
                    applySettings(configs.get(i), List.of("client_ingress.channel=aeron:udp?endpoint=" + endpoint));
                    network.ingressEndpoints.add(endpoint);
                }
            }
            for (int i = 0; i < nodes; i++)
            {
                network.startMember(configs.get(i), logDir.resolve("member-" + i + ".log"));
            }
        }
        catch (final IOException | InterruptedException | RuntimeException e)
        {
            network.close();
            throw e;
        }
        return network;
    }

    /**
     * Overrides node.json values given as {@code section.key=value} (snake_case, as in the file; a value that
     * parses as JSON is taken as such, otherwise as a string), then checks the result loads and validates.
     *
     * @throws IllegalArgumentException naming the setting that is malformed or unknown.
     */
    static void applySettings(final Path config, final List<String> settings) throws IOException
    {
        if (settings.isEmpty())
        {
            return;
        }
        final ObjectMapper mapper = NodeConfig.mapper();
        final ObjectNode root = (ObjectNode)mapper.readTree(config.toFile());
        for (final String setting : settings)
        {
            final int eq = setting.indexOf('=');
            final String path = eq < 0 ? "" : setting.substring(0, eq);
            final String[] keys = path.split("\\.");
            if (eq < 0 || keys.length != 2 || keys[0].isEmpty() || keys[1].isEmpty())
            {
                throw new IllegalArgumentException("--member-setting takes SECTION.KEY=VALUE, got " + setting);
            }
            final JsonNode section = root.get(keys[0]);
            if (!(section instanceof ObjectNode) || !section.has(keys[1]))
            {
                throw new IllegalArgumentException("--member-setting " + setting + ": node.json has no " + path);
            }
            final String text = setting.substring(eq + 1);
            JsonNode value;
            try
            {
                value = mapper.readTree(text);
            }
            catch (final IOException notJson)
            {
                value = null;
            }
            ((ObjectNode)section).set(keys[1], value == null || value.isMissingNode() ? TextNode.valueOf(text) : value);
        }
        mapper.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), root);
        NodeConfig.load(config).validate();
    }

    private void startMember(final Path config, final Path log) throws IOException, InterruptedException
    {
        Files.deleteIfExists(log);
        configs.add(config);
        final Process process = MemberProcesses.start(config, log, "--status-interval", "0");
        members.add(process);
        logs.add(log);
        rpcUrls.add(awaitRpcUrl(process, log));
    }

    /** Waits for the member's {@code rpc http://host:port} line: with port 0 only the member knows its port. */
    private static String awaitRpcUrl(final Process process, final Path log) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline)
        {
            if (Files.exists(log))
            {
                for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8))
                {
                    if (line.startsWith(RPC_LINE))
                    {
                        return line.substring("rpc ".length()).split("\\s+")[0];
                    }
                }
            }
            if (!process.isAlive())
            {
                // The log may be in a directory that is deleted with the run: say why here.
                throw new IOException("member exited with " + process.exitValue() + " before serving; see " + log +
                    ", which ends:\n" + tail(log, LOG_TAIL_LINES));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IOException("member did not start serving within 60 s; see " + log);
    }

    /** The last {@code lines} lines of {@code log}, or a note that it cannot be read. */
    static String tail(final Path log, final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException | RuntimeException e)
        {
            return "(unreadable: " + e + ")";
        }
    }

    List<String> rpcUrls()
    {
        return rpcUrls;
    }

    /** Each member's binary client ingress {@code host:port}, when started with one. */
    List<String> ingressEndpoints()
    {
        return ingressEndpoints;
    }

    /** The member's node.json. */
    Path config(final int member)
    {
        return configs.get(member);
    }

    /** SIGKILLs the member, waits for it to be gone, and deletes the media-driver directory it could not. */
    void kill(final int member) throws InterruptedException
    {
        final Process process = members.get(member);
        process.destroyForcibly();
        process.waitFor();
        MemberProcesses.deleteAeronDirectory(configs.get(member));
    }

    long pid(final int member)
    {
        return members.get(member).pid();
    }

    Path log(final int member)
    {
        return logs.get(member);
    }

    /**
     * Copies each member's {@code consensus.trace_file}, if it wrote one inside the network's temporary
     * directory, next to its log as {@code member-I.trace.log}, before the directory is deleted.
     */
    private void keepTraces()
    {
        for (int i = 0; i < configs.size() && i < logs.size(); i++)
        {
            try
            {
                final NodeConfig c = NodeConfig.load(configs.get(i));
                if (c.consensus.traceFile != null)
                {
                    final Path trace = c.resolve(c.consensus.traceFile);
                    if (Files.exists(trace) && trace.startsWith(dir))
                    {
                        Files.copy(trace, logs.get(i).resolveSibling("member-" + i + ".trace.log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            catch (final IOException | RuntimeException e)
            {
                System.err.println("could not keep member " + i + "'s trace: " + e);
            }
        }
    }

    /** Stops every member (SIGTERM, then SIGKILL after 10 s) and deletes the network's directory. */
    @Override
    public synchronized void close()
    {
        dev.seqnet.bench.LocalProcesses.stopAll(members);
        members.clear();
        // A member stopped by SIGKILL (killed on purpose, or past the 10 s grace) left its driver directory.
        configs.forEach(MemberProcesses::deleteAeronDirectory);
        keepTraces();
        if (Files.exists(dir))
        {
            try (Stream<Path> paths = Files.walk(dir))
            {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            catch (final IOException ignore)
            {
                // a temporary directory: the OS cleans it eventually
            }
        }
    }
}
