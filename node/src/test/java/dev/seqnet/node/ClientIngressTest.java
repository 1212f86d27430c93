package dev.seqnet.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.codecs.client.ClientConnectEncoder;
import dev.seqnet.codecs.client.MessageHeaderDecoder;
import dev.seqnet.codecs.client.MessageHeaderEncoder;
import dev.seqnet.codecs.client.SubmitReplyDecoder;
import dev.seqnet.codecs.client.SubmitStatus;
import dev.seqnet.codecs.client.SubmitTransactionEncoder;
import dev.seqnet.codecs.client.TxFinalizedDecoder;
import dev.seqnet.node.cli.RpcClient;
import dev.seqnet.node.config.NodeConfig;
import dev.seqnet.transport.LoopbackPorts;
import dev.seqnet.transport.MediaDriverLauncher;
import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binary client ingress of a real one-member node, driven by a real Aeron client in the test: a session is
 * opened, transactions are admitted and finalized, refusals carry eth_sendRawTransaction's messages, and every
 * kind of bad input is a counted drop or a refusal while the node keeps serving.
 */
class ClientIngressTest
{
    private static final int STREAM = 3001;

    @TempDir
    Path dir;

    private SequencerNode node;
    private TestClient client;
    private TestClient other;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(client, other, node);
    }

    private String startNode() throws Exception
    {
        final String endpoint = "127.0.0.1:" + LoopbackPorts.freeUdpPorts(1)[0];
        final NodeConfig config = TestNodes.layout(dir, 50);
        config.clientIngress.channel = "aeron:udp?endpoint=" + endpoint;
        config.clientIngress.streamId = STREAM;
        config.transport.aeronDirBase = dir.toString(); // the node's own driver directory, under the test's
        config.save(dir.resolve("node.json"));
        node = SequencerNode.start(NodeConfig.load(dir.resolve("node.json")));
        return endpoint;
    }

    @Test
    void admitsOverASessionAndRefusesAsTheRpcWould() throws Exception
    {
        final String endpoint = startNode();
        client = new TestClient(endpoint);
        assertEquals(SubmitStatus.CONNECTED, client.connect(-7).status, "the connect is answered on the response channel");

        final byte[] raw = Hex.decode(TestNodes.transfer(0, 0));
        final Reply admitted = client.submit(41, raw);
        assertEquals(SubmitStatus.ADMITTED, admitted.status);
        assertEquals(41, admitted.correlationId);
        assertArrayEquals(Keccak256.hash(raw), admitted.txHash, "the hash of the admitted transaction");
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        assertTrue(TestNodes.awaitIncluded(rpc, Hex.encode(admitted.txHash)) >= 1, "finalized in a block");

        final Reply again = client.submit(42, raw);
        assertEquals(SubmitStatus.REJECTED, again.status);
        assertTrue(again.reason.startsWith(TxRejection.NONCE_TOO_LOW.message()) ||
            again.reason.startsWith(TxRejection.ALREADY_KNOWN.message()), again.reason);

        final Reply garbage = client.submit(43, new byte[] {0x02, (byte)0xc0, 0x01});
        assertEquals(SubmitStatus.REJECTED, garbage.status);
        assertTrue(garbage.reason.startsWith("malformed") || garbage.reason.contains("RLP"), garbage.reason);

        final Reply oversized = client.submit(44, new byte[128 * 1024 + 1]);
        assertEquals(SubmitStatus.REJECTED, oversized.status);
        assertEquals(TxRejection.OVERSIZED.message(), oversized.reason);

        final Reply next = client.submit(45, Hex.decode(TestNodes.transfer(0, 1)));
        assertEquals(SubmitStatus.ADMITTED, next.status, "the session still works after refusals");

        final JsonNode counters = rpc.call("seq_status").get("counters");
        assertEquals(5, counters.get("client.submits").asLong());
        assertEquals(6, counters.get("client.replies").asLong(), "five submits and the connect");
        assertEquals(1, counters.get("client.sessionsOpened").asLong());
        assertEquals(0, counters.get("client.malformed").asLong());
    }

    @Test
    void aSessionIsToldWhichOfItsSubmitsABlockFinalized() throws Exception
    {
        final String endpoint = startNode();
        client = new TestClient(endpoint);
        other = new TestClient(endpoint);
        assertEquals(SubmitStatus.CONNECTED, client.connect(1).status);
        assertEquals(SubmitStatus.CONNECTED, other.connect(1).status);
        final RpcClient rpc = new RpcClient(node.rpcUrl());

        // Five of one account's transfers from the first client, one from the second, one over JSON-RPC.
        final String[] hashes = new String[5];
        for (int n = 0; n < 5; n++)
        {
            final Reply admitted = client.submit(1000 + n, Hex.decode(TestNodes.transfer(3, n)));
            assertEquals(SubmitStatus.ADMITTED, admitted.status);
            hashes[n] = Hex.encode(admitted.txHash);
        }
        assertEquals(SubmitStatus.ADMITTED, other.submit(77, Hex.decode(TestNodes.transfer(4, 0))).status);
        final String viaRpc = rpc.call("eth_sendRawTransaction", TestNodes.transfer(5, 0)).asText();
        // A refused submit is never told finalized.
        assertEquals(SubmitStatus.REJECTED, client.submit(2000, Hex.decode(TestNodes.transfer(3, 0))).status);

        for (int n = 0; n < 5; n++)
        {
            final Object[] told = client.awaitFinalized(1000 + n);
            final JsonNode tx = rpc.call("eth_getTransactionByHash", hashes[n]);
            assertEquals(((Long)told[0]).longValue(), Hex.parseQuantity(tx.get("blockNumber").asText()).longValue(),
                "the notice names the block the transaction is in");
            assertEquals(tx.get("blockHash").asText().replace("0x", ""), ((String)told[1]).replace("0x", ""));
        }
        other.awaitFinalized(77);
        assertTrue(TestNodes.awaitIncluded(rpc, viaRpc) >= 1);
        Thread.sleep(200); // anything else that might (wrongly) come
        client.responses.poll(client.assembler, 100);
        other.responses.poll(other.assembler, 100);
        assertEquals(java.util.Set.of(1000L, 1001L, 1002L, 1003L, 1004L), client.finalized.keySet(),
            "only its own admitted submits; not the refused one, not the other client's");
        assertEquals(java.util.Set.of(77L), other.finalized.keySet());
        final JsonNode counters = rpc.call("seq_status").get("counters");
        assertEquals(client.noticeMessages + other.noticeMessages, counters.get("client.notices").asLong());
        assertEquals(0, counters.get("client.noticesDropped").asLong());
        assertEquals(0, counters.get("client.noticesUntracked").asLong());
    }

    @Test
    void aVersionOneClientGetsVersionOneRepliesAndNoNotices() throws Exception
    {
        final String endpoint = startNode();
        client = new TestClient(endpoint);
        client.version = 1;
        assertEquals(SubmitStatus.CONNECTED, client.connect(1).status);
        final Reply admitted = client.submit(5, Hex.decode(TestNodes.transfer(6, 0)));
        assertEquals(SubmitStatus.ADMITTED, admitted.status);
        assertEquals(1, admitted.version, "answered in the client's own schema version");
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        assertTrue(TestNodes.awaitIncluded(rpc, Hex.encode(admitted.txHash)) >= 1);
        Thread.sleep(200);
        client.responses.poll(client.assembler, 100);
        assertTrue(client.finalized.isEmpty(), "a version 1 client does not know TxFinalized, so it is not sent one");
        assertEquals(0, rpc.call("seq_status").get("counters").get("client.notices").asLong());
    }

    @Test
    void badInputIsCountedAndDroppedAndTheNodeKeepsServing() throws Exception
    {
        final String endpoint = startNode();
        client = new TestClient(endpoint);
        final RpcClient rpc = new RpcClient(node.rpcUrl());

        // Before any connect: nowhere to answer, so dropped and counted.
        client.submitNoReply(1, Hex.decode(TestNodes.transfer(1, 0)));
        awaitCounter(rpc, "client.noSession", 1);

        // Frames that are not ours, too short, or that lie about their lengths.
        client.offer(new byte[] {1, 2, 3});
        final byte[] noise = new byte[64];
        ThreadLocalRandom.current().nextBytes(noise);
        client.offer(noise);
        client.offerConnectWithChannelLength(1 << 30);
        awaitCounter(rpc, "client.malformed", 2);
        awaitCounter(rpc, "client.badChannel", 1);

        // Response channels that are not a unicast IP endpoint: IPC, multicast, a host name (no lookup is made).
        client.connectTo(5, "aeron:ipc");
        client.connectTo(5, "aeron:udp?endpoint=239.255.0.9:40999");
        client.connectTo(5, "aeron:udp?endpoint=localhost:40999");
        awaitCounter(rpc, "client.badChannel", 4);

        // A submit whose raw length runs past the frame, from a connected session: refused, and counted.
        assertEquals(SubmitStatus.CONNECTED, client.connect(6).status);
        client.offerSubmitWithRawLength(7, 1000, new byte[10]);
        awaitCounter(rpc, "client.malformed", 3);
        // A message far over the largest transaction is not even reassembled.
        client.submitNoReply(11, new byte[200 * 1024]);
        awaitCounter(rpc, "client.malformed", 4);

        // A second client's session is its own; both still work.
        other = new TestClient(endpoint);
        assertEquals(SubmitStatus.CONNECTED, other.connect(8).status);
        assertEquals(SubmitStatus.ADMITTED, other.submit(9, Hex.decode(TestNodes.transfer(2, 0))).status);
        assertEquals(SubmitStatus.ADMITTED, client.submit(10, Hex.decode(TestNodes.transfer(1, 0))).status);
        assertEquals(2, rpc.call("seq_status").get("counters").get("client.sessionsOpened").asLong());

        // A client that goes away closes its session: its publication ends (end of stream), so its image goes.
        other.publication.close();
        awaitCounter(rpc, "client.sessionsClosed", 1);
        other.close();
        other = null;
    }

    private static void awaitCounter(final RpcClient rpc, final String name, final long atLeast) throws Exception
    {
        await(() ->
        {
            try
            {
                return rpc.call("seq_status").get("counters").get(name).asLong() >= atLeast;
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        }, name + " >= " + atLeast);
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** A decoded SubmitReply. */
    private static final class Reply
    {
        int version;
        long correlationId;
        SubmitStatus status;
        byte[] txHash = new byte[32];
        String reason;
    }

    /** A client with its own media driver: one publication to the ingress, one response subscription. */
    private static final class TestClient implements AutoCloseable
    {
        private final MediaDriverLauncher driver;
        private final Aeron aeron;
        private final Publication publication;
        private final Subscription responses;
        private final String responseChannel;
        private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(256 * 1024));
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private Reply last;
        /** The schema version this client writes in its headers. */
        int version = MessageHeaderEncoder.SCHEMA_VERSION;
        /** Every TxFinalized notice received: correlation id -> (height, block hash hex). */
        final java.util.Map<Long, Object[]> finalized = new java.util.concurrent.ConcurrentHashMap<>();
        int noticeMessages;
        private final FragmentAssembler assembler = new FragmentAssembler((b, offset, length, h) ->
        {
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(b, offset);
            if (header.templateId() == TxFinalizedDecoder.TEMPLATE_ID)
            {
                final TxFinalizedDecoder notice = new TxFinalizedDecoder().wrapAndApplyHeader(b, offset, header);
                final long height = notice.height();
                final byte[] blockHash = new byte[32];
                notice.getBlockHash(blockHash, 0, 32);
                for (final TxFinalizedDecoder.TransactionsDecoder tx : notice.transactions())
                {
                    final Object[] before = finalized.put(tx.correlationId(), new Object[] {height, Hex.encode(blockHash)});
                    assertEquals(null, before, "each submit is told once");
                }
                noticeMessages++;
                return;
            }
            final SubmitReplyDecoder decoder = new SubmitReplyDecoder().wrapAndApplyHeader(b, offset, header);
            final Reply reply = new Reply();
            reply.version = header.version();
            reply.correlationId = decoder.correlationId();
            reply.status = decoder.status();
            decoder.getTxHash(reply.txHash, 0, 32);
            final byte[] reason = new byte[decoder.reasonLength()];
            decoder.getReason(reason, 0, reason.length);
            reply.reason = new String(reason, StandardCharsets.US_ASCII);
            last = reply;
        });

        TestClient(final String endpoint)
        {
            driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context()
                .aeronDirectoryName(MediaDriverLauncher.Context.uniqueDirectoryName("seqnet-client-test"))
                .termBufferLength(2 * 1024 * 1024));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            responseChannel = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPorts.freeUdpPorts(1)[0];
            responses = aeron.addSubscription(responseChannel, 1);
            publication = aeron.addPublication("aeron:udp?endpoint=" + endpoint + "|term-length=2m", STREAM);
        }

        Reply connect(final long correlationId) throws InterruptedException
        {
            connectTo(correlationId, responseChannel);
            return await(correlationId);
        }

        void connectTo(final long correlationId, final String channel) throws InterruptedException
        {
            final ClientConnectEncoder encoder = new ClientConnectEncoder().wrapAndApplyHeader(buffer, 0, header);
            header.version(version);
            encoder.correlationId(correlationId)
                .responseStreamId(1)
                .responseChannel(channel);
            offer(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        }

        Reply submit(final long correlationId, final byte[] raw) throws InterruptedException
        {
            submitNoReply(correlationId, raw);
            return await(correlationId);
        }

        void submitNoReply(final long correlationId, final byte[] raw) throws InterruptedException
        {
            final SubmitTransactionEncoder encoder = new SubmitTransactionEncoder().wrapAndApplyHeader(buffer, 0, header);
            header.version(version);
            encoder.correlationId(correlationId)
                .putRaw(raw, 0, raw.length);
            offer(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        }

        /** A connect whose channel length field says {@code claimed} bytes but carries none. */
        void offerConnectWithChannelLength(final int claimed) throws InterruptedException
        {
            final ClientConnectEncoder encoder = new ClientConnectEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(99)
                .responseStreamId(1)
                .responseChannel("");
            buffer.putInt(MessageHeaderEncoder.ENCODED_LENGTH + ClientConnectEncoder.BLOCK_LENGTH, claimed,
                java.nio.ByteOrder.LITTLE_ENDIAN);
            offer(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        }

        /** A submit whose raw length field says {@code claimed} bytes but carries {@code raw}. */
        void offerSubmitWithRawLength(final long correlationId, final int claimed, final byte[] raw) throws InterruptedException
        {
            final SubmitTransactionEncoder encoder = new SubmitTransactionEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(correlationId)
                .putRaw(raw, 0, raw.length);
            buffer.putInt(MessageHeaderEncoder.ENCODED_LENGTH + SubmitTransactionEncoder.BLOCK_LENGTH, claimed,
                java.nio.ByteOrder.LITTLE_ENDIAN);
            offer(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        }

        void offer(final byte[] bytes) throws InterruptedException
        {
            buffer.putBytes(0, bytes);
            offer(bytes.length);
        }

        private void offer(final int length) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long result;
            while ((result = publication.offer(buffer, 0, length)) < 0)
            {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED ||
                    System.nanoTime() - deadline > 0)
                {
                    throw new AssertionError("offer failed: " + Publication.errorString(result));
                }
                Thread.sleep(1);
            }
        }

        /** Reads the response channel until {@code correlationId} was told finalized; returns {height, block hash hex}. */
        Object[] awaitFinalized(final long correlationId) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() - deadline < 0)
            {
                responses.poll(assembler, 10);
                final Object[] told = finalized.get(correlationId);
                if (null != told)
                {
                    return told;
                }
                Thread.sleep(1);
            }
            throw new AssertionError("no TxFinalized for " + correlationId);
        }

        Reply await(final long correlationId) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() - deadline < 0)
            {
                responses.poll(assembler, 10);
                if (last != null && last.correlationId == correlationId)
                {
                    final Reply reply = last;
                    last = null;
                    return reply;
                }
                Thread.sleep(1);
            }
            throw new AssertionError("no reply for " + correlationId);
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(aeron, driver);
        }
    }
}
