package dev.seqnet.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.consensus.CertificateCheck;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.FinalityProof;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.node.cli.RpcClient;
import dev.seqnet.node.config.NodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consensus methods of a real one-member node over JSON-RPC: seq_status, seq_getCertificate (its
 * certificate checked by a FinalityVerifier built from the genesis file alone), the certificate
 * attached to ledger_* blocks, and seq_getEvidence.
 */
class ConsensusRpcTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

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

    /** A verifier from nothing but the genesis file: its bytes' SHA-256, chain id, member keys, stakes and slack. */
    private FinalityVerifier verifierFromGenesisFile() throws Exception
    {
        final byte[] bytes = Files.readAllBytes(dir.resolve("genesis.json"));
        final JsonNode genesis = MAPPER.readTree(bytes);
        final List<Member> members = new ArrayList<>();
        for (final JsonNode m : genesis.get("members"))
        {
            members.add(new Member(Hex.decode(m.get("public_key").asText()), Long.parseLong(m.get("stake").asText())));
        }
        final JsonNode slack = genesis.path("consensus").path("fast_path_slack");
        return new FinalityVerifier(genesis.get("chain_id").asLong(), MessageDigest.getInstance("SHA-256").digest(bytes),
            members, slack.isTextual() ? Quorums.AUTO_SLACK : slack.asLong());
    }

    /** Rebuilds a header from Citrea's block JSON (hash fields bare hex, tx_merkle_root a byte array). */
    private static L2Header header(final JsonNode h)
    {
        final byte[] root = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            root[i] = (byte)h.get("tx_merkle_root").get(i).asInt();
        }
        final L2Header header = new L2Header(Hex.parseQuantity(h.get("height").asText()).longValue(),
            Hex.decode(h.get("prev_hash").asText()), Hex.decode(h.get("state_root").asText()),
            Hex.parseQuantity(h.get("l1_fee_rate").asText()), root, Hex.parseQuantity(h.get("timestamp").asText()).longValue());
        assertEquals(h.get("hash").asText(), Hex.encodeBare(header.hash()), "header rebuilt from JSON");
        return header;
    }

    private static String transfer(final int account, final long nonce)
    {
        return TestNodes.transfer(account, nonce);
    }

    private static long awaitIncluded(final RpcClient rpc, final String hash) throws Exception
    {
        return TestNodes.awaitIncluded(rpc, hash);
    }

    @Test
    void certificatesVerifyAgainstGenesisAloneAndComeWithLedgerBlocks() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        final long first = awaitIncluded(rpc, rpc.call("eth_sendRawTransaction", transfer(0, 0)).asText());
        final long height = awaitIncluded(rpc, rpc.call("eth_sendRawTransaction", transfer(0, 1)).asText());
        assertTrue(height > first);
        final FinalityVerifier verifier = verifierFromGenesisFile();

        final JsonNode proof = rpc.call("seq_getCertificate", height);
        assertEquals(height, proof.get("height").asLong());
        assertEquals(height, proof.get("view").asLong(), "one member: view = height");
        assertEquals("FAST", proof.get("path").asText());
        assertEquals(height, proof.get("certifiedHeight").asLong());
        assertEquals(0, proof.get("headers").size());
        final byte[] frame = Hex.decode(proof.get("certificate").asText());
        final CertificateCheck check = verifier.verify(frame);
        assertTrue(check.isValid(), check.toString());
        assertEquals(CertificateKind.FINALIZATION_FAST, check.kind());
        assertEquals(height, check.view());
        assertEquals(1, check.stake());

        final JsonNode block = rpc.call("ledger_getL2BlockByNumber", height);
        final L2Header header = header(block.get("header"));
        assertArrayEquals(header.hash(), check.blockHash());
        assertEquals(proof.get("blockHash").asText(), "0x" + block.get("header").get("hash").asText());
        assertTrue(verifier.isFinal(header, new FinalityProof(frame, List.of())));
        // The proof of block h does not prove its parent, nor a block of another network.
        final L2Header parent = header(rpc.call("ledger_getL2BlockByNumber", height - 1).get("header"));
        assertFalse(verifier.isFinal(parent, new FinalityProof(frame, List.of())));
        frame[frame.length - 1] ^= 1;
        assertFalse(verifier.verify(frame).isValid(), "a flipped signature bit");

        // Citrea's fields unchanged, plus the certificate: the same object seq_getCertificate returns.
        assertEquals(Set.of("header", "txs", "certificate"), fields(block));
        assertEquals(Set.of("height", "hash", "prev_hash", "state_root", "signature", "l1_fee_rate", "timestamp", "tx_merkle_root"),
            fields(block.get("header")));
        assertEquals(proof, block.get("certificate"));
        assertEquals(proof, rpc.call("ledger_getL2BlockByHash", block.get("header").get("hash").asText()).get("certificate"));
        final JsonNode head = rpc.call("ledger_getHeadL2Block");
        assertEquals(rpc.call("seq_getCertificate", head.get("header").get("height").asText()), head.get("certificate"));
        for (final JsonNode b : rpc.call("ledger_getL2BlockRange", 1, height))
        {
            final L2Header h = header(b.get("header"));
            assertTrue(verifier.isFinal(h, new FinalityProof(Hex.decode(b.get("certificate").get("certificate").asText()), List.of())),
                "block " + h.height());
        }

        assertTrue(rpc.call("seq_getCertificate", height + 1000).isNull(), "not finalized: null");
        assertTrue(rpc.call("seq_getCertificate", 0).isNull(), "genesis has no certificate");
    }

    @Test
    void certificatesAreTheSameAfterARestart() throws Exception
    {
        final NodeConfig config = TestNodes.layout(dir, 1000);
        node = SequencerNode.start(config);
        RpcClient rpc = new RpcClient(node.rpcUrl());
        final long height = awaitIncluded(rpc, rpc.call("eth_sendRawTransaction", transfer(1, 0)).asText());
        final JsonNode before = rpc.call("seq_getCertificate", height);
        node.close();
        node = SequencerNode.start(NodeConfig.load(dir.resolve("node.json")));
        rpc = new RpcClient(node.rpcUrl());
        assertEquals(before, rpc.call("seq_getCertificate", height), "RFC 6979: the recovered block's certificate is byte-identical");
        final JsonNode status = rpc.call("seq_status");
        assertEquals(status.get("finalizedHeight").asLong() - node.recovery().head().header().height(),
            status.get("counters").get("blocks.fastFinalized").asLong(), "counters count this process's blocks");
    }

    @Test
    void statusDescribesADegenerateOneMemberNetwork() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        final long height = awaitIncluded(rpc, rpc.call("eth_sendRawTransaction", transfer(2, 0)).asText());
        final JsonNode status = rpc.call("seq_status");
        assertEquals(Set.of("view", "leader", "finalizedHeight", "finalizedView", "members", "counters", "evidenceCount"),
            fields(status));
        final long finalized = status.get("finalizedHeight").asLong();
        assertTrue(finalized >= height);
        assertEquals(finalized, status.get("finalizedView").asLong());
        assertEquals(finalized + 1, status.get("view").asLong());
        assertEquals(0, status.get("leader").asInt());
        assertEquals(1, status.get("members").size());
        final JsonNode m = status.get("members").get(0);
        assertEquals(0, m.get("index").asInt());
        assertFalse(m.get("demoted").asBoolean());
        assertEquals(0, m.get("timeoutsAsLeader").asLong());
        final JsonNode counters = status.get("counters");
        assertTrue(counters.get("blocks.fastFinalized").asLong() >= height, counters.toString());
        assertEquals(0, counters.get("blocks.slowFinalized").asLong());
        assertEquals(0, counters.get("timeouts").asLong());
        assertEquals(0, status.get("evidenceCount").asLong());
        for (final String name : List.of("views.notarized", "views.nullified", "views.skipped", "nullify.contradiction",
            "fallbacks.sent", "blocks.indirect", "evidence.count", "drop.late", "drop.stale", "drop.farFuture",
            "drop.duplicate", "drop.invalidProposal", "drop.wrongLeader", "drop.malformed", "drop.oversize", "drop.nonMember",
            "drop.badSignature", "tx.invalidFromPeer"))
        {
            assertTrue(counters.has(name), name);
        }
    }

    @Test
    void evidenceIsEmptyAndItsLimitIsChecked() throws Exception
    {
        node = SequencerNode.start(TestNodes.layout(dir, 1000));
        final RpcClient rpc = new RpcClient(node.rpcUrl());
        assertEquals(0, rpc.call("seq_getEvidence", 0).size());
        assertEquals(0, rpc.call("seq_getEvidence", 0, 100).size());
        for (final Object limit : List.of(0, 101, "ten"))
        {
            final IOException e = assertThrows(IOException.class, () -> rpc.call("seq_getEvidence", 0, limit));
            assertTrue(e.getMessage().contains("-32602"), e.getMessage());
        }
        final IOException e = assertThrows(IOException.class, () -> rpc.call("seq_getEvidence"));
        assertTrue(e.getMessage().contains("-32602"), e.getMessage());
        final IOException c = assertThrows(IOException.class, () -> rpc.call("seq_getCertificate", "latest"));
        assertTrue(c.getMessage().contains("-32602"), c.getMessage());
    }

    private static Set<String> fields(final JsonNode node)
    {
        final Set<String> out = new TreeSet<>();
        for (final Iterator<String> it = node.fieldNames(); it.hasNext(); )
        {
            out.add(it.next());
        }
        return out;
    }
}
