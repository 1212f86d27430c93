package dev.seqnet.node.core;

import dev.seqnet.chain.tx.EthTransaction;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * Collects the transactions the mempool drops (replaced, evicted, stale, unaffordable, included) so
 * the sequencer core can bring the RPC read model in step once the pool is consistent again.
 * Single-threaded, like the pool.
 */
public final class PoolRemovals implements Consumer<EthTransaction>
{
    private final ArrayList<EthTransaction> removed = new ArrayList<>();

    @Override
    public void accept(final EthTransaction tx)
    {
        removed.add(tx);
    }

    /** Hands every recorded transaction to {@code sink} and forgets them. */
    public void drain(final Consumer<EthTransaction> sink)
    {
        for (int i = 0; i < removed.size(); i++)
        {
            sink.accept(removed.get(i));
        }
        removed.clear();
    }
}
