package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.core.OwnVote;

/** The journal entry of an {@link OwnVote} (PROTOCOL.md §8.1) with the host's monotonic append time, for diagnostics. */
public record OwnVoteRecord(OwnVote vote, long journaledAtNs)
{
    /** Checks the shape. */
    public OwnVoteRecord
    {
        if (vote == null)
        {
            throw new IllegalArgumentException("own vote record needs a vote");
        }
    }
}
