package dev.seqnet.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqnet.chain.Hex;
import dev.seqnet.node.cli.RpcClient;
import dev.seqnet.node.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member whose window ({@code chain.cached_blocks = 8}) is far smaller than its chain still serves
 * every block over RPC, by number, by hash and in ranges, with its certificate, and every finalized
 * transaction by hash: old ones from the journal. After a restart the indexes are rebuilt from the
 * journal and answer the same. Unknown heights and hashes answer JSON null.
 */
class ChainHistoryRpcTest
{
    private static final int WINDOW = 8;

    @TempDir
    Path dir;

    private SequencerNode start() throws Exception
    {
        final NodeConfig config = NodeConfig.load(dir.resolve("node.json"));
        config.chain.cachedBlocks = WINDOW;
        return SequencerNode.start(config);
    }

    private static long awaitHeight(final RpcClient rpc, final long height) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long head;
        while ((head = Hex.parseQuantity(rpc.call("eth_blockNumber").asText()).longValue()) < height)
        {
            assertTrue(System.nanoTime() < deadline, "head " + head + " did not reach " + height);
            Thread.sleep(5);
        }
        return head;
    }

    @Test
    void blocksAndTransactionsBelowTheWindowAreServedFromTheJournalBeforeAndAfterARestart() throws Exception
    {
        TestNodes.layout(dir, 10); // an empty block every 10 ms: 50 blocks in about half a second
        final String txHash;
        final long txHeight;
        final JsonNode[] before;
        try (SequencerNode node = start())
        {
            final RpcClient rpc = new RpcClient(node.rpcUrl());
            txHash = rpc.call("eth_sendRawTransaction", TestNodes.transfer(0, 0)).asText();
            txHeight = TestNodes.awaitIncluded(rpc, txHash);
            awaitHeight(rpc, txHeight + 50);
            assertTrue(node.view().heldBlocks() <= WINDOW, "held " + node.view().heldBlocks());
            before = answers(rpc, txHeight, txHash);
        }
        try (SequencerNode node = start())
        {
            final JsonNode[] after = answers(new RpcClient(node.rpcUrl()), txHeight, txHash);
            for (int i = 0; i < before.length; i++)
            {
                assertEquals(before[i], after[i], "answer " + i + " after the restart");
            }
            assertTrue(node.view().heldBlocks() <= WINDOW, "recovery republished the chain through the window");
        }
    }

    /** Checks what an old block's RPC answers hold and returns them, for comparing across a restart. */
    private static JsonNode[] answers(final RpcClient rpc, final long height, final String txHash) throws Exception
    {
        final JsonNode byNumber = rpc.call("ledger_getL2BlockByNumber", height);
        final String hash = byNumber.get("header").get("hash").asText();
        assertEquals(height, Hex.parseQuantity(byNumber.get("header").get("height").asText()).longValue());
        assertEquals(1, byNumber.get("txs").size());
        assertEquals(height, byNumber.get("certificate").get("height").asLong(), "the old block's certificate comes with it");
        final JsonNode byHash = rpc.call("ledger_getL2BlockByHash", "0x" + hash);
        assertEquals(byNumber, byHash);
        final JsonNode eth = rpc.call("eth_getBlockByNumber", Hex.quantity(height), false);
        assertEquals(txHash, eth.get("transactions").get(0).asText());
        final JsonNode tx = rpc.call("eth_getTransactionByHash", txHash);
        assertEquals(Hex.quantity(height), tx.get("blockNumber").asText());
        assertEquals("0x" + hash, tx.get("blockHash").asText());
        final JsonNode range = rpc.call("ledger_getL2BlockRange", 1, 20);
        assertEquals(20, range.size());
        for (int i = 0; i < 20; i++)
        {
            assertEquals(i + 1, Hex.parseQuantity(range.get(i).get("header").get("height").asText()).longValue());
        }
        final JsonNode early = rpc.call("ledger_getL2BlockByNumber", 3);
        assertEquals(early.get("header").get("hash").asText(), range.get(2).get("header").get("hash").asText());
        assertEquals(rpc.call("seq_getCertificate", 3), early.get("certificate"));

        assertTrue(rpc.call("ledger_getL2BlockByNumber", 1_000_000_000L).isNull());
        assertTrue(rpc.call("eth_getBlockByNumber", "0x3b9aca00", false).isNull());
        assertTrue(rpc.call("ledger_getL2BlockByHash", "0x" + "00".repeat(32)).isNull());
        assertTrue(rpc.call("ledger_getL2BlockByHash", "0x" + hash.substring(0, 63) + (hash.endsWith("0") ? "1" : "0")).isNull(),
            "a hash differing in its last byte: same fingerprint, no block");
        assertTrue(rpc.call("eth_getTransactionByHash", "0x" + "ab".repeat(32)).isNull());
        assertTrue(rpc.call("seq_getCertificate", 1_000_000_000L).isNull());
        return new JsonNode[] {byNumber, eth, tx, range, early};
    }
}
