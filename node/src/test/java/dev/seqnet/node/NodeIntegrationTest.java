package dev.seqnet.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqnet.chain.Hex;
import dev.seqnet.node.cli.RpcClient;
import dev.seqnet.node.cli.SequencerCli;
import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.NodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real node (Disruptor, Chronicle Queue, Vert.x) on an ephemeral port, driven over HTTP and WebSocket. */
class NodeIntegrationTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RECIPIENT = "0x1111111111111111111111111111111111111111";
    private static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000L);

    @TempDir
    Path dir;
    private SequencerNode node;

    @AfterEach
    void close()
    {
        if (node != null)
        {
            node.close();
        }
    }

    private static Credentials dev(final int i)
    {
        return Credentials.create(Hex.encode(DevAccounts.privateKey(i)));
    }

    private static String sign1559(final int account, final long nonce, final BigInteger value)
    {
        return sign1559(account, nonce, value, BigInteger.valueOf(1_000_000), GWEI.multiply(BigInteger.TWO));
    }

    private static String sign1559(
        final int account, final long nonce, final BigInteger value, final BigInteger tip, final BigInteger maxFee)
    {
        final RawTransaction tx = RawTransaction.createEtherTransaction(TestNodes.CHAIN_ID, BigInteger.valueOf(nonce),
            BigInteger.valueOf(21_000), RECIPIENT, value, tip, maxFee);
        return Hex.encode(TransactionEncoder.signMessage(tx, dev(account)));
    }

    private static String signLegacy(final int account, final long nonce, final long chainId)
    {
        final RawTransaction tx = RawTransaction.createEtherTransaction(BigInteger.valueOf(nonce), GWEI.multiply(BigInteger.TWO),
            BigInteger.valueOf(21_000), RECIPIENT, BigInteger.TEN);
        return Hex.encode(TransactionEncoder.signMessage(tx, chainId, dev(account)));
    }

    private static String sign2930(final int account, final long nonce)
    {
        final RawTransaction tx = RawTransaction.createTransaction(TestNodes.CHAIN_ID, BigInteger.valueOf(nonce),
            GWEI.multiply(BigInteger.TWO), BigInteger.valueOf(30_000), RECIPIENT, BigInteger.valueOf(7), "0x",
            List.of(new AccessListObject("0x2222222222222222222222222222222222222222", List.of())));
        return Hex.encode(TransactionEncoder.signMessage(tx, dev(account)));
    }

    private static JsonNode awaitIncluded(final RpcClient rpc, final String hash) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline)
        {
            final JsonNode tx = rpc.call("eth_getTransactionByHash", hash);
            if (tx != null && !tx.isNull() && !tx.get("blockNumber").isNull())
            {
                return tx;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("transaction " + hash + " not finalized in time");
    }

    @Test
    void acceptsAllThreeTypesAndServesThemBackFromBlocks() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        assertEquals("0x13fb", rpc.call("eth_chainId").asText());
        assertEquals("5115", rpc.call("net_version").asText());

        final String raw1559 = sign1559(0, 0, BigInteger.valueOf(1000));
        final String rawLegacy = signLegacy(1, 0, TestNodes.CHAIN_ID);
        final String raw2930 = sign2930(2, 0);
        for (final String raw : List.of(raw1559, rawLegacy, raw2930))
        {
            final String hash = rpc.call("eth_sendRawTransaction", raw).asText();
            assertEquals(Hash.sha3(raw), hash, "tx hash is keccak of the raw bytes");
            final JsonNode tx = awaitIncluded(rpc, hash);
            final JsonNode block = rpc.call("ledger_getL2BlockByNumber", Hex.parseQuantity(tx.get("blockNumber").asText()).longValue());
            boolean found = false;
            for (final JsonNode t : block.get("txs"))
            {
                found |= ("0x" + t.asText()).equals(raw);
            }
            assertTrue(found, "raw bytes served back in the block");
            assertEquals(64 * 2, block.get("header").get("signature").asText().length());
            assertEquals(32, block.get("header").get("tx_merkle_root").size());
        }
        assertEquals("0x1", rpc.call("eth_getTransactionCount", DevAccounts.address(0).toHex(), "latest").asText());
        assertEquals(Hex.quantity(BigInteger.valueOf(1000 + 10 + 7)), rpc.call("eth_getBalance", RECIPIENT, "latest").asText());
        final JsonNode tx = rpc.call("eth_getTransactionByHash", Hash.sha3(raw1559));
        assertEquals(DevAccounts.address(0).toHex(), tx.get("from").asText());
        final org.web3j.crypto.SignedRawTransaction signed =
            (org.web3j.crypto.SignedRawTransaction)org.web3j.crypto.TransactionDecoder.decode(raw1559);
        assertEquals(Hex.quantity(new BigInteger(1, signed.getSignatureData().getR())), tx.get("r").asText());
        assertEquals(Hex.quantity(new BigInteger(1, signed.getSignatureData().getS())), tx.get("s").asText());
        assertEquals(tx.get("v").asText(), tx.get("yParity").asText());
        final JsonNode legacy = rpc.call("eth_getTransactionByHash", Hash.sha3(rawLegacy));
        final long v = Hex.parseQuantity(legacy.get("v").asText()).longValue();
        assertTrue(v == TestNodes.CHAIN_ID * 2 + 35 || v == TestNodes.CHAIN_ID * 2 + 36, "EIP-155 v, was " + v);

        final JsonNode head = rpc.call("ledger_getHeadL2Block");
        final long headHeight = Hex.parseQuantity(head.get("header").get("height").asText()).longValue();
        assertTrue(Hex.parseQuantity(rpc.call("ledger_getHeadL2BlockHeight").asText()).longValue() >= headHeight,
            "the head only moves forward (a heartbeat block may land between the calls)");
        final JsonNode byHash = rpc.call("ledger_getL2BlockByHash", "0x" + head.get("header").get("hash").asText());
        assertEquals(head, byHash);
        final JsonNode range = rpc.call("ledger_getL2BlockRange", 1, 3);
        assertEquals(Math.min(3, Hex.parseQuantity(head.get("header").get("height").asText()).intValue()), range.size());
        final JsonNode ethBlock = rpc.call("eth_getBlockByNumber", Hex.quantity(headHeight), false);
        assertEquals("0x" + head.get("header").get("hash").asText(), ethBlock.get("hash").asText());
        final JsonNode members = rpc.call("seq_members");
        assertEquals(1, members.size());
        assertEquals(66 + 2, members.get(0).get("publicKey").asText().length());
    }

    @Test
    void rejectionsAreClearErrors() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        final String raw = sign1559(0, 0, BigInteger.ONE);
        awaitIncluded(rpc, rpc.call("eth_sendRawTransaction", raw).asText());

        assertRejected(rpc, raw, "nonce too low");
        assertRejected(rpc, signLegacy(1, 0, 4114), "invalid chain id");
        assertRejected(rpc, "0xf86b", "malformed");
        assertRejected(rpc, "0x03" + raw.substring(4), "blob");
        final String gap = sign1559(3, 5, BigInteger.ONE);
        rpc.call("eth_sendRawTransaction", gap);
        assertRejected(rpc, gap, "already known");
        assertRejected(rpc, "0xzz", "invalid raw transaction hex");
    }

    private static void assertRejected(final RpcClient rpc, final String raw, final String reason)
    {
        final IOException e = assertThrows(IOException.class, () -> rpc.call("eth_sendRawTransaction", raw));
        assertTrue(e.getMessage().toLowerCase().contains(reason), e.getMessage() + " should name " + reason);
    }

    @Test
    void jsonRpcProtocolErrorsAndBatches() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        assertEquals(-32700, code(rpc.send("{not json").join()));
        assertEquals(-32600, code(rpc.send("{\"id\":1,\"method\":\"eth_chainId\"}").join()));
        assertEquals(-32600, code(rpc.send("[]").join()));
        assertEquals(-32601, code(rpc.send(rpc.request("eth_mine")).join()));
        assertEquals(-32602, code(rpc.send(rpc.request("eth_getBalance", "0x12")).join()));
        assertEquals(-32602, code(rpc.send(rpc.request("ledger_getL2BlockRange", 5, 1)).join()));
        assertEquals(-32602, code(rpc.send(rpc.request("ledger_getL2BlockRange", 1, 21)).join()), "Citrea's 20-block limit");
        assertEquals(-32602, code(rpc.send(rpc.request("ledger_getL2BlockByNumber", "0x" + "1".repeat(100_000))).join()));
        assertEquals(-32700, code(rpc.send("   ").join()));
        assertEquals(-32700, code(rpc.send(rpc.request("eth_chainId") + " trailing").join()));
        final StringBuilder greedy = new StringBuilder("[");
        for (int i = 0; i < 11; i++)
        {
            greedy.append(i == 0 ? "" : ",").append(rpc.request("ledger_getL2BlockRange", 1, 20));
        }
        final JsonNode limited = MAPPER.readTree(rpc.send(greedy.append("]").toString()).join());
        assertEquals(-32600, limited.get(10).get("error").get("code").asInt(), "the 11th range exceeds 200 blocks per request");
        assertTrue(limited.get(0).has("result"));
        final JsonNode batch = MAPPER.readTree(rpc.send("[" + rpc.request("eth_chainId") + "," + rpc.request("nope") + "," +
            "{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\"}]").join());
        assertEquals(2, batch.size(), "notifications get no response");
        assertEquals("0x13fb", batch.get(0).get("result").asText());
        assertEquals(-32601, batch.get(1).get("error").get("code").asInt());
    }

    private static int code(final String body) throws Exception
    {
        return MAPPER.readTree(body).get("error").get("code").asInt();
    }

    @Test
    void webSocketSubscriptionDeliversNewBlocks() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        final WebSocket ws = rpc.http().newWebSocketBuilder().buildAsync(
            URI.create("ws://127.0.0.1:" + node.rpcPort() + "/"), new WebSocket.Listener()
            {
                final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
                {
                    text.append(data);
                    if (last)
                    {
                        messages.add(text.toString());
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return CompletableFuture.completedFuture(null);
                }
            }).get(5, TimeUnit.SECONDS);
        ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"citrea_subscribe\",\"params\":[\"newL2Blocks\"]}", true);
        final JsonNode ack = MAPPER.readTree(messages.poll(5, TimeUnit.SECONDS));
        final String subscription = ack.get("result").asText();
        final String raw = sign1559(4, 0, BigInteger.TWO);
        rpc.call("eth_sendRawTransaction", raw);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline)
        {
            final String m = messages.poll(1, TimeUnit.SECONDS);
            if (m == null)
            {
                continue;
            }
            final JsonNode n = MAPPER.readTree(m);
            assertEquals("citrea_subscription", n.get("method").asText());
            assertEquals(subscription, n.get("params").get("subscription").asText());
            for (final JsonNode t : n.get("params").get("result").get("txs"))
            {
                seen |= ("0x" + t.asText()).equals(raw);
            }
        }
        assertTrue(seen, "the block with our transaction was pushed");
        ws.abort();
    }

    @Test
    void restartRecoversHeadAndMempoolAndReplayReproducesIt() throws Exception
    {
        final NodeConfig config = TestNodes.layout(dir, 50);
        node = SequencerNode.start(config);
        RpcClient rpc = new RpcClient(node.rpcUrl());
        String last = null;
        for (int n = 0; n < 5; n++)
        {
            for (int a = 0; a < 3; a++)
            {
                last = rpc.call("eth_sendRawTransaction", sign1559(a, n, BigInteger.valueOf(n + 1))).asText();
            }
        }
        awaitIncluded(rpc, last);
        final String queued = rpc.call("eth_sendRawTransaction", sign1559(5, 3, BigInteger.ONE)).asText();
        Thread.sleep(120); // let an empty block or two land
        node.close();
        final long headBefore = node.view().headHeight();
        final byte[] hashBefore = node.view().head().hash();
        node = null;

        node = SequencerNode.start(NodeConfig.load(dir.resolve("node.json")));
        assertEquals(headBefore, node.recovery().head().header().height());
        assertEquals(Hex.encode(hashBefore), Hex.encode(node.recovery().head().hash()));
        assertEquals(1, node.recovery().mempoolRestored(), "the queued transaction survives the restart");
        rpc = new RpcClient(node.rpcUrl());
        assertFalse(rpc.call("eth_getTransactionByHash", queued).isNull());
        assertEquals("0x5", rpc.call("eth_getTransactionCount", DevAccounts.address(0).toHex(), "latest").asText());
        final String after = rpc.call("eth_sendRawTransaction", sign1559(0, 5, BigInteger.ONE)).asText();
        final JsonNode tx = awaitIncluded(rpc, after);
        assertTrue(Hex.parseQuantity(tx.get("blockNumber").asText()).longValue() > headBefore, "continues from the same head");
        node.close();
        // Read the head only once the member is stopped: its 50 ms heartbeat may add empty blocks until then.
        final byte[] finalHead = node.view().head().hash();
        node = null;

        assertEquals(0, SequencerCli.execute("replay", "--dir", dir.toString(), "--verify"));
        final var replayer = new dev.seqnet.node.replay.Replayer(
            dev.seqnet.node.config.Genesis.load(dir.resolve("genesis.json")), 1, Long.MAX_VALUE, true, null);
        try (var journal = dev.seqnet.journal.Journal.open(
            new dev.seqnet.journal.Journal.Context().dir(dir.resolve("data/journal")).readOnly(true));
            var reader = journal.newReader())
        {
            final var summary = replayer.run(reader);
            assertEquals(Hex.encode(finalHead), Hex.encode(summary.headHash()));
            assertEquals(16, summary.transactions());
        }
    }

    @Test
    void aSecondMemberOnTheSameDirectoryIsRefusedWithoutTouchingTheJournal() throws Exception
    {
        final NodeConfig config = TestNodes.layout(dir, 20);
        node = SequencerNode.start(config);
        final Exception e = assertThrows(Exception.class, () -> SequencerNode.start(NodeConfig.load(dir.resolve("node.json"))));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        Thread.sleep(100); // the first member keeps producing empty blocks
        node.close();
        node = null;
        assertEquals(0, SequencerCli.execute("replay", "--dir", dir.toString()), "one writer: the journal verifies");
    }

    @Test
    void aPortClashFailsTheStartBeforeAnyBlockIsProduced() throws Exception
    {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            final NodeConfig config = TestNodes.layout(dir, 1000);
            config.rpc.port = taken.getLocalPort();
            config.save(dir.resolve("node.json"));
            assertThrows(Exception.class, () -> SequencerNode.start(NodeConfig.load(dir.resolve("node.json"))));
        }
        node = SequencerNode.start(NodeConfig.load(dir.resolve("node.json")).baseDir(dir));
        assertEquals(0, node.recovery().blocks(), "the failed start wrote no block");
    }

    @Test
    void restartRestoresExactlyThePoolThatWasRunningNotTheTransactionsItEvicted() throws Exception
    {
        final NodeConfig config = TestNodes.layout(dir, 1000);
        config.mempool.globalSlots = 2;
        config.save(dir.resolve("node.json"));
        node = SequencerNode.start(NodeConfig.load(dir.resolve("node.json")));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        final String q1 = rpc.call("eth_sendRawTransaction", sign1559(3, 10, BigInteger.ONE)).asText();
        final String q2 = rpc.call("eth_sendRawTransaction", sign1559(4, 10, BigInteger.ONE)).asText();
        // The pool is full of queued transactions; a better-paying executable one evicts a queued tail.
        final String pays = rpc.call("eth_sendRawTransaction",
            sign1559(5, 0, BigInteger.ONE, BigInteger.valueOf(2_000_000), GWEI.multiply(BigInteger.valueOf(3)))).asText();
        awaitIncluded(rpc, pays);
        final boolean q1Pooled = !rpc.call("eth_getTransactionByHash", q1).isNull();
        final boolean q2Pooled = !rpc.call("eth_getTransactionByHash", q2).isNull();
        assertTrue(q1Pooled ^ q2Pooled, "exactly one queued transaction was evicted");
        node.close();
        node = null;

        node = SequencerNode.start(NodeConfig.load(dir.resolve("node.json")));
        assertEquals(1, node.recovery().mempoolRestored(), "the evicted transaction does not come back");
        final RpcClient again = new RpcClient(node.rpcUrl());
        assertEquals(q1Pooled, !again.call("eth_getTransactionByHash", q1).isNull());
        assertEquals(q2Pooled, !again.call("eth_getTransactionByHash", q2).isNull());
        node.close();
        node = null;
        assertEquals(0, SequencerCli.execute("replay", "--dir", dir.toString()), "replay reads the new journal entries");
    }

    @Test
    void corruptedJournalIsReported() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        final String raw = sign1559(0, 0, BigInteger.valueOf(0x5eed));
        awaitIncluded(rpc, rpc.call("eth_sendRawTransaction", raw).asText());
        node.close();
        node = null;
        assertEquals(0, SequencerCli.execute("replay", "--dir", dir.toString()));

        final byte[] needle = Hex.decode(raw.substring(raw.length() - 40));
        final Path cq4;
        try (Stream<Path> files = Files.walk(dir.resolve("data/journal")))
        {
            cq4 = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final byte[] bytes = Files.readAllBytes(cq4);
        int at = -1;
        for (int i = 0; i + needle.length <= bytes.length && at < 0; i++)
        {
            if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length))
            {
                at = i;
            }
        }
        assertNotEquals(-1, at, "found the transaction bytes in the journal file");
        bytes[at + 3] ^= 0x40;
        Files.write(cq4, bytes);
        final int exit = SequencerCli.execute("replay", "--dir", dir.toString());
        assertTrue(exit == 3 || exit == 4, "replay of a corrupted journal fails, exit " + exit);
        assertThrows(Exception.class, () -> SequencerNode.start(NodeConfig.load(dir.resolve("node.json"))).close(),
            "a node refuses to start on a corrupted journal");
        assertNotNull(cq4);
    }
}
