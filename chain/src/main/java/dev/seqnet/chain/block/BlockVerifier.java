package dev.seqnet.chain.block;

import dev.seqnet.chain.crypto.Signatures;

import java.security.MessageDigest;

/**
 * The checks a Citrea full node applies to a synced L2 block before executing it: prev_hash
 * chaining, non-decreasing timestamp, tx merkle root, recomputed header hash and the sequencer
 * signature. Execution and the state-root comparison are the executor's job.
 */
public final class BlockVerifier
{
    private BlockVerifier()
    {
    }

    /**
     * @param block               the block to check.
     * @param expectedPrevHash    hash of the previous block, or null to skip chaining (first block checked).
     * @param prevTimestamp       previous block's timestamp (u64); 0 when there is none.
     * @param signerPublicKey     the one sequencer key accepted (SEC1, compressed or uncompressed).
     * @return null when valid, else the reason, naming the height ("block 17: bad signature").
     */
    public static String verify(
        final L2Block block,
        final byte[] expectedPrevHash,
        final long prevTimestamp,
        final byte[] signerPublicKey)
    {
        final L2Header header = block.header();
        final String height = Long.toUnsignedString(header.height());
        if (expectedPrevHash != null && !MessageDigest.isEqual(expectedPrevHash, header.prevHashRef()))
        {
            return "block " + height + ": prev_hash does not chain";
        }
        if (Long.compareUnsigned(header.timestamp(), prevTimestamp) < 0)
        {
            return "block " + height + ": timestamp decreased (" + Long.toUnsignedString(header.timestamp()) +
                " < " + Long.toUnsignedString(prevTimestamp) + ")";
        }
        if (!MessageDigest.isEqual(TxMerkle.rootOfRawTxs(block.rawTxsView()), header.txMerkleRootRef()))
        {
            return "block " + height + ": tx merkle root mismatch";
        }
        if (!MessageDigest.isEqual(header.hashRef(), block.hashRef()))
        {
            return "block " + height + ": hash mismatch";
        }
        if (!Signatures.verify(block.signatureRef(), header.hashRef(), signerPublicKey))
        {
            return "block " + height + ": bad signature";
        }
        return null;
    }
}
