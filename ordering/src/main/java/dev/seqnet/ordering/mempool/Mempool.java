package dev.seqnet.ordering.mempool;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.ordering.exec.AccountState;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The transaction pool: admits transactions against committed account state, keeps each sender's
 * transactions in nonce order (pending when contiguous from the account nonce, queued behind a gap),
 * and hands the block builder candidates by effective tip.
 *
 * <p><b>Single-threaded.</b> One writer, the admission stage, calls every method (adds, selection,
 * {@link #onBlockCommitted}); nothing is synchronised. Readers on other threads need their own
 * published view.
 *
 * <p><b>Full pool.</b> When {@link Context#globalSlots()} transactions are pooled, a new transaction
 * that would be pending (it extends its sender's contiguous run) may evict the cheapest sender tail:
 * the highest-nonce transaction of the sender whose tail has the lowest {@code (maxFeePerGas,
 * maxPriorityFeePerGas)}, newest first among equals. Evicting tails never opens a nonce gap. The new
 * transaction must pay strictly more on that order and must not come from the evicted sender;
 * otherwise, and for queued transactions, the answer is {@link TxRejection#POOL_FULL}.
 *
 * <p><b>Committed blocks.</b> {@link #onBlockCommitted} drops, for every sender of the block, the
 * transactions whose nonce is now below the account nonce and those whose
 * {@link EthTransaction#maxCost()} now exceeds the balance, then promotes queued transactions that
 * became contiguous.
 */
public final class Mempool
{
    private static final Comparator<SenderQueue> CHEAPEST_TAIL_FIRST = (a, b) ->
    {
        int c = Long.compare(a.tailMaxFee, b.tailMaxFee);
        if (c == 0)
        {
            c = Long.compare(a.tailTip, b.tailTip);
        }
        if (c == 0)
        {
            c = Long.compare(b.tailSeq, a.tailSeq);
        }
        return c != 0 ? c : a.sender.compareTo(b.sender);
    };

    private final int accountSlots;
    private final int globalSlots;
    private final int priceBumpPercent;
    private final long maxNonceGap;
    private final AccountState state;
    private final java.util.function.Consumer<EthTransaction> removalListener;

    private final LinkedHashMap<TxKey, PoolEntry> byHash = new LinkedHashMap<>();
    private final HashMap<Address, SenderQueue> senders = new HashMap<>();
    private final TreeSet<SenderQueue> tails = new TreeSet<>(CHEAPEST_TAIL_FIRST);
    private final Selection selection = new Selection();
    private int pendingTotal;
    private int queuedTotal;
    private long nextSeq;
    private long syncRound;
    private int modCount;

    public Mempool(final Context ctx)
    {
        ctx.conclude();
        this.accountSlots = ctx.accountSlots();
        this.globalSlots = ctx.globalSlots();
        this.priceBumpPercent = ctx.priceBumpPercent();
        this.maxNonceGap = ctx.maxNonceGap();
        this.state = ctx.accountState();
        this.removalListener = ctx.removalListener();
    }

    /**
     * Admits {@code tx}, pending or queued.
     *
     * @return null when admitted, otherwise why not: {@link TxRejection#ALREADY_KNOWN},
     * {@link TxRejection#NONCE_TOO_LOW}, {@link TxRejection#NONCE_TOO_HIGH} (nonce at least
     * {@code maxNonceGap} above the account nonce), {@link TxRejection#INSUFFICIENT_FUNDS} (balance
     * below {@link EthTransaction#maxCost()}), {@link TxRejection#REPLACEMENT_UNDERPRICED},
     * {@link TxRejection#ACCOUNT_LIMIT} or {@link TxRejection#POOL_FULL}.
     */
    public TxRejection add(final EthTransaction tx)
    {
        final TxKey key = TxKey.of(tx.hash());
        if (byHash.containsKey(key))
        {
            return TxRejection.ALREADY_KNOWN;
        }
        final Address from = tx.sender();
        final long accountNonce = state.nonce(from);
        if (tx.nonce() < accountNonce)
        {
            return TxRejection.NONCE_TOO_LOW;
        }
        if (tx.nonce() - accountNonce >= maxNonceGap)
        {
            return TxRejection.NONCE_TOO_HIGH;
        }
        if (state.balance(from).compareTo(tx.maxCost()) < 0)
        {
            return TxRejection.INSUFFICIENT_FUNDS;
        }

        SenderQueue q = senders.get(from);
        if (q != null && q.baseNonce != accountNonce)
        {
            // State moved without onBlockCommitted telling us (it should not): resynchronise.
            sync(q, accountNonce, null);
            q = senders.get(from);
        }

        if (q != null)
        {
            final int index = q.indexOf(tx.nonce());
            if (index >= 0)
            {
                final PoolEntry old = q.entries[index];
                if (!isBumped(old.tx, tx))
                {
                    return TxRejection.REPLACEMENT_UNDERPRICED;
                }
                detach(q);
                byHash.remove(old.key);
                q.entries[index] = newEntry(tx, key);
                attach(q);
                removalListener.accept(old.tx);
                return null;
            }
            if (q.size >= accountSlots)
            {
                return TxRejection.ACCOUNT_LIMIT;
            }
        }

        if (byHash.size() >= globalSlots && !evictFor(tx, q, accountNonce))
        {
            return TxRejection.POOL_FULL;
        }

        if (q == null)
        {
            q = new SenderQueue(from, accountNonce);
            senders.put(from, q);
        }
        else
        {
            detach(q);
        }
        q.insertAt(-(q.indexOf(tx.nonce()) + 1), newEntry(tx, key));
        attach(q);
        return null;
    }

    /**
     * Removes one transaction (e.g. expired); a pending transaction's higher nonces become queued.
     *
     * @return whether it was pooled.
     */
    public boolean remove(final byte[] hash)
    {
        final PoolEntry entry = byHash.get(TxKey.of(hash));
        if (entry == null)
        {
            return false;
        }
        final SenderQueue q = senders.get(entry.tx.sender());
        detach(q);
        q.removeAt(q.indexOf(entry.nonce()));
        byHash.remove(entry.key);
        attach(q);
        removalListener.accept(entry.tx);
        return true;
    }

    public boolean contains(final byte[] hash)
    {
        return byHash.containsKey(TxKey.of(hash));
    }

    /** The pooled transaction with this hash, or null. */
    public EthTransaction get(final byte[] hash)
    {
        final PoolEntry entry = byHash.get(TxKey.of(hash));
        return entry == null ? null : entry.tx;
    }

    /** All pooled transactions, pending and queued. */
    public int size()
    {
        return byHash.size();
    }

    public int pendingCount()
    {
        return pendingTotal;
    }

    public int queuedCount()
    {
        return queuedTotal;
    }

    /** Number of senders with pooled transactions. */
    public int senderCount()
    {
        return senders.size();
    }

    /**
     * The nonce the sender's next transaction should carry: the account nonce plus its contiguous
     * pending transactions (what {@code eth_getTransactionCount(addr, "pending")} returns).
     */
    public long pendingNonce(final Address sender)
    {
        final SenderQueue q = senders.get(sender);
        return q == null ? state.nonce(sender) : q.baseNonce + q.pending;
    }

    /**
     * Every pooled transaction in admission order (replacements count from their replacement). Adding
     * them back in this order to an empty pool over the same state restores the pool, priority ties
     * included.
     */
    public List<EthTransaction> snapshot()
    {
        final ArrayList<EthTransaction> out = new ArrayList<>(byHash.size());
        for (final PoolEntry e : byHash.values())
        {
            out.add(e.tx);
        }
        return out;
    }

    /**
     * Starts a block selection at {@code baseFee}. The returned object is reused by the next call and
     * becomes invalid (throws {@link ConcurrentModificationException}) once the pool changes.
     */
    public Selection select(final long baseFee)
    {
        selection.reset(baseFee, null);
        return selection;
    }

    /**
     * Starts a block selection at {@code baseFee} on top of a speculative parent state (e.g.
     * {@code Execution.speculative()} with blocks open): each sender's candidates are its pooled
     * transactions contiguous from its nonce in {@code parent}, so transactions already included in
     * open, non-final ancestors are passed over without failing their sender. The pool itself is unchanged: those transactions stay until their
     * block commits. Same lifetime rules as {@link #select(long)}.
     */
    public Selection select(final long baseFee, final AccountState parent)
    {
        selection.reset(baseFee, Objects.requireNonNull(parent, "parent"));
        return selection;
    }

    /**
     * Tells the pool a block was committed; the account state must already reflect it. Works for
     * blocks with transactions the pool never saw (a peer's block).
     */
    public void onBlockCommitted(final List<EthTransaction> included)
    {
        final long round = ++syncRound;
        for (int i = 0, n = included.size(); i < n; i++)
        {
            final SenderQueue q = senders.get(included.get(i).sender());
            if (q != null && q.syncMark != round)
            {
                q.syncMark = round;
                sync(q, state.nonce(q.sender), state.balance(q.sender));
            }
        }
    }

    /** Drops entries below {@code accountNonce} and, if {@code balance} is given, unaffordable ones. */
    private void sync(final SenderQueue q, final long accountNonce, final BigInteger balance)
    {
        detach(q);
        q.baseNonce = accountNonce;
        for (int i = q.size - 1; i >= 0; i--)
        {
            final PoolEntry e = q.entries[i];
            if (e.nonce() < accountNonce || (balance != null && balance.compareTo(e.tx.maxCost()) < 0))
            {
                q.removeAt(i);
                byHash.remove(e.key);
                removalListener.accept(e.tx);
            }
        }
        attach(q);
    }

    private boolean evictFor(final EthTransaction tx, final SenderQueue q, final long accountNonce)
    {
        final long pendingEnd = q == null ? accountNonce : q.baseNonce + q.pending;
        if (tx.nonce() != pendingEnd || tails.isEmpty())
        {
            return false;
        }
        final SenderQueue cheapest = tails.first();
        if (cheapest == q)
        {
            return false;
        }
        final boolean paysMore = tx.maxFeePerGas() > cheapest.tailMaxFee ||
            (tx.maxFeePerGas() == cheapest.tailMaxFee && tx.maxPriorityFeePerGas() > cheapest.tailTip);
        if (!paysMore)
        {
            return false;
        }
        detach(cheapest);
        final PoolEntry evicted = cheapest.removeAt(cheapest.size - 1);
        byHash.remove(evicted.key);
        attach(cheapest);
        removalListener.accept(evicted.tx);
        return true;
    }

    /** Geth's rule: both fee fields strictly higher and at least {@code old × (100 + bump) / 100}. */
    private boolean isBumped(final EthTransaction old, final EthTransaction replacement)
    {
        return meetsBump(old.maxFeePerGas(), replacement.maxFeePerGas()) &&
            meetsBump(old.maxPriorityFeePerGas(), replacement.maxPriorityFeePerGas());
    }

    private boolean meetsBump(final long oldValue, final long newValue)
    {
        if (newValue <= oldValue)
        {
            return false;
        }
        final long factor = 100L + priceBumpPercent;
        if (Math.multiplyHigh(oldValue, factor) == 0 && oldValue * factor >= 0)
        {
            return newValue >= oldValue * factor / 100;
        }
        return BigInteger.valueOf(newValue).compareTo(
            BigInteger.valueOf(oldValue).multiply(BigInteger.valueOf(factor)).divide(BigInteger.valueOf(100))) >= 0;
    }

    private PoolEntry newEntry(final EthTransaction tx, final TxKey key)
    {
        final PoolEntry entry = new PoolEntry(tx, key, nextSeq++);
        byHash.put(key, entry);
        return entry;
    }

    /** Takes {@code q} out of the counters and the eviction index before it changes. */
    private void detach(final SenderQueue q)
    {
        if (q.inTails)
        {
            tails.remove(q);
            q.inTails = false;
        }
        pendingTotal -= q.pending;
        queuedTotal -= q.size - q.pending;
    }

    /** Puts {@code q} back after a change, or forgets the sender when it has nothing left. */
    private void attach(final SenderQueue q)
    {
        modCount++;
        q.recomputePending();
        if (q.size == 0)
        {
            q.pending = 0;
            senders.remove(q.sender);
            return;
        }
        pendingTotal += q.pending;
        queuedTotal += q.size - q.pending;
        final PoolEntry tail = q.tail();
        q.tailMaxFee = tail.tx.maxFeePerGas();
        q.tailTip = tail.tx.maxPriorityFeePerGas();
        q.tailSeq = tail.seq;
        tails.add(q);
        q.inTails = true;
    }

    /**
     * Block candidates in priority order: a max-heap of senders keyed by their next pending
     * transaction's effective tip at the block's base fee (admission order breaks ties), so each
     * sender's transactions come out in nonce order. A sender whose next transaction's fee cap is
     * below the base fee contributes nothing further. Hand-written heap: it holds mutable sender
     * cursors, which {@link java.util.PriorityQueue} cannot re-key without allocation.
     */
    public final class Selection
    {
        private SenderQueue[] heap = new SenderQueue[16];
        private int heapSize;
        private long baseFee;
        private int expectedModCount;
        private SenderQueue last;
        private boolean skipLast;

        private Selection()
        {
        }

        void reset(final long baseFee, final AccountState parent)
        {
            this.baseFee = baseFee;
            this.expectedModCount = modCount;
            this.last = null;
            this.skipLast = false;
            Arrays.fill(heap, 0, heapSize, null);
            heapSize = 0;
            if (heap.length < senders.size())
            {
                heap = new SenderQueue[Math.max(senders.size(), heap.length * 2)];
            }
            for (final SenderQueue q : senders.values())
            {
                if (parent == null)
                {
                    q.cursor = 0;
                    q.selEnd = q.pending;
                }
                else
                {
                    // Entries below the parent's nonce are in non-final ancestor blocks; offer the run
                    // contiguous from the parent's nonce, which may include entries queued behind a gap
                    // that an ancestor (say a peer's block) filled.
                    final int start = q.indexOf(parent.nonce(q.sender));
                    q.cursor = Math.max(start, 0);
                    q.selEnd = start < 0 ? 0 : q.contiguousEnd(start);
                }
                if (eligible(q))
                {
                    heap[heapSize++] = q;
                }
            }
            for (int i = (heapSize >>> 1) - 1; i >= 0; i--)
            {
                siftDown(i);
            }
        }

        /** The base fee candidates are filtered and ranked at. */
        public long baseFee()
        {
            return baseFee;
        }

        /**
         * The next candidate, or null when none is left. Unless {@link #skipSender()} was called, the
         * previous candidate's sender stays in the running with its next nonce.
         */
        public EthTransaction next()
        {
            checkUnmodified();
            if (last != null)
            {
                if (!skipLast)
                {
                    last.cursor++;
                    if (eligible(last))
                    {
                        push(last);
                    }
                }
                last = null;
            }
            if (heapSize == 0)
            {
                return null;
            }
            final SenderQueue top = heap[0];
            heap[0] = heap[--heapSize];
            heap[heapSize] = null;
            if (heapSize > 0)
            {
                siftDown(0);
            }
            last = top;
            skipLast = false;
            return top.entries[top.cursor].tx;
        }

        /** Drops the rest of the sender of the candidate last returned (it failed to apply). */
        public void skipSender()
        {
            checkUnmodified();
            if (last == null)
            {
                throw new NoSuchElementException("no candidate to skip");
            }
            skipLast = true;
        }

        private boolean eligible(final SenderQueue q)
        {
            if (q.cursor >= q.selEnd)
            {
                return false;
            }
            final PoolEntry e = q.entries[q.cursor];
            if (e.tx.maxFeePerGas() < baseFee)
            {
                return false;
            }
            q.selTip = e.tx.effectiveTip(baseFee);
            q.selSeq = e.seq;
            return true;
        }

        private void checkUnmodified()
        {
            if (expectedModCount != modCount)
            {
                throw new ConcurrentModificationException("mempool changed during block selection");
            }
        }

        private void push(final SenderQueue q)
        {
            if (heapSize == heap.length)
            {
                heap = Arrays.copyOf(heap, heapSize * 2);
            }
            int i = heapSize++;
            while (i > 0)
            {
                final int parent = (i - 1) >>> 1;
                if (!before(q, heap[parent]))
                {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = q;
        }

        private void siftDown(final int start)
        {
            final SenderQueue q = heap[start];
            int i = start;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= heapSize)
                {
                    break;
                }
                if (child + 1 < heapSize && before(heap[child + 1], heap[child]))
                {
                    child++;
                }
                if (!before(heap[child], q))
                {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = q;
        }

        private boolean before(final SenderQueue a, final SenderQueue b)
        {
            return a.selTip > b.selTip || (a.selTip == b.selTip && a.selSeq < b.selSeq);
        }
    }

    /** Pool limits and the account state it admits against; fluent setters as Aeron's contexts. */
    public static final class Context
    {
        private int accountSlots = 64;
        private int globalSlots = 100_000;
        private int priceBumpPercent = 10;
        private long maxNonceGap = 64;
        private AccountState accountState;
        private java.util.function.Consumer<EthTransaction> removalListener = tx -> {};

        /**
         * Told of every transaction that leaves the pool: replaced, evicted, removed, or dropped
         * after a block (included, stale or unaffordable). It may be called mid-update, so it must
         * only record the transaction, never call back into the pool. The node keeps its RPC read
         * model in step with it.
         */
        public Context removalListener(final java.util.function.Consumer<EthTransaction> removalListener)
        {
            this.removalListener = java.util.Objects.requireNonNull(removalListener);
            return this;
        }

        public java.util.function.Consumer<EthTransaction> removalListener()
        {
            return removalListener;
        }

        /** Most transactions (pending + queued) one sender may have pooled; default 64. */
        public Context accountSlots(final int accountSlots)
        {
            this.accountSlots = accountSlots;
            return this;
        }

        public int accountSlots()
        {
            return accountSlots;
        }

        /** Most transactions pooled in total; default 100,000. */
        public Context globalSlots(final int globalSlots)
        {
            this.globalSlots = globalSlots;
            return this;
        }

        public int globalSlots()
        {
            return globalSlots;
        }

        /** Minimum fee increase, in percent, for a same-nonce replacement; default 10. */
        public Context priceBumpPercent(final int priceBumpPercent)
        {
            this.priceBumpPercent = priceBumpPercent;
            return this;
        }

        public int priceBumpPercent()
        {
            return priceBumpPercent;
        }

        /**
         * How far ahead of the account nonce a transaction may be: nonces from
         * {@code accountNonce + maxNonceGap} up are {@link TxRejection#NONCE_TOO_HIGH}; default 64.
         */
        public Context maxNonceGap(final long maxNonceGap)
        {
            this.maxNonceGap = maxNonceGap;
            return this;
        }

        public long maxNonceGap()
        {
            return maxNonceGap;
        }

        /** Committed nonces and balances to admit against (e.g. the {@code NativeLedger}); required. */
        public Context accountState(final AccountState accountState)
        {
            this.accountState = accountState;
            return this;
        }

        public AccountState accountState()
        {
            return accountState;
        }

        /** Validates the settings. */
        public Context conclude()
        {
            Objects.requireNonNull(accountState, "accountState");
            if (accountSlots < 1 || globalSlots < 1 || maxNonceGap < 1 || priceBumpPercent < 0)
            {
                throw new IllegalArgumentException("accountSlots, globalSlots and maxNonceGap must be positive, " +
                    "priceBumpPercent non-negative");
            }
            return this;
        }
    }
}
