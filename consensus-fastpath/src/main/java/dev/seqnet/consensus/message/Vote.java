package dev.seqnet.consensus.message;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.MessageKind;

/**
 * A signed vote (PROTOCOL.md §3.3): {@code NOTARIZE}, {@code NULLIFY} (block hash zero),
 * {@code NOTARIZE_FALLBACK} or {@code FINALIZE}, by member {@code signer} for {@code view}. The
 * signature covers {@code SigningDomain.voteDigest(kind, view, blockHash)}.
 */
public record Vote(MessageKind kind, int signer, long view, Hash32 blockHash, byte[] signature) implements ConsensusMessage
{
    /** Checks the shape, not the signature. */
    public Vote
    {
        if (kind == null || kind == MessageKind.PROPOSAL || blockHash == null || signature == null || signature.length != 64)
        {
            throw new IllegalArgumentException("vote needs a vote kind, a block hash and a 64-byte signature");
        }
        if (kind == MessageKind.NULLIFY && !blockHash.isZero())
        {
            throw new IllegalArgumentException("a Nullify has a zero block hash");
        }
    }

    @Override
    public String toString()
    {
        return kind + "(v" + view + ", " + blockHash.shortHex() + ", by " + signer + ")";
    }
}
