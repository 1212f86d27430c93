package dev.seqnet.consensus.wire;

import java.util.List;

/** Raw transactions (at most 512) answering a {@link TxRequest}; the arrays are shared, not copied. */
public record TxResponse(int responder, List<byte[]> txs) implements SupportMessage
{
    /** Checks the shape. */
    public TxResponse
    {
        Checks.index(responder, "responder");
        txs = Checks.rawTxs(txs, FrameLimits.MAX_REQUEST_TXS);
    }

    @Override
    public int sender()
    {
        return responder;
    }
}
