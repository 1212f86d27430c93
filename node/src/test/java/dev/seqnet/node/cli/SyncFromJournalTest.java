package dev.seqnet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.NodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four member processes that hold only 8 blocks in memory ({@code chain.cached_blocks = 8}): three run
 * a chain far longer than that, then the fourth starts with an empty journal and syncs from height 1.
 * Every block and finalization record it is sent below the window came out of its peers' journals;
 * it ends on the same chain, and the old blocks and their transaction are served over RPC by number
 * and hash with their certificates.
 */
class SyncFromJournalTest
{
    private static final long CHAIN_ID = 5115;
    private static final int WINDOW = 8;

    @TempDir
    Path dir;

    private final Process[] members = new Process[4];
    private final RpcClient[] clients = new RpcClient[4];

    @AfterEach
    void stop() throws IOException
    {
        dev.seqnet.bench.LocalProcesses.stopAll(Arrays.stream(members).filter(Objects::nonNull).toList());
        for (int i = 0; i < 4; i++)
        {
            final Path log = TestnetLayout.configPath(dir, i).getParent().resolve("member.log");
            if (Files.exists(log))
            {
                System.out.println("---- member " + i + " log (tail)");
                final List<String> lines = Files.readAllLines(log);
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(System.out::println);
            }
        }
    }

    @Test
    void aMemberStartingEmptySyncsFromHeightOneOutOfItsPeersJournals() throws Exception
    {
        final List<Path> configs = TestnetLayout.create(dir, 4, CHAIN_ID, List.of(), 0);
        for (int i = 0; i < 4; i++)
        {
            final NodeConfig c = NodeConfig.load(configs.get(i));
            c.chain.cachedBlocks = WINDOW;
            c.block.maxIntervalMs = 20; // empty blocks every 20 ms: a long chain in a few seconds
            c.save(configs.get(i));
            clients[i] = new RpcClient(TestnetLayout.rpcUrl(configs.get(i)));
        }
        for (int i = 0; i < 3; i++)
        {
            members[i] = start(configs.get(i));
        }
        final byte[] raw = TxSigner.signDynamicFee(CHAIN_ID, 0, 1_000_000L, 2_000_000_000L, 21_000,
            Address.fromHex("0x000000000000000000000000000000000000dEaD"), BigInteger.ONE, new byte[0], DevAccounts.privateKey(0));
        final String txHash = awaitAnswer(() -> clients[0].call("eth_sendRawTransaction", Hex.encode(raw)).asText());
        final long txHeight = awaitAnswer(() ->
        {
            final JsonNode tx = clients[0].call("eth_getTransactionByHash", txHash);
            return tx.isNull() || tx.get("blockNumber").isNull() ? null : Hex.parseQuantity(tx.get("blockNumber").asText()).longValue();
        });
        final long target = awaitHeight(0, h -> h >= Math.max(60, txHeight + 5 * WINDOW));

        members[3] = start(configs.get(3));
        awaitHeight(3, h -> h >= target);
        // seq_status shows how it got there: everything below the height at which it joined came by block sync.
        final JsonNode host = clients[3].call("seq_status").get("counters");
        for (final String name : List.of("host.sync.requests", "host.sync.blocks", "host.sync.active", "host.deliver.waiting",
            "host.deliver.stalls", "host.blockRequests", "host.txRequests", "host.verify.unavailable",
            "transport.cycles", "transport.cycleP99Us", "transport.cycleMaxEverUs"))
        {
            assertTrue(host.has(name), name + " in " + host);
        }
        assertTrue(host.get("host.sync.requests").asLong() >= 1, host::toString);
        assertTrue(host.get("host.sync.blocks").asLong() >= target - 1, "the " + (target - 1) + " blocks before it joined: " + host);
        assertTrue(clients[3].call("seq_status").get("counters").get("host.sync.blocks").asLong() <=
            Hex.parseQuantity(clients[3].call("eth_blockNumber").asText()).longValue(), "no block is counted twice");
        for (final long h : new long[] {1, 3, txHeight, target - WINDOW - 1})
        {
            final JsonNode synced = clients[3].call("ledger_getL2BlockByNumber", h);
            final JsonNode served = clients[0].call("ledger_getL2BlockByNumber", h);
            // Every header field but the leader's signature must match member 0's. The signature is the one of the
            // peer that served the block, and peers can still hold different ones when two views proposed the same
            // block and a member never received the finalized view's proposal (open, PROTOCOL.md §15).
            final com.fasterxml.jackson.databind.node.ObjectNode servedHeader = served.get("header").deepCopy();
            final com.fasterxml.jackson.databind.node.ObjectNode syncedHeader = synced.get("header").deepCopy();
            final String syncedSignature = syncedHeader.remove("signature").asText();
            servedHeader.remove("signature");
            assertEquals(servedHeader, syncedHeader, "block " + h + " synced from the journal");
            final List<String> peerSignatures = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                peerSignatures.add(clients[i].call("ledger_getL2BlockByNumber", h).get("header").get("signature").asText());
            }
            assertTrue(peerSignatures.contains(syncedSignature),
                "block " + h + ": the synced signature is one a peer serves, copied whole: " + peerSignatures);
            assertFalse(served.get("certificate").isNull(), "block " + h + " at member 0 comes with its certificate");
            assertEquals(h, served.get("certificate").get("height").asLong());
            final String hash = served.get("header").get("hash").asText();
            assertEquals(served, clients[0].call("ledger_getL2BlockByHash", "0x" + hash), "by hash, block " + h);
        }
        for (final RpcClient client : List.of(clients[0], clients[3]))
        {
            final JsonNode tx = client.call("eth_getTransactionByHash", txHash);
            assertEquals(Hex.quantity(txHeight), tx.get("blockNumber").asText());
            assertTrue(client.call("ledger_getL2BlockByNumber", 1_000_000_000L).isNull());
        }
    }

    private Process start(final Path config) throws IOException
    {
        return MemberProcesses.start(config, config.getParent().resolve("member.log"));
    }

    private long awaitHeight(final int member, final LongPredicate reached) throws Exception
    {
        return awaitAnswer(() ->
        {
            final long h = clients[member].call("seq_status").get("finalizedHeight").asLong();
            return reached.test(h) ? h : null;
        });
    }

    private interface Attempt<T>
    {
        T get() throws Exception;
    }

    /** Retries until the attempt answers non-null (members may still be starting), for up to 60 s, while every member started lives. */
    private <T> T awaitAnswer(final Attempt<T> attempt) throws Exception
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        Exception last = null;
        while (System.nanoTime() < deadline)
        {
            for (int i = 0; i < members.length; i++)
            {
                assertFalse(members[i] != null && !members[i].isAlive(), "member " + i + " exited (its log is printed below)");
            }
            try
            {
                final T answer = attempt.get();
                if (answer != null)
                {
                    return answer;
                }
            }
            catch (final IOException e)
            {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no answer within 60 s", last);
    }
}
