package dev.seqnet.consensus.wire;

/**
 * One finalized block in a {@link SyncResponse}: its consensus position and the complete SBE
 * {@code L2Block} frame (checked by the host with {@code BlockVerifier}; shared, not copied).
 */
public record SyncedBlock(long view, long parentView, int proposer, byte[] l2Block)
{
    /** Checks the shape. */
    public SyncedBlock
    {
        Checks.index(proposer, "proposer");
        if (l2Block == null || view < 1 || parentView < 0 || parentView >= view)
        {
            throw new IllegalArgumentException("synced block needs its frame and parentView < view");
        }
    }
}
