package dev.seqnet.node.history;

import java.nio.file.Path;

/**
 * Where each finalized block sits in the journal: height → Chronicle index of its {@code L2Block}
 * entry, in memory-mapped files of {@code 2^segmentShift} words ({@code heights-N.idx}, created as
 * the chain reaches them). Heights are dense from 1, so a height is its own slot: one 8-byte word per
 * block, found with one read, no search.
 * <p>
 * Why a table and not a binary search over the journal: the journal interleaves blocks with
 * admitted transactions, votes, certificates and bodies, so a probe at a Chronicle index rarely
 * lands on a block and must read on to the next one, and Chronicle seeks through a sparse index (one
 * entry in 256) besides. A search would cost tens of entry reads per old block; this costs a word.
 * <p>
 * One writer (the sequencer thread, in height order), any number of readers. A slot holds the index
 * plus one, so a zero word (sparse file) means "not recorded".
 */
public final class HeightIndex implements AutoCloseable
{
    /** What {@link #get} returns for a height not recorded. */
    public static final long NULL_INDEX = -1;

    /** Default segment: 2^24 heights, a 128 MiB sparse file (a day of blocks at ≈ 200 blocks/s). */
    public static final int DEFAULT_SEGMENT_SHIFT = 24;

    private static final String PREFIX = "heights-";

    private final Path dir;
    private final int segmentShift;
    private final long slotMask;
    /** Replaced, never changed, when a segment is added: readers take one snapshot per lookup. */
    private volatile MappedRegion[] segments = new MappedRegion[0];
    private boolean closed;

    /**
     * @param dir          where the segment files go (files of the same names are replaced).
     * @param segmentShift log2 of the heights per file, in [1, 27].
     */
    public HeightIndex(final Path dir, final int segmentShift)
    {
        if (segmentShift < 1 || segmentShift > MappedRegion.MAX_CHUNK_SHIFT - 3)
        {
            throw new IllegalArgumentException("segmentShift must be in [1, " + (MappedRegion.MAX_CHUNK_SHIFT - 3) + "]: " +
                segmentShift);
        }
        this.dir = dir;
        this.segmentShift = segmentShift;
        this.slotMask = (1L << segmentShift) - 1;
    }

    /**
     * Records where the block at {@code height} was journaled. Writer thread only; allocation free
     * except when the chain enters a new segment.
     *
     * @param height       at least 1.
     * @param journalIndex the Chronicle index of the block's {@code L2Block} entry, non-negative.
     */
    public void put(final long height, final long journalIndex)
    {
        if (height < 1 || journalIndex < 0)
        {
            throw new IllegalArgumentException("height " + height + ", journal index " + journalIndex);
        }
        final long segment = height >>> segmentShift;
        MappedRegion[] current = segments;
        while (segment >= current.length)
        {
            current = grow(current);
        }
        current[(int)segment].putLongOrdered((height & slotMask) << 3, journalIndex + 1);
    }

    /** The journal index recorded for {@code height}, or {@link #NULL_INDEX}. Any thread. */
    public long get(final long height)
    {
        if (height < 1)
        {
            return NULL_INDEX;
        }
        final MappedRegion[] current = segments;
        final long segment = height >>> segmentShift;
        if (segment >= current.length)
        {
            return NULL_INDEX;
        }
        return current[(int)segment].getLongVolatile((height & slotMask) << 3) - 1;
    }

    /** Unmaps the files (they stay on disk). Call once no reader can be inside {@link #get}. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            for (final MappedRegion region : segments)
            {
                region.close();
            }
        }
    }

    private MappedRegion[] grow(final MappedRegion[] current)
    {
        if (closed)
        {
            throw new IllegalStateException("height index closed: " + dir);
        }
        final MappedRegion[] next = java.util.Arrays.copyOf(current, current.length + 1);
        next[current.length] = MappedRegion.create(dir.resolve(PREFIX + current.length + ".idx"), 8L << segmentShift,
            MappedRegion.MAX_CHUNK_SHIFT);
        segments = next;
        return next;
    }
}
