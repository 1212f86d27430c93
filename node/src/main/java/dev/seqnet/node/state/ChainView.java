package dev.seqnet.node.state;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The read model RPC threads query: finalized blocks, their transaction index, committed account
 * balances and nonces, and the pending pool's view. Written only by the sequencer thread (single
 * writer), read concurrently; a block becomes visible only after it is journaled and committed.
 */
public final class ChainView
{
    /** Where a finalized transaction sits. */
    public record TxLocation(long height, int index)
    {
    }

    /** A committed account. */
    public record Account(long nonce, BigInteger balance)
    {
    }

    private static final Account EMPTY = new Account(0, BigInteger.ZERO);

    private final ConcurrentHashMap<Long, L2Block> byHeight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Hash32, L2Block> byHash = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Hash32, TxLocation> txIndex = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Address, Account> accounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Hash32, EthTransaction> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Address, Long> pendingNonces = new ConcurrentHashMap<>();
    private final List<Consumer<L2Block>> listeners = new CopyOnWriteArrayList<>();
    private volatile long headHeight;

    public long headHeight()
    {
        return headHeight;
    }

    public L2Block head()
    {
        return byHeight.get(headHeight);
    }

    public L2Block block(final long height)
    {
        return byHeight.get(height);
    }

    public L2Block block(final byte[] hash)
    {
        return hash.length == 32 ? byHash.get(Hash32.wrap(hash)) : null;
    }

    /** Blocks {@code from..to} inclusive that exist, in order. */
    public List<L2Block> range(final long from, final long to)
    {
        final List<L2Block> out = new ArrayList<>();
        for (long h = Math.max(1, from); h <= to; h++)
        {
            final L2Block b = byHeight.get(h);
            if (b == null)
            {
                break;
            }
            out.add(b);
        }
        return out;
    }

    public TxLocation txLocation(final byte[] hash)
    {
        return hash.length == 32 ? txIndex.get(Hash32.wrap(hash)) : null;
    }

    public EthTransaction pendingTx(final byte[] hash)
    {
        return hash.length == 32 ? pending.get(Hash32.wrap(hash)) : null;
    }

    public Account account(final Address address)
    {
        return accounts.getOrDefault(address, EMPTY);
    }

    /** Next nonce counting the sender's contiguous pending transactions. */
    public long pendingNonce(final Address address)
    {
        final Long n = pendingNonces.get(address);
        return n != null ? n : account(address).nonce();
    }

    public int pendingCount()
    {
        return pending.size();
    }

    public void addListener(final Consumer<L2Block> listener)
    {
        listeners.add(listener);
    }

    public void removeListener(final Consumer<L2Block> listener)
    {
        listeners.remove(listener);
    }

    // ---- single writer below ----

    /** Publishes a committed block; listeners run on the writer thread and must only hand off. */
    public void onBlock(final L2Block block, final List<EthTransaction> txs, final boolean notify)
    {
        final long height = block.header().height();
        // The block first, then the index that points into it: a reader never finds a dangling index.
        byHash.put(Hash32.wrap(block.hash()), block);
        byHeight.put(height, block);
        for (int i = 0; i < txs.size(); i++)
        {
            final Hash32 key = Hash32.wrap(txs.get(i).hash());
            txIndex.put(key, new TxLocation(height, i));
            pending.remove(key);
        }
        headHeight = height;
        if (notify)
        {
            for (final Consumer<L2Block> l : listeners)
            {
                l.accept(block);
            }
        }
    }

    public void putAccount(final Address address, final long nonce, final BigInteger balance)
    {
        accounts.put(address, new Account(nonce, balance));
    }

    public void onPending(final EthTransaction tx)
    {
        pending.put(Hash32.wrap(tx.hash()), tx);
    }

    public void removePending(final byte[] hash)
    {
        pending.remove(Hash32.wrap(hash));
    }

    public void putPendingNonce(final Address address, final long nextNonce)
    {
        pendingNonces.put(address, nextNonce);
    }
}
