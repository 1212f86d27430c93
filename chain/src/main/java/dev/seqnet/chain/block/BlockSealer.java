package dev.seqnet.chain.block;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.crypto.SequencerKey;

import java.security.MessageDigest;
import java.util.List;

/** Seals an L2 block: signs its header hash with the sequencer key, as Citrea's sequencer does. */
public final class BlockSealer
{
    private BlockSealer()
    {
    }

    /**
     * The signed block for {@code header} and its transactions.
     *
     * @throws IllegalArgumentException if the header's tx merkle root is not the root of
     *                                  {@code rawTxs}, so that a sealed block always verifies, or on
     *                                  the malformed input {@link L2Block} rejects.
     */
    public static L2Block seal(
        final L2Header header,
        final SequencerKey key,
        final long gasUsed,
        final long baseFee,
        final List<byte[]> rawTxs,
        final List<Address> senders)
    {
        final byte[] root = TxMerkle.rootOfRawTxs(rawTxs);
        if (!MessageDigest.isEqual(root, header.txMerkleRootRef()))
        {
            throw new IllegalArgumentException(
                "block " + Long.toUnsignedString(header.height()) + ": header tx merkle root is not the root of its txs");
        }
        final byte[] hash = header.hashRef();
        return new L2Block(header, hash, key.sign(hash), gasUsed, baseFee, rawTxs, senders);
    }
}
