package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;

/** A request for the notarized block {@code blockHash} of {@code view} (PROTOCOL.md §10.3). */
public record BlockRequest(int requester, long view, Hash32 blockHash) implements SupportMessage
{
    /** Checks the shape. */
    public BlockRequest
    {
        Checks.index(requester, "requester");
        if (blockHash == null)
        {
            throw new IllegalArgumentException("block request needs a block hash");
        }
    }

    @Override
    public int sender()
    {
        return requester;
    }
}
