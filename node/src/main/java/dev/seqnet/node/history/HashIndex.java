package dev.seqnet.node.history;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * A hash → location table that lives in memory-mapped files instead of the heap: block hash →
 * height, and transaction hash → (height, index in block), for every block a member has finalized.
 * <p>
 * <b>Layout.</b> Open addressing with linear probing over 16-byte slots: {@code [fingerprint u64]
 * [value u64]}, where the fingerprint is the first 8 bytes of the Keccak hash and a value of 0 marks
 * an empty slot. A table is a sparse file ({@code NAME-N.idx}); when it is half full the next one
 * is started at twice the size and the full ones stay as they are, read-only. So nothing is ever
 * rehashed or moved (no pause on the sequencer thread that inserts), at the cost of one probe
 * sequence per table on a lookup: a hit in the newest table (recent transactions, what clients ask
 * for) is 1–2 probes; a miss costs ≈ 2.5 probes per table, and there are log2(entries / initial
 * capacity) + 1 tables (16 after 2^35 entries, a year at 1,000 tx/s, with the default 2^20 initial
 * slots). Disk: the tables together are between half and a quarter full, 32 to 64 bytes per entry
 * (a new table's pages are soon all touched: entries land uniformly).
 * <p>
 * <b>Fingerprints, not keys.</b> The full 32-byte key would make a slot 40 bytes instead of 16. A
 * lookup already fetches the block the value points to (to answer with it), so it checks the full
 * hash there: {@link #find} offers each value stored under the fingerprint to the caller's check and
 * returns the first one it accepts. Two hashes sharing 8 bytes cost one more block read, never a wrong
 * answer.
 * <p>
 * <b>Why by hand.</b> Nothing in the dependency tree is an off-heap, memory-mapped hash map (Chronicle
 * Map is not a dependency of Chronicle Queue; RocksDB or LMDB would add a native library and a
 * compaction or B-tree engine for what is an append-only table of fixed-size entries), and this one
 * is a page of code whose writes are two words into a mapped page.
 * <p>
 * <b>Probing is seeded.</b> The slot is a multiplicative hash of the fingerprint xor a random seed
 * drawn when the table is made, so a client cannot grind transaction hashes into one long probe run.
 * The files are rebuilt at every start (the journal is the record, see {@code ChainView}), so the seed
 * need not be stored.
 * <p>
 * One writer (the sequencer thread), any number of readers: the fingerprint is written first, the
 * value with release semantics, and readers read the value with acquire semantics; a filled slot never
 * changes.
 */
public final class HashIndex implements AutoCloseable
{
    /** The value that means "nothing": {@link #find} returns it on a miss; {@link #put} refuses it. */
    public static final long NULL_VALUE = 0;

    /** Default first table: 2^20 slots, a 16 MiB sparse file. */
    public static final int DEFAULT_INITIAL_SHIFT = 20;

    private static final int SLOT_BYTES = 16;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Path dir;
    private final String name;
    private final int initialShift;
    private final long seed;
    /** Replaced, never changed, when a table is added: readers take one snapshot per lookup. */
    private volatile Table[] tables = new Table[0];
    private Table newest;
    private long size;
    private boolean closed;

    private static final class Table
    {
        final MappedRegion region;
        final int shift;
        final long mask;
        final long limit;
        long count;

        Table(final MappedRegion region, final int shift)
        {
            this.region = region;
            this.shift = shift;
            this.mask = (1L << shift) - 1;
            this.limit = 1L << (shift - 1);
        }
    }

    /**
     * @param dir          where the table files go (files of the same names are replaced).
     * @param name         the files' prefix.
     * @param initialShift log2 of the first table's slots, in [2, 40].
     */
    public HashIndex(final Path dir, final String name, final int initialShift)
    {
        if (initialShift < 2 || initialShift > 40)
        {
            throw new IllegalArgumentException("initialShift must be in [2, 40]: " + initialShift);
        }
        this.dir = dir;
        this.name = name;
        this.initialShift = initialShift;
        this.seed = new SecureRandom().nextLong();
    }

    /**
     * The fingerprint of a 32-byte hash: its first 8 bytes, little-endian.
     *
     * @throws IllegalArgumentException if {@code hash} is shorter than 8 bytes.
     */
    public static long fingerprint(final byte[] hash)
    {
        if (hash.length < 8)
        {
            throw new IllegalArgumentException("hash of " + hash.length + " bytes");
        }
        long v = 0;
        for (int i = 7; i >= 0; i--)
        {
            v = (v << 8) | (hash[i] & 0xFF);
        }
        return v;
    }

    /**
     * Stores {@code value} under {@code fingerprint}. Writer thread only; allocation free except when a
     * table fills and the next is made.
     *
     * @param value anything but {@link #NULL_VALUE}.
     */
    public void put(final long fingerprint, final long value)
    {
        if (value == NULL_VALUE)
        {
            throw new IllegalArgumentException("value 0 marks an empty slot");
        }
        Table table = newest;
        if (table == null || table.count >= table.limit)
        {
            table = addTable();
        }
        final MappedRegion region = table.region;
        long slot = slot(fingerprint, table);
        while (region.getLong(slot * SLOT_BYTES + 8) != NULL_VALUE)
        {
            slot = (slot + 1) & table.mask;
        }
        final long offset = slot * SLOT_BYTES;
        region.putLong(offset, fingerprint);
        region.putLongOrdered(offset + 8, value);
        table.count++;
        size++;
    }

    /**
     * The first value stored under {@code fingerprint} that {@code accept} takes, newest table first;
     * {@link #NULL_VALUE} if none. Any thread.
     */
    public long find(final long fingerprint, final LongPredicate accept)
    {
        final Table[] snapshot = tables;
        for (int t = snapshot.length - 1; t >= 0; t--)
        {
            final Table table = snapshot[t];
            final MappedRegion region = table.region;
            long slot = slot(fingerprint, table);
            long value;
            while ((value = region.getLongVolatile(slot * SLOT_BYTES + 8)) != NULL_VALUE)
            {
                if (region.getLong(slot * SLOT_BYTES) == fingerprint && accept.test(value))
                {
                    return value;
                }
                slot = (slot + 1) & table.mask;
            }
        }
        return NULL_VALUE;
    }

    /** Entries stored. Writer thread. */
    public long size()
    {
        return size;
    }

    /** Tables made so far. */
    public int tableCount()
    {
        return tables.length;
    }

    /** Unmaps the files (they stay on disk). Call once no reader can be inside {@link #find}. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            for (final Table table : tables)
            {
                table.region.close();
            }
        }
    }

    private long slot(final long fingerprint, final Table table)
    {
        return ((fingerprint ^ seed) * GOLDEN) >>> (64 - table.shift);
    }

    private Table addTable()
    {
        if (closed)
        {
            throw new IllegalStateException("hash index closed: " + dir.resolve(name));
        }
        final Table[] current = tables;
        final int shift = initialShift + current.length;
        final Path file = dir.resolve(name + "-" + current.length + ".idx");
        final Table table = new Table(MappedRegion.create(file, (long)SLOT_BYTES << shift, MappedRegion.MAX_CHUNK_SHIFT), shift);
        final Table[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = table;
        tables = next;
        newest = table;
        return table;
    }
}
