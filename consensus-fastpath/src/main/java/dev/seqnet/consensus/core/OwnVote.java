package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.MessageKind;

/**
 * A member's own signed message as journaled before it is sent (PROTOCOL.md §8.1). Restart reads
 * these back so the member never signs anything that conflicts with what it may already have sent.
 *
 * @param reason the nullify reason, null for other kinds.
 */
public record OwnVote(
    MessageKind kind, long view, long parentView, Hash32 blockHash, Hash32 parentHash, NullifyReason reason,
    byte[] signature)
{
    /** Checks the shape. */
    public OwnVote
    {
        if (kind == null || blockHash == null || parentHash == null || signature == null || signature.length != 64)
        {
            throw new IllegalArgumentException("own vote needs kind, hashes and a 64-byte signature");
        }
        if ((kind == MessageKind.NULLIFY) != (reason != null))
        {
            throw new IllegalArgumentException("a reason is given exactly for NULLIFY");
        }
    }
}
