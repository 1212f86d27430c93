package dev.seqnet.node.ingress;

import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which client session submitted each admitted transaction, so that the block that finalizes it can be told to that
 * session as a {@code TxFinalized} notice (seqnet-client-schema.xml) instead of the client following every block over
 * WebSocket and hashing every transaction in it. Single writer: admissions and committed blocks both reach it on the
 * sequencer thread.
 * <p>
 * Bounded without timers: two open-addressing tables of at most {@code tracked} transactions each, keyed by the full
 * transaction hash. Admissions go into the current table; a finalized transaction is looked up in both and removed.
 * When the current table is full, the previous one is cleared (its transactions, admitted long ago and still not
 * finalized, get no notice; counted as {@link #untracked()}) and the two swap, so each admission is kept at least
 * until {@code tracked} more are waiting. The probe start is mixed with a per-process random seed, so a client that
 * grinds transaction hashes cannot pile its entries into one probe run. Written by hand because the hot path must not
 * allocate: no boxed keys, no nodes, hits grouped in reused primitive arrays.
 */
final class FinalityNotices
{
    /** Most correlation ids in one notice: 8 + 40 + 4 + 160 × 8 = 1,332 bytes, one Aeron frame at the default MTU. */
    static final int MAX_IDS_PER_NOTICE = 160;

    /** Where a block's notices go: one call per session (and per {@link #MAX_IDS_PER_NOTICE} of its transactions). */
    interface Sink
    {
        /**
         * @param ids the session's finalized submits' correlation ids, {@code ids[offset, offset + count)}, in block
         *            order; valid during the call only.
         */
        void notice(int slot, int generation, long height, byte[] blockHash, long[] ids, int offset, int count);
    }

    private final long seed;
    private final int tracked;
    private Table current;
    private Table previous;
    private long untracked;
    private final byte[] blockHash = new byte[32];
    private int[] hitSlot = new int[64];
    private int[] hitGeneration = new int[64];
    private long[] hitCorrelation = new long[64];
    private long[] order = new long[64];
    private long[] ids = new long[64];
    private int hits;

    /**
     * @param tracked most transactions waiting for finality per table, in [1, 2^24]; each table takes
     *                2 to 4 × tracked × 48 bytes (the next power of two at or above 2 × tracked slots).
     */
    FinalityNotices(final int tracked)
    {
        this(tracked, ThreadLocalRandom.current().nextLong());
    }

    /** @param seed mixed into every probe start (tests give a fixed one, to reproduce a table's layout). */
    FinalityNotices(final int tracked, final long seed)
    {
        if (tracked < 1 || tracked > 1 << 24)
        {
            throw new IllegalArgumentException("tracked must be in [1, 2^24], got " + tracked);
        }
        this.tracked = tracked;
        this.seed = seed;
        final int capacity = Math.max(4, Integer.highestOneBit(tracked - 1 | 1) << 2); // a power of two >= 2 x tracked
        current = new Table(capacity);
        previous = new Table(capacity);
    }

    /** Admissions that were given up before their block came (see the class comment). */
    long untracked()
    {
        return untracked;
    }

    /** Transactions waiting for their block, in both tables. */
    int waiting()
    {
        return current.size + previous.size;
    }

    /** Records that session {@code slot} (of {@code generation}) submitted the transaction {@code hash} as {@code correlationId}. */
    void track(final byte[] hash, final int slot, final int generation, final long correlationId)
    {
        previous.remove(hash, seed); // admitted again after it left the pool: only the latest submit is told
        if (current.size >= tracked && current.find(hash, seed) < 0)
        {
            untracked += previous.size;
            previous.clear();
            final Table t = previous;
            previous = current;
            current = t;
        }
        current.put(hash, seed, slot, generation, correlationId);
    }

    /**
     * Removes the block's tracked transactions and hands their correlation ids to {@code sink}, grouped by session in
     * block order.
     */
    void onBlock(final L2Block block, final List<EthTransaction> txs, final Sink sink)
    {
        if (current.size + previous.size == 0)
        {
            return;
        }
        hits = 0;
        for (int i = 0, n = txs.size(); i < n; i++)
        {
            take(txs.get(i).hash());
        }
        if (hits > 0)
        {
            block.copyHash(blockHash, 0);
            flush(block.height(), blockHash, sink);
        }
    }

    /** {@link #onBlock} for a block given by its height, hash and transaction hashes. */
    void onBlock(final long height, final byte[] blockHash, final List<byte[]> txHashes, final Sink sink)
    {
        hits = 0;
        for (int i = 0, n = txHashes.size(); i < n; i++)
        {
            take(txHashes.get(i));
        }
        if (hits > 0)
        {
            flush(height, blockHash, sink);
        }
    }

    /** Looks {@code hash} up in both tables; a tracked one is removed and becomes the next hit. */
    private void take(final byte[] hash)
    {
        Table table = current;
        int at = table.find(hash, seed);
        if (at < 0)
        {
            table = previous;
            at = table.find(hash, seed);
        }
        if (at < 0)
        {
            return;
        }
        if (hits == hitSlot.length)
        {
            grow(hits * 2);
        }
        hitSlot[hits] = table.session[at];
        hitGeneration[hits] = table.generation[at];
        hitCorrelation[hits] = table.correlation[at];
        order[hits] = (long)table.session[at] << 32 | hits;
        hits++;
        table.removeAt(at, seed);
    }

    /** Hands the hits to {@code sink}, one run per session (slot and generation) of at most MAX_IDS_PER_NOTICE. */
    private void flush(final long height, final byte[] blockHash, final Sink sink)
    {
        Arrays.sort(order, 0, hits); // by session slot, then block order; a short primitive sort allocates nothing
        int run = 0;
        int runSlot = -1;
        int runGeneration = 0;
        for (int k = 0; k < hits; k++)
        {
            final int h = (int)order[k];
            if (run > 0 && (hitSlot[h] != runSlot || hitGeneration[h] != runGeneration || run == MAX_IDS_PER_NOTICE))
            {
                sink.notice(runSlot, runGeneration, height, blockHash, ids, 0, run);
                run = 0;
            }
            runSlot = hitSlot[h];
            runGeneration = hitGeneration[h];
            ids[run++] = hitCorrelation[h];
        }
        sink.notice(runSlot, runGeneration, height, blockHash, ids, 0, run);
        hits = 0;
    }

    /** The session slot {@code hash} is tracked for, or -1. */
    int slotOf(final byte[] hash)
    {
        int at = current.find(hash, seed);
        if (at >= 0)
        {
            return current.session[at];
        }
        at = previous.find(hash, seed);
        return at >= 0 ? previous.session[at] : -1;
    }

    private void grow(final int length)
    {
        hitSlot = Arrays.copyOf(hitSlot, length);
        hitGeneration = Arrays.copyOf(hitGeneration, length);
        hitCorrelation = Arrays.copyOf(hitCorrelation, length);
        order = Arrays.copyOf(order, length);
        ids = Arrays.copyOf(ids, length);
    }

    /** Linear probing over parallel arrays, deletion by backward shift (no tombstones); at most half full. */
    private static final class Table
    {
        private static final int EMPTY = -1;
        final int mask;
        final long[] keys;
        final int[] session;
        final int[] generation;
        final long[] correlation;
        int size;

        Table(final int capacity)
        {
            mask = capacity - 1;
            keys = new long[capacity * 4];
            session = new int[capacity];
            generation = new int[capacity];
            correlation = new long[capacity];
            Arrays.fill(session, EMPTY);
        }

        private static long word(final byte[] hash, final int w)
        {
            final int o = w * 8;
            long v = 0;
            for (int b = 7; b >= 0; b--)
            {
                v = v << 8 | (hash[o + b] & 0xFFL);
            }
            return v;
        }

        private int home(final long k0, final long seed)
        {
            long h = (k0 ^ seed) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
            return (int)h & mask;
        }

        private boolean matches(final int at, final long k0, final long k1, final long k2, final long k3)
        {
            final int o = at * 4;
            return keys[o] == k0 && keys[o + 1] == k1 && keys[o + 2] == k2 && keys[o + 3] == k3;
        }

        int find(final byte[] hash, final long seed)
        {
            if (size == 0)
            {
                return -1;
            }
            final long k0 = word(hash, 0);
            final long k1 = word(hash, 1);
            final long k2 = word(hash, 2);
            final long k3 = word(hash, 3);
            for (int at = home(k0, seed); ; at = (at + 1) & mask)
            {
                if (session[at] == EMPTY)
                {
                    return -1;
                }
                if (matches(at, k0, k1, k2, k3))
                {
                    return at;
                }
            }
        }

        void put(final byte[] hash, final long seed, final int slot, final int gen, final long correlationId)
        {
            final long k0 = word(hash, 0);
            final long k1 = word(hash, 1);
            final long k2 = word(hash, 2);
            final long k3 = word(hash, 3);
            int at = home(k0, seed);
            while (session[at] != EMPTY && !matches(at, k0, k1, k2, k3))
            {
                at = (at + 1) & mask;
            }
            if (session[at] == EMPTY)
            {
                size++;
                final int o = at * 4;
                keys[o] = k0;
                keys[o + 1] = k1;
                keys[o + 2] = k2;
                keys[o + 3] = k3;
            }
            session[at] = slot;
            generation[at] = gen;
            correlation[at] = correlationId;
        }

        int remove(final byte[] hash, final long seed)
        {
            final int at = find(hash, seed);
            if (at >= 0)
            {
                removeAt(at, seed);
            }
            return at;
        }

        /** Empties {@code at}, moving later entries of the run back so that every entry stays reachable from its home. */
        void removeAt(final int at, final long seed)
        {
            int gap = at;
            for (int j = (gap + 1) & mask; session[j] != EMPTY; j = (j + 1) & mask)
            {
                final int home = home(keys[j * 4], seed);
                // j may move into the gap unless its home lies cyclically after the gap (in (gap, j]).
                if (((j - home) & mask) >= ((j - gap) & mask))
                {
                    System.arraycopy(keys, j * 4, keys, gap * 4, 4);
                    session[gap] = session[j];
                    generation[gap] = generation[j];
                    correlation[gap] = correlation[j];
                    gap = j;
                }
            }
            session[gap] = EMPTY;
            size--;
        }

        void clear()
        {
            if (size > 0)
            {
                Arrays.fill(session, EMPTY);
                size = 0;
            }
        }
    }
}
