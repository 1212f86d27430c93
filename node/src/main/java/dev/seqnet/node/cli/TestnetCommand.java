package dev.seqnet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;
import dev.seqnet.node.config.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code sequencer testnet}: writes keys, a genesis (dev accounts funded) and per-member configs,
 * starts every member as its own OS process on loopback, writes {@code testnet.json}, and prints
 * finalized blocks as a WebSocket subscriber sees them, with submit→finalized latency of the
 * optional {@code --load} transactions. Re-running on an existing directory restarts the same network.
 */
@Command(name = "testnet", description = "Start a local network on loopback, each member its own process.")
public final class TestnetCommand implements Callable<Integer>
{
    @Option(names = "--nodes", defaultValue = "1", description = "Members (default 1).")
    int nodes;

    @Option(names = "--dir", required = true, description = "Directory for keys, genesis, member dirs, journals.")
    Path dir;

    @Option(names = "--chain-id", defaultValue = "5115", description = "Chain id (default ${DEFAULT-VALUE}, Citrea testnet).")
    long chainId;

    @Option(names = "--fund", description = "Extra genesis allocation ADDRESS=WEI (repeatable).")
    List<String> fund = new ArrayList<>();

    @Option(names = "--base-port", defaultValue = "8545", description = "RPC port of member 0; member i uses base + i.")
    int basePort;

    @Option(names = "--load", defaultValue = "0", description = "Send this many transfers per second from the dev accounts.")
    int load;

    @Option(names = "--duration", defaultValue = "0", description = "Stop after this many seconds (0: until Ctrl-C).")
    int duration;

