package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.FinalityProof;

import java.util.List;

/**
 * Consecutive finalized blocks (at most 64) and the {@link FinalityProof} of the last one: the
 * certificate frame of a certified block and the headers from the last block + 1 up to it (§10.2).
 */
public record SyncResponse(int responder, List<SyncedBlock> blocks, FinalityProof proof) implements SupportMessage
{
    /** Checks the shape. */
    public SyncResponse
    {
        Checks.index(responder, "responder");
        if (blocks == null || blocks.size() > FrameLimits.MAX_SYNC_BLOCKS || proof == null ||
            proof.headers().size() > FrameLimits.MAX_PROOF_HEADERS)
        {
            throw new IllegalArgumentException("sync response needs at most 64 blocks and a proof of at most " +
                FrameLimits.MAX_PROOF_HEADERS + " headers");
        }
        blocks = List.copyOf(blocks);
    }

    @Override
    public int sender()
    {
        return responder;
    }
}
