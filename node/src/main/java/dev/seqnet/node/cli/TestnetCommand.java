package dev.seqnet.node.cli;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.node.bench.BlockSubscriber;
import dev.seqnet.node.config.DevAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code sequencer testnet}: writes keys, a genesis with N equal-stake members (dev accounts funded)
 * and per-member configs on free loopback ports, starts every member as its own OS process, writes
 * {@code testnet.json}, and prints finalized blocks as a WebSocket subscriber of member 0 sees them,
 * with submit→finalized latency of the optional {@code --load} transactions. Re-running on an
 * existing directory restarts the same network.
 */
@Command(name = "testnet", description = "Start a local network on loopback, each member its own process.")
public final class TestnetCommand implements Callable<Integer>
{
    @Option(names = "--nodes", defaultValue = "1", description = "Members, 1 to 16 (default 1).")
    int nodes;

    @Option(names = "--dir", required = true, description = "Directory for keys, genesis, member dirs, journals.")
    Path dir;

    @Option(names = "--chain-id", defaultValue = "5115", description = "Chain id (default ${DEFAULT-VALUE}, Citrea testnet).")
    long chainId;

    @Option(names = "--fund", description = "Extra genesis allocation ADDRESS=WEI (repeatable).")
    List<String> fund = new ArrayList<>();

    @Option(names = "--base-port", defaultValue = "0",
        description = "RPC port of member 0, member i uses base + i (default 0: free ports). Only for a new network.")
    int basePort;

    @Option(names = "--load", defaultValue = "0", description = "Send this many transfers per second from the dev accounts.")
    int load;

    @Option(names = "--duration", defaultValue = "0", description = "Stop after this many seconds (0: until Ctrl-C).")
    int duration;

    @Option(names = "--quiet-empty", description = "Do not print empty blocks.")
    boolean quietEmpty;

    private final Map<String, Long> submitted = new ConcurrentHashMap<>();
    private final List<Process> processes = new ArrayList<>();
    /** Latest submit→finalized of the block being received; only the subscriber's thread touches it. */
    private long blockMaxLatency = -1;