    @Option(names = "--quiet-empty", description = "Do not print empty blocks.")
    boolean quietEmpty;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<String, Long> submitted = new ConcurrentHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        if (nodes < 1)
        {
            System.err.println("error: --nodes must be at least 1");
            return 2;
        }
        if (nodes > 1)
        {
            System.err.println("error: --nodes " + nodes + ": multi-member networks need the BFT consensus " +
                "(consensus-fastpath), which is not built yet; run --nodes 1");
            return 2;
        }
        final List<Path> configs = layout();
        final ArrayNode members = MAPPER.createArrayNode();
        final CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            stopMembers();
            done.countDown();
        }, "seqnet-testnet-shutdown"));

        for (int i = 0; i < nodes; i++)
        {
            final Process p = MemberProcesses.start(configs.get(i), configs.get(i).getParent().resolve("member.log"));
            processes.add(p);
            final ObjectNode m = members.addObject();
            m.put("index", i);
            m.put("rpc", "http://127.0.0.1:" + (basePort + i));
            m.put("pid", p.pid());
            m.put("config", configs.get(i).toAbsolutePath().toString());
        }
        final ObjectNode testnet = MAPPER.createObjectNode();
        testnet.set("members", members);
        Files.writeString(dir.resolve("testnet.json"), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(testnet));

        for (int i = 0; i < nodes; i++)
        {
            final String url = "http://127.0.0.1:" + (basePort + i);
            awaitRpc(url, processes.get(i), configs.get(i).getParent().resolve("member.log"));
            System.out.println("member " + i + " rpc " + url + "  pid " + processes.get(i).pid() +
                "  log " + configs.get(i).getParent().resolve("member.log"));
        }
        System.out.println("testnet.json " + dir.resolve("testnet.json").toAbsolutePath());
        System.out.flush();

        final WebSocket ws = subscribe("ws://127.0.0.1:" + basePort + "/");
        Thread loader = null;
        if (load > 0)
        {
            loader = new Thread(this::generateLoad, "seqnet-testnet-load");
            loader.setDaemon(true);
            loader.start();
        }
        if (duration > 0)
        {
            done.await(duration, TimeUnit.SECONDS);
        }
        else
        {
            done.await();
        }
        ws.abort();
        stopMembers();
        return 0;
    }

    /** Creates (or reuses) the keys, genesis and member configs; returns each member's node.json. */
    private List<Path> layout() throws IOException
    {
        final Path genesisPath = dir.resolve("genesis.json");
        final List<Path> configs = new ArrayList<>();
        if (Files.exists(genesisPath))
        {
            final Genesis existing = Genesis.load(genesisPath);
            if (existing.members.size() != nodes)
            {
                throw new IllegalArgumentException(dir + " holds a " + existing.members.size() +
                    "-member testnet; use another --dir for " + nodes);
            }
            for (int i = 0; i < nodes; i++)
            {
                configs.add(dir.resolve("member-" + i).resolve("node.json"));
            }
            System.out.println("restarting the testnet in " + dir.toAbsolutePath());
            return configs;
        }
        Files.createDirectories(dir);
        final List<KeyFile> keys = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            keys.add(KeyFile.generate());
        }
        final Genesis genesis = Testnets.genesis(chainId, keys, fund);
        genesis.save(genesisPath);
        for (int i = 0; i < nodes; i++)
        {
            final Path memberDir = dir.resolve("member-" + i);
            keys.get(i).save(memberDir.resolve("key.json"));
            final NodeConfig config = new NodeConfig();
            config.genesisFile = "../genesis.json";
            config.rpc.port = basePort + i;
            config.save(memberDir.resolve("node.json"));
            configs.add(memberDir.resolve("node.json"));
        }
        System.out.println("created a " + nodes + "-member testnet in " + dir.toAbsolutePath() + " (chain id " + chainId + ")");
        return configs;
    }

    private static void awaitRpc(final String url, final Process process, final Path log) throws Exception
    {
        final RpcClient client = new RpcClient(url);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("member exited with " + process.exitValue() + "; see " + log);
            }
            try
            {
                client.call("eth_chainId");
                return;
            }
            catch (final IOException e)
            {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("member at " + url + " did not answer within 60 s; see " + log);
    }

    private WebSocket subscribe(final String url) throws Exception
    {
        final WebSocket ws = new RpcClient("http://127.0.0.1:" + basePort).http().newWebSocketBuilder()
            .buildAsync(URI.create(url), new WebSocket.Listener()
            {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
                {
                    text.append(data);
                    if (last)
                    {
                        onMessage(text.toString());
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"citrea_subscribe\",\"params\":[\"newL2Blocks\"]}", true);
        return ws;
    }

    private void onMessage(final String message)
    {
        try
        {
            final JsonNode root = MAPPER.readTree(message);
            final JsonNode block = root.path("params").path("result");
            if (block.isMissingNode())
            {
                return;
            }
            final long now = System.nanoTime();
            final JsonNode txs = block.path("txs");
            long maxLatency = -1;
            for (final JsonNode tx : txs)
            {
                final String hash = Hex.encode(Keccak256.hash(Hex.decode(tx.asText())));
                final Long start = submitted.remove(hash);
                if (start != null)
                {
                    maxLatency = Math.max(maxLatency, now - start);
                }
            }
            if (txs.size() == 0 && quietEmpty)
            {
                return;
            }
            final JsonNode header = block.path("header");
            System.out.printf("finalized block %-6d txs %-4d hash %s…%s%n",
                Hex.parseQuantity(header.path("height").asText()), txs.size(), header.path("hash").asText().substring(0, 16),
                maxLatency < 0 ? "" : String.format("  submit→finalized ≤ %.2f ms", maxLatency / 1e6));
            System.out.flush();
        }
        catch (final Exception e)
        {
            System.err.println("bad notification: " + e);
        }
    }

    /** Transfers at {@code --load} per second, round-robin over the dev accounts, nonces tracked locally. */
    private void generateLoad()
    {
        try
        {
            final RpcClient client = new RpcClient("http://127.0.0.1:" + basePort);
            final long[] nonces = new long[DevAccounts.COUNT];
            final byte[][] keys = new byte[DevAccounts.COUNT][];
            for (int i = 0; i < DevAccounts.COUNT; i++)
            {
                keys[i] = DevAccounts.privateKey(i);
                nonces[i] = Hex.parseQuantity(
                    client.call("eth_getTransactionCount", DevAccounts.address(i).toHex(), "pending").asText()).longValue();
            }
            final Address sink = Address.fromHex("0x000000000000000000000000000000000000dEaD");
            final long intervalNanos = 1_000_000_000L / load;
            long next = System.nanoTime();
            for (long n = 0; !Thread.currentThread().isInterrupted(); n++)
            {
                final int a = (int)(n % DevAccounts.COUNT);
                final byte[] raw = TxSigner.signDynamicFee(chainId, nonces[a]++, 1_000_000L, 2_000_000_000L, 21_000,
                    sink, BigInteger.valueOf(1_000_000_000_000L), new byte[0], keys[a]);
                final String hash = Hex.encode(Keccak256.hash(raw));
                submitted.put(hash, System.nanoTime());
                client.send(client.request("eth_sendRawTransaction", Hex.encode(raw))).thenAccept(body ->
                {
                    if (body.contains("\"error\""))
                    {
                        submitted.remove(hash);
                        System.err.println("rejected: " + body);
                    }
                });
                next += intervalNanos;
                final long sleep = next - System.nanoTime();
                if (sleep > 0)
                {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        }
        catch (final InterruptedException ignore)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception e)
        {
            System.err.println("load generator stopped: " + e);
        }
    }

    private synchronized void stopMembers()
    {
        MemberProcesses.stopAll(processes);
        processes.clear();
    }
}
