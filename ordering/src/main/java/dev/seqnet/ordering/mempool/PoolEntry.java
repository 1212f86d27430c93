package dev.seqnet.ordering.mempool;

import dev.seqnet.chain.tx.EthTransaction;

/** A pooled transaction with its key and admission sequence number (the tie-break between equal tips). */
final class PoolEntry
{
    final EthTransaction tx;
    final TxKey key;
    final long seq;

    PoolEntry(final EthTransaction tx, final TxKey key, final long seq)
    {
        this.tx = tx;
        this.key = key;
        this.seq = seq;
    }

    long nonce()
    {
        return tx.nonce();
    }
}
