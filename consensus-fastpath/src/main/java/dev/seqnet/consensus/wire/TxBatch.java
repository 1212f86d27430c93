package dev.seqnet.consensus.wire;

import java.util.List;

/**
 * Transactions {@code origin} admitted, multicast in admission order as batch {@code batchSeq}
 * (PROTOCOL.md §9). At most 1,024 raw transactions; the arrays are shared, not copied.
 */
public record TxBatch(int origin, long batchSeq, List<byte[]> txs) implements SupportMessage
{
    /** Checks the shape. */
    public TxBatch
    {
        Checks.index(origin, "origin");
        txs = Checks.rawTxs(txs, FrameLimits.MAX_BATCH_TXS);
    }

    @Override
    public int sender()
    {
        return origin;
    }
}
