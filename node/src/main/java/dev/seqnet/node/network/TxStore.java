package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.tx.EthTransaction;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every recovered transaction this member has seen, own or streamed by a peer, by Keccak hash
 * (PROTOCOL.md §9): proposals carry only hashes, and a voter resolves them here. Kept even when the
 * mempool declined a transaction, because a valid block may hold one local policy refused. Bounded:
 * the oldest entries go first; finalized ones are removed when their block is delivered.
 * Single-writer: used only on the sequencer thread.
 */
public final class TxStore
{
    private final int capacity;
    private final LinkedHashMap<Hash32, EthTransaction> byHash;
    private long evicted;

    /** @param capacity how many transactions to keep (PROTOCOL.md: twice the mempool's capacity). */
    public TxStore(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
        this.byHash = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 2);
    }

    /** Adds a transaction; false if it was already held (a duplicate from the stream). */
    public boolean add(final EthTransaction tx)
    {
        final Hash32 hash = Hash32.wrap(tx.hash());
        if (byHash.putIfAbsent(hash, tx) != null)
        {
            return false;
        }
        if (byHash.size() > capacity)
        {
            final Map.Entry<Hash32, EthTransaction> oldest = byHash.entrySet().iterator().next();
            byHash.remove(oldest.getKey());
            evicted++;
        }
        return true;
    }

    /** The transaction with this Keccak hash, or null. */
    public EthTransaction get(final Hash32 hash)
    {
        return byHash.get(hash);
    }

    /** True if held. */
    public boolean contains(final Hash32 hash)
    {
        return byHash.containsKey(hash);
    }

    /** Forgets a transaction (finalized, or made stale by a committed nonce). */
    public void remove(final Hash32 hash)
    {
        byHash.remove(hash);
    }

    /** How many are held. */
    public int size()
    {
        return byHash.size();
    }

    /** How many were pushed out by the capacity bound. */
    public long evicted()
    {
        return evicted;
    }
}
