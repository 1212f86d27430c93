package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;

/** A member's current view and finalized tip, answered on request and broadcast every second (§10.1). */
public record Status(int member, long view, long finalizedHeight, long finalizedView, Hash32 finalizedHash)
    implements SupportMessage
{
    /** Checks the shape. */
    public Status
    {
        Checks.index(member, "member");
        if (finalizedHash == null)
        {
            throw new IllegalArgumentException("status needs the finalized hash");
        }
    }

    @Override
    public int sender()
    {
        return member;
    }
}
