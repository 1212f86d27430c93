package dev.seqnet.consensus.wire;

/** A request for up to {@code maxBlocks} (1–64) finalized blocks from {@code fromHeight} (§10.2). */
public record SyncRequest(int requester, long fromHeight, int maxBlocks) implements SupportMessage
{
    /** Checks the shape. */
    public SyncRequest
    {
        Checks.index(requester, "requester");
        if (fromHeight < 1 || maxBlocks < 1 || maxBlocks > FrameLimits.MAX_SYNC_BLOCKS)
        {
            throw new IllegalArgumentException("sync request needs fromHeight >= 1 and 1..64 blocks: " +
                fromHeight + " / " + maxBlocks);
        }
    }

    @Override
    public int sender()
    {
        return requester;
    }
}
