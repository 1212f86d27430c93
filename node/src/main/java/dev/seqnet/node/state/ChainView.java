package dev.seqnet.node.state;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.journal.Journal;
import dev.seqnet.node.history.BlockArchive;
import dev.seqnet.node.history.HashIndex;
import dev.seqnet.node.history.HeightIndex;
import org.agrona.IoUtil;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The read model RPC threads query: finalized blocks, where each transaction was finalized, committed
 * account balances and nonces, and the pending pool's view. Written only by the sequencer thread
 * (single writer), read concurrently; a block becomes visible only after it is journaled and
 * committed.
 * <p>
 * <b>Bounded in memory.</b> A member runs for months, so what grows with the chain stays off the heap:
 * only the last {@link Context#cachedBlocks()} blocks are held (a {@link HeightWindow}); an older one
 * is read back from the journal ({@link BlockArchive}) when asked for; block and transaction hashes
 * map to heights through memory-mapped {@link HashIndex} files. The heap holds the window, the
 * accounts (state, not history) and the pending pool.
 * <p>
 * <b>Rebuilt at every start.</b> The index files under {@link Context#indexDir()} are deleted and
 * written again while recovery replays the journal, which it reads in full anyway. So they need no
 * crash consistency of their own (a crash between a journal append and an index write, or a torn
 * page, cannot leave them wrong), no format version and no fsync: the journal is the record.
 */
public final class ChainView implements AutoCloseable
{
    /** A finalized transaction: its block and its position in it. */
    public record FinalizedTx(L2Block block, int index)
    {
    }

    /** A committed account. */
    public record Account(long nonce, BigInteger balance)
    {
    }

    private static final Account EMPTY = new Account(0, BigInteger.ZERO);
    /** A transaction's index value: its height above its position in the block (a u16, {@link L2Block#MAX_TX_COUNT}). */
    private static final int TX_INDEX_BITS = 16;

    private final int cachedBlocks;
    private final HeightWindow<L2Block> recent;
    private final HeightIndex heights;
    private final BlockArchive archive;
    private final HashIndex blockHashes;
    private final HashIndex txHashes;
    private final byte[] hashScratch = new byte[32];
    private final ConcurrentHashMap<Address, Account> accounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Hash32, EthTransaction> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Address, Long> pendingNonces = new ConcurrentHashMap<>();
    private final List<BlockListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long headHeight;

    /**
     * Opens an empty view over {@code ctx.journal()}, deleting what an earlier run left in
     * {@code ctx.indexDir()}: recovery then publishes every journaled block again.
     */
    public ChainView(final Context ctx)
    {
        ctx.conclude();
        final Path dir = ctx.indexDir();
        IoUtil.ensureDirectoryIsRecreated(dir.toFile(), "chain index", (path, what) -> { });
        this.cachedBlocks = ctx.cachedBlocks();
        this.recent = new HeightWindow<>(cachedBlocks, L2Block::height);
        this.heights = new HeightIndex(dir, ctx.heightSegmentShift());
        this.archive = new BlockArchive(ctx.journal(), heights);
        this.blockHashes = new HashIndex(dir, "blocks", ctx.hashInitialShift());
        this.txHashes = new HashIndex(dir, "txs", ctx.hashInitialShift());
    }

    public long headHeight()
    {
        return headHeight;
    }

    public L2Block head()
    {
        return block(headHeight);
    }

    /** The finalized block at {@code height}, from memory if recent, else from the journal; null if none. */
    public L2Block block(final long height)
    {
        final L2Block held = recent.get(height);
        if (held != null)
        {
            return held;
        }
        return height >= 1 && height <= headHeight ? archive.block(height) : null;
    }

    /** The finalized block with this 32-byte hash, or null (also for a hash of another length). */
    public L2Block block(final byte[] hash)
    {
        if (hash == null || hash.length != 32)
        {
            return null;
        }
        final L2Block[] found = new L2Block[1];
        blockHashes.find(HashIndex.fingerprint(hash), height ->
        {
            final L2Block b = block(height);
            if (b != null && Arrays.equals(hash, b.hash()))
            {
                found[0] = b;
                return true;
            }
            return false;
        });
        return found[0];
    }

    /** Blocks {@code from..to} inclusive that exist, in order. */
    public List<L2Block> range(final long from, final long to)
    {
        final List<L2Block> out = new ArrayList<>();
        for (long h = Math.max(1, from); h <= to; h++)
        {
            final L2Block b = block(h);
            if (b == null)
            {
                break;
            }
            out.add(b);
        }
        return out;
    }

    /** The finalized transaction with this 32-byte hash and its block, or null. */
    public FinalizedTx finalizedTx(final byte[] hash)
    {
        if (hash == null || hash.length != 32)
        {
            return null;
        }
        final FinalizedTx[] found = new FinalizedTx[1];
        txHashes.find(HashIndex.fingerprint(hash), value ->
        {
            final L2Block b = block(value >>> TX_INDEX_BITS);
            final int index = (int)(value & ((1 << TX_INDEX_BITS) - 1));
            if (b != null && index < b.txCount() && Arrays.equals(hash, Keccak256.hash(b.rawTx(index))))
            {
                found[0] = new FinalizedTx(b, index);
                return true;
            }
            return false;
        });
        return found[0];
    }

    public EthTransaction pendingTx(final byte[] hash)
    {
        return hash != null && hash.length == 32 ? pending.get(Hash32.wrap(hash)) : null;
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

    /** How many recent blocks are held in memory at most (node.json {@code chain.cached_blocks}). */
    public int cachedBlocks()
    {
        return cachedBlocks;
    }

    /** How many blocks are held in memory now: never more than {@link #cachedBlocks()}. O(cachedBlocks). */
    public int heldBlocks()
    {
        return recent.size();
    }

    /** The journal reads behind {@link #block(long)} for old heights; also holds each block's finalization record. */
    public BlockArchive archive()
    {
        return archive;
    }

    public void addListener(final BlockListener listener)
    {
        listeners.add(listener);
    }

    public void removeListener(final BlockListener listener)
    {
        listeners.remove(listener);
    }

    /**
     * Told about every committed block on the writer thread (the sequencer's), with its decoded transactions so that
     * a listener needs no hashing of its own; it must only hand off, never block.
     */
    @FunctionalInterface
    public interface BlockListener
    {
        /** @param txs the block's transactions in order; valid during the call only. */
        void onBlock(L2Block block, List<EthTransaction> txs);
    }

    // ---- single writer below ----

    /**
     * Publishes a committed block; listeners run on the writer thread and must only hand off. No disk
     * read and, past the pending-pool removals, no allocation: a slot in the window and a few words
     * written into mapped pages.
     *
     * @param journalIndex the Chronicle index of the block's {@code L2Block} entry.
     */
    public void onBlock(final L2Block block, final List<EthTransaction> txs, final boolean notify, final long journalIndex)
    {
        final long height = block.height();
        // The block first, then the indexes that point to it, then the head: a reader never follows an
        // index to a block it cannot find.
        archive.record(height, journalIndex);
        recent.put(block);
        block.copyHash(hashScratch, 0);
        blockHashes.put(HashIndex.fingerprint(hashScratch), height);
        for (int i = 0; i < txs.size(); i++)
        {
            final byte[] hash = txs.get(i).hash();
            txHashes.put(HashIndex.fingerprint(hash), height << TX_INDEX_BITS | i);
            pending.remove(Hash32.wrap(hash));
        }
        headHeight = height;
        if (notify)
        {
            for (final BlockListener l : listeners)
            {
                l.onBlock(block, txs);
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

    /**
     * The sender's next nonce counting its pending transactions. An account with none pending (its
     * next nonce is its committed one) is forgotten here, so idle accounts cost no entry.
     */
    public void putPendingNonce(final Address address, final long nextNonce)
    {
        if (nextNonce == account(address).nonce())
        {
            pendingNonces.remove(address);
        }
        else
        {
            pendingNonces.put(address, nextNonce);
        }
    }

    /** Closes the journal reader and unmaps the index files; call after RPC has stopped, before the journal closes. */
    @Override
    public void close()
    {
        archive.close();
        heights.close();
        blockHashes.close();
        txHashes.close();
    }

    /**
     * Where the view keeps its indexes, how much of the chain it holds in memory, and the journal it
     * reads old blocks from. Aeron style: fluent setters, {@link #conclude()} checks.
     */
    public static final class Context
    {
        /**
         * Default window: 512 blocks, half a second of history at 1,000 tx/s and 17 minutes at Citrea's rate. Not
         * more: at ≈ 950 blocks/s a window of 4,096 kept every block alive past a few young collections, so they
         * were promoted (≈ 1.2 MB/s, enough to fill the old generation and force a full collection every few
         * minutes) and the young pauses were longer; with 512 nothing is promoted in steady state at that rate
         * (docs/PERFORMANCE.md, fifth round).
         */
        public static final int DEFAULT_CACHED_BLOCKS = 512;

        private Path indexDir;
        private Journal journal;
        private int cachedBlocks = DEFAULT_CACHED_BLOCKS;
        private int heightSegmentShift = HeightIndex.DEFAULT_SEGMENT_SHIFT;
        private int hashInitialShift = HashIndex.DEFAULT_INITIAL_SHIFT;
        private boolean concluded;

        /**
         * @throws IllegalStateException if concluded twice, or the directory or journal is missing, or the
         *                               window is smaller than one block.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            if (null == indexDir || null == journal)
            {
                throw new IllegalStateException("chain view needs indexDir and journal");
            }
            if (cachedBlocks < 1)
            {
                throw new IllegalStateException("cachedBlocks must be at least 1: " + cachedBlocks);
            }
            concluded = true;
            return this;
        }

        /** A directory of the view's own: its contents are deleted when the view opens. */
        public Context indexDir(final Path indexDir)
        {
            this.indexDir = indexDir;
            return this;
        }

        public Path indexDir()
        {
            return indexDir;
        }

        /** The member's journal, which holds every finalized block. */
        public Context journal(final Journal journal)
        {
            this.journal = journal;
            return this;
        }

        public Journal journal()
        {
            return journal;
        }

        /** How many of the most recent blocks stay in memory. */
        public Context cachedBlocks(final int cachedBlocks)
        {
            this.cachedBlocks = cachedBlocks;
            return this;
        }

        public int cachedBlocks()
        {
            return cachedBlocks;
        }

        /** log2 of the heights per height-index file (tests make it small to cross files). */
        public Context heightSegmentShift(final int heightSegmentShift)
        {
            this.heightSegmentShift = heightSegmentShift;
            return this;
        }

        public int heightSegmentShift()
        {
            return heightSegmentShift;
        }

        /** log2 of the slots of the first hash-index table (tests make it small to grow tables). */
        public Context hashInitialShift(final int hashInitialShift)
        {
            this.hashInitialShift = hashInitialShift;
            return this;
        }

        public int hashInitialShift()
        {
            return hashInitialShift;
        }
    }
}