    @Override
    public Integer call() throws Exception
    {
        final String bad = TestnetLayout.checkNodes(nodes);
        if (bad != null)
        {
            System.err.println("error: " + bad);
            return 2;
        }
        final List<Path> configs = layout();
        final CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            stopMembers();
            done.countDown();
        }, "seqnet-testnet-shutdown"));

        final List<TestnetLayout.Entry> entries = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            final Process p = MemberProcesses.start(configs.get(i), log(configs.get(i)));
            processes.add(p);
            entries.add(new TestnetLayout.Entry(i, TestnetLayout.rpcUrl(configs.get(i)), p.pid(), configs.get(i)));
        }
        TestnetLayout.writeTestnetJson(dir, entries);

        try
        {
            for (final TestnetLayout.Entry e : entries)
            {
                awaitRpc(e, processes.get(e.index()), log(e.config()));
                System.out.println("member " + e.index() + " rpc " + e.rpc() + "  pid " + e.pid() + "  log " + log(e.config()));
            }
        }
        catch (final IllegalStateException e)
        {
            stopMembers();
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        System.out.println("testnet.json " + TestnetLayout.testnetJson(dir).toAbsolutePath());
        System.out.flush();

        final String rpc0 = entries.get(0).rpc();
        try (BlockSubscriber subscriber = BlockSubscriber.connect(rpc0))
        {
            subscriber.listener(this::onFinalizedTx);
            subscriber.blockListener(this::onBlock);
            if (load > 0)
            {
                final Thread loader = new Thread(() -> generateLoad(rpc0), "seqnet-testnet-load");
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
        }
        stopMembers();
        return 0;
    }

    /** Creates the keys, genesis and member configs, or reuses the ones in {@code --dir}. */
    private List<Path> layout() throws IOException
    {
        if (Files.exists(TestnetLayout.genesisPath(dir)))
        {
            final List<Path> configs = TestnetLayout.existing(dir, nodes);
            System.out.println("restarting the testnet in " + dir.toAbsolutePath());
            return configs;
        }
        final List<Path> configs = TestnetLayout.create(dir, nodes, chainId, fund, basePort);
        System.out.println("created a " + nodes + "-member testnet in " + dir.toAbsolutePath() + " (chain id " + chainId + ")");
        return configs;
    }

    private static Path log(final Path config)
    {
        return config.getParent().resolve("member.log");
    }

    private static void awaitRpc(final TestnetLayout.Entry member, final Process process, final Path log) throws Exception
    {
        final RpcClient client = new RpcClient(member.rpc());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("member " + member.index() + " exited with " + process.exitValue() +
                    lastLine(log) + "; see " + log);
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
        throw new IllegalStateException("member " + member.index() + " at " + member.rpc() +
            " did not answer within 60 s; see " + log);
    }

    /** ": <the log's last line>", or nothing when the log is empty or unreadable. */
    private static String lastLine(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--)
            {
                if (!lines.get(i).isBlank())
                {
                    return ": " + lines.get(i).trim();
                }
            }
        }
        catch (final IOException ignore)
        {
            // the hint is optional
        }
        return "";
    }

    private void onFinalizedTx(final String hashHex, final long arrivedNanos)
    {
        final Long start = submitted.remove(hashHex);
        if (start != null)
        {
            blockMaxLatency = Math.max(blockMaxLatency, arrivedNanos - start);
        }
    }

    private void onBlock(final long height, final String hashHex, final int txCount, final long arrivedNanos)
    {
        final long latency = blockMaxLatency;
        blockMaxLatency = -1;
        if (txCount == 0 && quietEmpty)
        {
            return;
        }
        System.out.printf("finalized block %-6d txs %-4d hash %s…%s%n", height, txCount,
            hashHex.substring(0, Math.min(16, hashHex.length())),
            latency < 0 ? "" : String.format("  submit→finalized ≤ %.2f ms", latency / 1e6));
        System.out.flush();
    }

    /**
     * Transfers at {@code --load} per second, round-robin over the dev accounts, nonces tracked locally.
     * A transfer refused as "nonce too high" (its account already has as many waiting as the pool allows,
     * say while a cold network warms up) is sent again in a later slot instead of the next new one:
     * skipping its nonce would leave a gap that holds every later transfer of the account forever.
     */
    private void generateLoad(final String rpcUrl)
    {
        try
        {
            final RpcClient client = new RpcClient(rpcUrl);
            final long[] nonces = new long[DevAccounts.COUNT];
            final byte[][] keys = new byte[DevAccounts.COUNT][];
            for (int i = 0; i < DevAccounts.COUNT; i++)
            {
                keys[i] = DevAccounts.privateKey(i);
                nonces[i] = Hex.parseQuantity(
                    client.call("eth_getTransactionCount", DevAccounts.address(i).toHex(), "pending").asText()).longValue();
            }
            final Address sink = Address.fromHex("0x000000000000000000000000000000000000dEaD");
            final java.util.Queue<byte[]> again = new java.util.concurrent.ConcurrentLinkedQueue<>();
            final long intervalNanos = 1_000_000_000L / load;
            long next = System.nanoTime();
            for (long n = 0; !Thread.currentThread().isInterrupted(); )
            {
                byte[] raw = again.poll();
                if (raw == null)
                {
                    final int a = (int)(n++ % DevAccounts.COUNT);
                    raw = TxSigner.signDynamicFee(chainId, nonces[a]++, 1_000_000L, 2_000_000_000L, 21_000,
                        sink, BigInteger.valueOf(1_000_000_000_000L), new byte[0], keys[a]);
                }
                final byte[] sent = raw;
                final String hash = Hex.encode(Keccak256.hash(raw));
                submitted.putIfAbsent(hash, System.nanoTime());
                client.send(client.request("eth_sendRawTransaction", Hex.encode(raw))).thenAccept(body ->
                {
                    if (body.contains(TxRejection.NONCE_TOO_HIGH.message()))
                    {
                        again.add(sent);
                    }
                    else if (body.contains("\"error\""))
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
        dev.seqnet.bench.LocalProcesses.stopAll(processes);
        processes.clear();
    }
}
