package dev.seqnet.node.history;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * A file of 8-byte words mapped into memory, of any length: a {@link MappedByteBuffer} stops at 2 GiB,
 * so the file is mapped as chunks of {@code 2^chunkShift} bytes and an offset picks its chunk. Every
 * offset is a multiple of 8 and a chunk a power of two of at least 8 bytes, so a word never straddles
 * two chunks.
 * <p>
 * Why off the heap: what is stored here (where each block sits in the journal, which block holds a
 * transaction) grows with the chain for as long as a member runs. In a mapped file it costs page cache
 * the kernel can write back and evict, not live heap the collector must trace and copy.
 * <p>
 * The file is created sparse: untouched pages take no disk and no memory. Byte order is the host's:
 * the files are rebuilt at every start (see {@link HashIndex}), never carried to another machine.
 * <p>
 * One writer, any number of readers: {@link #putLongOrdered} publishes a word (and every plain write
 * before it) to a reader that reads it with {@link #getLongVolatile}. {@link #close()} unmaps: no
 * thread may touch the region after that (an access to an unmapped page kills the JVM), so the owner
 * closes it only once its readers have stopped.
 */
final class MappedRegion implements AutoCloseable
{
    /** Largest chunk: 1 GiB, below the 2 GiB limit of one mapping. */
    static final int MAX_CHUNK_SHIFT = 30;

    private final Path file;
    private final long length;
    private final int chunkShift;
    private final long chunkMask;
    private final MappedByteBuffer[] mappings;
    private final UnsafeBuffer[] chunks;
    private volatile boolean closed;

    private MappedRegion(final Path file, final long length, final int chunkShift)
    {
        this.file = file;
        this.length = length;
        this.chunkShift = chunkShift;
        this.chunkMask = (1L << chunkShift) - 1;
        final int count = (int)((length + chunkMask) >>> chunkShift);
        this.mappings = new MappedByteBuffer[count];
        this.chunks = new UnsafeBuffer[count];
    }

    /**
     * Creates {@code file} (replacing one already there) as a sparse file of {@code length} zero bytes
     * and maps it.
     *
     * @param length     a positive multiple of 8.
     * @param chunkShift log2 of the largest mapping, in [3, {@link #MAX_CHUNK_SHIFT}].
     * @throws UncheckedIOException if the file cannot be created or mapped.
     */
    static MappedRegion create(final Path file, final long length, final int chunkShift)
    {
        if (length <= 0 || (length & 7) != 0)
        {
            throw new IllegalArgumentException("length must be a positive multiple of 8: " + length);
        }
        if (chunkShift < 3 || chunkShift > MAX_CHUNK_SHIFT)
        {
            throw new IllegalArgumentException("chunkShift must be in [3, " + MAX_CHUNK_SHIFT + "]: " + chunkShift);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(0);
            raf.setLength(length); // sparse: no block is allocated until a page is written
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        final MappedRegion region = new MappedRegion(file, length, chunkShift);
        try
        {
            for (int i = 0; i < region.chunks.length; i++)
            {
                final long offset = (long)i << chunkShift;
                final long size = Math.min(1L << chunkShift, length - offset);
                region.mappings[i] = IoUtil.mapExistingFile(file.toFile(), file.getFileName().toString(), offset, size);
                region.chunks[i] = new UnsafeBuffer(region.mappings[i]);
            }
        }
        catch (final RuntimeException e)
        {
            region.close();
            throw e;
        }
        return region;
    }

    /** The word at {@code offset}, with acquire semantics: what was written before its ordered put is visible. */
    long getLongVolatile(final long offset)
    {
        return chunk(offset).getLongVolatile(within(offset));
    }

    /** The word at {@code offset}, plain. */
    long getLong(final long offset)
    {
        return chunk(offset).getLong(within(offset));
    }

    /** Writes the word at {@code offset} with release semantics: every write before it is visible first. */
    void putLongOrdered(final long offset, final long value)
    {
        chunk(offset).putLongOrdered(within(offset), value);
    }

    /** Writes the word at {@code offset}, plain: publish it with a later {@link #putLongOrdered}. */
    void putLong(final long offset, final long value)
    {
        chunk(offset).putLong(within(offset), value);
    }

    long length()
    {
        return length;
    }

    Path file()
    {
        return file;
    }

    /** Unmaps every chunk. Idempotent; the file stays. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            for (int i = 0; i < mappings.length; i++)
            {
                if (mappings[i] != null)
                {
                    IoUtil.unmap(mappings[i]);
                    mappings[i] = null;
                }
            }
        }
    }

    private UnsafeBuffer chunk(final long offset)
    {
        if (closed)
        {
            throw new IllegalStateException("unmapped: " + file);
        }
        if (offset < 0 || offset > length - 8)
        {
            throw new IndexOutOfBoundsException("offset " + offset + " outside [0, " + (length - 8) + "] of " + file);
        }
        return chunks[(int)(offset >>> chunkShift)];
    }

    private int within(final long offset)
    {
        return (int)(offset & chunkMask);
    }
}
