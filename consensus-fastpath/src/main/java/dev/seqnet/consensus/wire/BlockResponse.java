package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.message.Proposal;

import java.util.List;

/**
 * A notarized block answering a {@link BlockRequest}: the leader's signed {@link Proposal} and the
 * raw transactions in block order (at most 512; the arrays are shared, not copied).
 */
public record BlockResponse(int responder, Proposal proposal, List<byte[]> txs) implements SupportMessage
{
    /** Checks the shape. */
    public BlockResponse
    {
        Checks.index(responder, "responder");
        if (proposal == null)
        {
            throw new IllegalArgumentException("block response needs a proposal");
        }
        txs = Checks.rawTxs(txs, FrameLimits.MAX_REQUEST_TXS);
    }

    @Override
    public int sender()
    {
        return responder;
    }
}
