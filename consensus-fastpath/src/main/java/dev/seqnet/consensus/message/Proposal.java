package dev.seqnet.consensus.message;

import dev.seqnet.chain.Hash32;

/**
 * The leader's signed block for {@code view} (PROTOCOL.md §3.3), built on the block
 * {@code block.parentHash()} notarized in {@code parentView}. The signature covers
 * {@code SigningDomain.proposalDigest(view, blockHash)}, which is {@code NOTARIZE(view, blockHash)}: a
 * proposal is also its leader's notarize vote.
 */
public record Proposal(long view, long parentView, int leader, BlockCandidate block, byte[] signature)
    implements ConsensusMessage
{
    /** Checks the shape, not the signature. */
    public Proposal
    {
        if (block == null || signature == null || signature.length != 64 || parentView < 0 || parentView >= view)
        {
            throw new IllegalArgumentException("proposal needs a block, a 64-byte signature and parentView < view");
        }
    }

    /** The header hash of the proposed block. */
    public Hash32 blockHash()
    {
        return block.blockHash();
    }

    /** The header's prev_hash. */
    public Hash32 parentHash()
    {
        return block.parentHash();
    }

    /** The proposed block's height. */
    public long height()
    {
        return block.height();
    }

    @Override
    public String toString()
    {
        return "Proposal(v" + view + " h" + block.height() + " " + block.blockHash().shortHex() + " on v" + parentView +
            " " + block.parentHash().shortHex() + ", by " + leader + ")";
    }
}
