package dev.seqnet.consensus.wire;

import dev.seqnet.chain.ChainConstants;

import java.util.List;

/** Shape checks shared by the support-message records' constructors. */
final class Checks
{
    private Checks()
    {
    }

    /** A member index the wire can carry (u16). */
    static void index(final int index, final String name)
    {
        if (index < 0 || index > 0xFFFF)
        {
            throw new IllegalArgumentException(name + " must be a u16 member index: " + index);
        }
    }

    /** A non-null list of at most {@code max} raw transactions, each non-null and at most MAX_TX_SIZE bytes. */
    static List<byte[]> rawTxs(final List<byte[]> txs, final int max)
    {
        if (txs == null || txs.size() > max)
        {
            throw new IllegalArgumentException("need at most " + max + " transactions");
        }
        for (final byte[] tx : txs)
        {
            if (tx == null || tx.length > ChainConstants.MAX_TX_SIZE)
            {
                throw new IllegalArgumentException("a raw transaction is null or over " + ChainConstants.MAX_TX_SIZE + " bytes");
            }
        }
        return List.copyOf(txs);
    }
}
