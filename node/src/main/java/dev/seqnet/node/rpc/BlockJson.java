package dev.seqnet.node.rpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.block.L2Header;

/**
 * Block JSON exactly as Citrea's {@code L2BlockResponse} serializes (serde): height, l1_fee_rate and
 * timestamp as 0x quantities; hash, prev_hash, state_root, signature and each tx as bare hex (the
 * {@code hex::serde} encoding, no 0x); tx_merkle_root as a 32-number array ({@code [u8; 32]}'s
 * default serde form). A Citrea full node can parse it unchanged.
 */
public final class BlockJson
{
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private BlockJson()
    {
    }

    public static ObjectNode l2Block(final L2Block block)
    {
        final ObjectNode out = F.objectNode();
        out.set("header", header(block));
        final ArrayNode txs = out.putArray("txs");
        for (int i = 0; i < block.txCount(); i++)
        {
            txs.add(Hex.encodeBare(block.rawTx(i)));
        }
        return out;
    }

    /** The {@code header} object of {@link #l2Block}: Citrea's signed header. */
    public static ObjectNode header(final L2Block block)
    {
        final L2Header h = block.header();
        final ObjectNode header = F.objectNode();
        header.put("height", Hex.quantity(h.height()));
        header.put("hash", Hex.encodeBare(block.hash()));
        header.put("prev_hash", Hex.encodeBare(h.prevHash()));
        header.put("state_root", Hex.encodeBare(h.stateRoot()));
        header.put("signature", Hex.encodeBare(block.signature()));
        header.put("l1_fee_rate", Hex.quantity(h.l1FeeRate()));
        header.put("timestamp", Hex.quantity(h.timestamp()));
        final ArrayNode root = header.putArray("tx_merkle_root");
        for (final byte b : h.txMerkleRoot())
        {
            root.add(b & 0xFF);
        }
        return header;
    }
}
