package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;

import java.util.List;

/** The transactions (by Keccak-256 hash, at most 512) {@code requester} lacks for the proposal of {@code view}. */
public record TxRequest(int requester, long view, List<Hash32> hashes) implements SupportMessage
{
    /** Checks the shape. */
    public TxRequest
    {
        Checks.index(requester, "requester");
        if (hashes == null || hashes.size() > FrameLimits.MAX_REQUEST_TXS)
        {
            throw new IllegalArgumentException("need at most " + FrameLimits.MAX_REQUEST_TXS + " hashes");
        }
        hashes = List.copyOf(hashes);
    }

    @Override
    public int sender()
    {
        return requester;
    }
}
