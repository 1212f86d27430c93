package dev.seqnet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.NodeConfig;
import dev.seqnet.node.core.JournalScanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four member processes on loopback under load: the current leader is killed with SIGKILL, the
 * others keep finalizing, the killed member restarts from its journal and catches up. Every
 * acknowledged transaction ends up finalized exactly once and every member holds the same chain.
 */
class LeaderKillTest
{
    private static final long CHAIN_ID = 5115;
    private static final Address SINK = Address.fromHex("0x000000000000000000000000000000000000dEaD");

    @TempDir
    Path dir;

    private final Process[] members = new Process[4];
    private List<Path> configs;
    private RpcClient[] clients;

    @AfterEach
    void stop()
    {
        final List<Process> running = new ArrayList<>();
        for (final Process p : members)
        {
            if (p != null)
            {
                running.add(p);
            }
        }
        dev.seqnet.bench.LocalProcesses.stopAll(running);
    }

    @Test
    void killedLeaderIsRoutedAroundThenRestartsAndCatchesUp() throws Exception
    {
        configs = TestnetLayout.create(dir, 4, CHAIN_ID, List.of(), 0);
        clients = new RpcClient[4];
        for (int i = 0; i < 4; i++)
        {
            members[i] = start(i);
            clients[i] = new RpcClient(TestnetLayout.rpcUrl(configs.get(i)));
        }
        for (int i = 0; i < 4; i++)
        {
            awaitUp(i);
        }
        final Load load = new Load();
        load.run(3_000);

        final int victim = clients[0].call("seq_status").get("leader").asInt();
        final long before = height(clients[(victim + 1) % 4]);
        members[victim].destroyForcibly(); // SIGKILL
        members[victim].waitFor();
        load.down = victim;
        load.run(3_000);
        final long during = height(clients[(victim + 1) % 4]);
        assertTrue(during > before + 5, "finalizing without member " + victim + ": " + before + " -> " + during);

        members[victim] = start(victim);
        awaitUp(victim);
        load.down = -1;
        load.run(3_000);

        // Every member finalizes every acknowledged transaction: each account's latest nonce reaches
        // the number of its acknowledged transfers everywhere.
        final long deadline = System.nanoTime() + 30_000_000_000L;
        boolean done = false;
        while (!done && System.nanoTime() < deadline)
        {
            done = true;
            for (int i = 0; i < 4 && done; i++)
            {
                for (int a = 0; a < DevAccounts.COUNT && done; a++)
                {
                    done = latestNonce(clients[i], a) >= load.nonces[a];
                }
            }
            Thread.sleep(100);
        }
        long target = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++)
        {
            target = Math.min(target, height(clients[i]));
            // Honest members send nothing a peer's inbound checks would refuse.
            final JsonNode counters = clients[i].call("seq_status").get("counters");
            for (final String drop : List.of("drop.malformed", "drop.oversize", "drop.nonMember", "drop.badSignature", "tx.invalidFromPeer"))
            {
                assertEquals(0, counters.get(drop).asLong(), "member " + i + " " + drop + ": " + counters);
            }
        }
        stop();

        final List<Map<Long, String>> chains = new ArrayList<>();
        final Map<String, Integer> included = new HashMap<>();
        for (int i = 0; i < 4; i++)
        {
            final Map<Long, String> chain = new TreeMap<>();
            final boolean count = i == (victim + 1) % 4;
            scan(configs.get(i), (index, block) ->
            {
                chain.put(block.height(), Hex.encode(block.hash()));
                if (count)
                {
                    for (int t = 0; t < block.txCount(); t++)
                    {
                        included.merge(Hex.encode(Keccak256.hash(block.rawTx(t))), 1, Integer::sum);
                    }
                }
            });
            chains.add(chain);
        }
        for (int i = 0; i < 4; i++)
        {
            assertTrue(chains.get(i).size() >= target, "member " + i + " holds " + chains.get(i).size() + " of " + target);
            for (final Map.Entry<Long, String> e : chains.get(i).entrySet())
            {
                for (int j = 0; j < 4; j++)
                {
                    final String other = chains.get(j).get(e.getKey());
                    if (other != null)
                    {
                        assertEquals(e.getValue(), other, "members " + i + "/" + j + " at height " + e.getKey());
                    }
                }
            }
        }
        assertTrue(load.acked.size() > 100, "acknowledged " + load.acked.size());
        for (final String hash : load.acked)
        {
            assertEquals(1, included.getOrDefault(hash, 0), "acknowledged " + hash + " finalized exactly once");
        }
    }

    private Process start(final int i) throws IOException
    {
        return MemberProcesses.start(configs.get(i), configs.get(i).getParent().resolve("member.log"));
    }

    private void awaitUp(final int i) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (true)
        {
            try
            {
                clients[i].call("seq_status");
                return;
            }
            catch (final IOException e)
            {
                if (System.nanoTime() > deadline || !members[i].isAlive())
                {
                    throw new AssertionError("member " + i + " did not come up", e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static long latestNonce(final RpcClient client, final int account)
    {
        try
        {
            return Hex.parseQuantity(client.call("eth_getTransactionCount", DevAccounts.address(account).toHex(), "latest")
                .asText()).longValue();
        }
        catch (final Exception e)
        {
            return -1;
        }
    }

    private static long height(final RpcClient client)
    {
        try
        {
            return client.call("seq_status").get("finalizedHeight").asLong();
        }
        catch (final Exception e)
        {
            return -1;
        }
    }

    private static void scan(final Path config, final JournalScanner.Visitor visitor) throws Exception
    {
        final NodeConfig c = NodeConfig.load(config);
        try (Journal journal = Journal.open(new Journal.Context().dir(c.dataPath().resolve("journal")));
             JournalReader reader = journal.newReader())
        {
            new JournalScanner().scan(reader, visitor);
        }
    }

    /** Signed transfers from the dev accounts; account a always goes to member a % 4. */
    private final class Load
    {
        final Set<String> acked = new HashSet<>();
        final long[] nonces = new long[DevAccounts.COUNT];
        final byte[][] pending = new byte[DevAccounts.COUNT][];
        volatile int down = -1;

        void run(final long millis) throws Exception
        {
            final long end = System.nanoTime() + millis * 1_000_000L;
            int a = 0;
            while (System.nanoTime() < end)
            {
                final int account = a++ % DevAccounts.COUNT;
                final int member = account % 4;
                if (member == down)
                {
                    continue;
                }
                if (pending[account] == null)
                {
                    pending[account] = TxSigner.signDynamicFee(CHAIN_ID, nonces[account], 1_000_000L, 2_000_000_000L, 21_000,
                        SINK, BigInteger.ONE, new byte[0], DevAccounts.privateKey(account));
                }
                final byte[] raw = pending[account];
                final String hash = Hex.encode(Keccak256.hash(raw));
                try
                {
                    final JsonNode reply = clients[member].call("eth_sendRawTransaction", Hex.encode(raw));
                    if (reply.asText().equalsIgnoreCase(hash))
                    {
                        acked.add(hash);
                        nonces[account]++;
                        pending[account] = null;
                    }
                }
                catch (final IOException e)
                {
                    // The member may have admitted it before dying: the same bytes are sent again later
                    // (an "already known" answer is an error, so it is only counted once it is acked).
                    if (e.getMessage() != null && (e.getMessage().contains("already known") || e.getMessage().contains("nonce too low")))
                    {
                        acked.add(hash);
                        nonces[account]++;
                        pending[account] = null;
                    }
                }
                Thread.sleep(10);
            }
        }
    }
}
