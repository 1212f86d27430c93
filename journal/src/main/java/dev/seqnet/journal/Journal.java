package dev.seqnet.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;

import dev.seqnet.codecs.MessageHeaderDecoder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

import static dev.seqnet.journal.JournalEntry.BYTE_ORDER;
import static dev.seqnet.journal.JournalEntry.HEADER_LENGTH;
import static dev.seqnet.journal.JournalEntry.SBE_HEADER_LENGTH;
import static dev.seqnet.journal.JournalEntry.SBE_SCHEMA_ID_OFFSET;

/**
 * The node's write-ahead journal: a Chronicle Queue of checksummed SBE messages (see {@link JournalEntry}
 * for the entry layout). It is byte-level, so it does not depend on the message types written into it.
 * <p>
 * <b>Single writer.</b> {@link #append} must always be called from the same thread: the Chronicle
 * appender is created lazily on the first append and belongs to that thread. Readers
 * ({@link #newReader()}) each own a tailer and may run on other threads while the writer appends.
 * <p>
 * <b>Durability.</b> An append writes into a memory-mapped file. With {@code syncOnAppend(false)} (the
 * default) a returned append survives a crash of this process (the kernel's page cache holds it and
 * writes it back) but not a machine crash or power loss, which can lose the appends not yet written back
 * (Linux writes dirty pages back within about 30 s by default). With {@code syncOnAppend(true)} every append also {@code fdatasync}s
 * the cycle file (and {@code fsync}s the directory when a new cycle file is started) before returning, so
 * a returned append also survives a machine crash, at the price of a disk flush per append.
 * <p>
 * The flush is done with {@link FileChannel#force} rather than Chronicle's {@code syncMode}/msync:
 * Chronicle's msync goes through JNR and silently becomes a no-op when JNR's native library does not
 * load (seen here with the {@code jffi} native jar off the class path: no msync call under strace),
 * whereas {@code fdatasync} on Linux writes back pages dirtied through any shared mapping of the file,
 * and also covers Chronicle's header and index pages.
 * <p>
 * <b>Recovery.</b> Open the journal, read it to the end with {@link JournalReader#readAll} (which verifies
 * every entry and that the end it reaches is the journal's end), and only then append. A damaged file
 * surfaces there as {@link JournalCorruptException}; appending first could write past damage.
 */
public final class Journal implements AutoCloseable
{
    /** Returned by {@link #lastIndex()} for an empty journal. */
    public static final long NULL_INDEX = -1;

    private final Context ctx;
    private final SingleChronicleQueue queue;
    private final Crc32cOfBuffer crc32c = new Crc32cOfBuffer();
    private final boolean syncOnAppend;
    private final boolean readOnly;
    private final int maxEntryLength;
    private final int expectedSchemaId;
    private ExcerptAppender appender;
    private FileChannel syncChannel;
    private int syncCycle = Integer.MIN_VALUE;
    private long lastSyncedIndex = NULL_INDEX;
    private boolean closed;

    private Journal(final Context ctx)
    {
        this.ctx = ctx;
        this.syncOnAppend = ctx.syncOnAppend();
        this.readOnly = ctx.readOnly();
        this.maxEntryLength = ctx.maxEntryLength();
        this.expectedSchemaId = ctx.expectedSchemaId();

        CycleFileCheck.checkHeaders(ctx.dir());
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder
            .binary(ctx.dir())
            .rollCycle(ctx.rollCycle())
            .readOnly(readOnly);
        final EpochClock clock = ctx.epochClock();
        if (null != clock)
        {
            builder.timeProvider(clock::time);
        }
        queue = builder.build();

        // An entry must fit in Chronicle's chunk overlap so that it is contiguous in one mapping.
        final long maxDocument = (long)maxEntryLength + HEADER_LENGTH;
        if (maxDocument > queue.overlapSize())
        {
            queue.close();
            throw new IllegalStateException("maxEntryLength " + maxEntryLength +
                " too large for the queue's mapping overlap of " + queue.overlapSize() + " bytes");
        }
    }

    /**
     * Opens (creating if writable and absent) the journal in {@code ctx.dir()}.
     *
     * @param ctx configuration; concluded here.
     * @return the open journal.
     */
    public static Journal open(final Context ctx)
    {
        ctx.conclude();
        return new Journal(ctx);
    }

    /**
     * Appends one entry: {@code [crc32c][length][payload]} where the payload is
     * {@code buffer[offset, offset + length)}, a complete SBE message with the journal's schema id.
     * Allocation free in steady state. Single writer thread only.
     *
     * @param buffer holding the payload.
     * @param offset of the payload's SBE message header.
     * @param length of the payload, header included.
     * @return the Chronicle index of the new entry.
     * @throws IllegalArgumentException if the payload is shorter than an SBE header, longer than
     *                                  {@link Context#maxEntryLength()}, or of another schema.
     * @throws IllegalStateException    if the journal is read-only or closed.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        if (readOnly)
        {
            throw new IllegalStateException("journal is read-only: " + ctx.dir());
        }
        if (closed)
        {
            throw new IllegalStateException("journal is closed: " + ctx.dir());
        }
        checkPayload(buffer, offset, length);
        final int crc = crc32c.compute(buffer, offset, length);

        ExcerptAppender appender = this.appender;
        if (null == appender)
        {
            appender = queue.createAppender();
            this.appender = appender;
        }

        final DocumentContext dc = appender.writingDocument();
        try
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeInt(crc);
            bytes.writeInt(length);
            final byte[] array = buffer.byteArray();
            if (null != array)
            {
                bytes.write(array, buffer.wrapAdjustment() + offset, length);
            }
            else
            {
                bytes.unsafeWrite(buffer.addressOffset() + offset, length);
            }
        }
        catch (final Throwable t)
        {
            dc.rollbackOnClose();
            throw t;
        }
        finally
        {
            dc.close();
        }

        final long index = appender.lastIndexAppended();
        if (syncOnAppend)
        {
            sync(appender, index);
        }
        return index;
    }

    /**
     * Index of the last entry, {@link #NULL_INDEX} if the journal is empty.
     *
     * @throws JournalCorruptException if Chronicle cannot read its files (e.g. a file was cut short).
     */
    public long lastIndex()
    {
        final long index = guard("lastIndex", queue::lastIndex);
        return index < 0 ? NULL_INDEX : index;
    }

    /**
     * Number of entries in all cycle files; counts through Chronicle's indexes, so it costs more
     * than {@link #lastIndex()}: use at start-up, not per entry.
     *
     * @throws JournalCorruptException if Chronicle cannot read its files (e.g. a file was cut short).
     */
    public long entryCount()
    {
        return guard("entryCount", queue::entryCount);
    }

    /**
     * Index of the last entry this journal flushed to disk with {@code syncOnAppend}; {@link #NULL_INDEX}
     * before the first such append (and always without {@code syncOnAppend}). Writer thread only.
     */
    public long lastSyncedIndex()
    {
        return lastSyncedIndex;
    }

    /**
     * A new reader positioned at the start of the journal. It shares this journal's queue: close it
     * before closing the journal.
     */
    public JournalReader newReader()
    {
        if (closed)
        {
            throw new IllegalStateException("journal is closed: " + ctx.dir());
        }
        return new JournalReader(queue, ctx.dir().toFile(), expectedSchemaId, maxEntryLength);
    }

    /** The concluded configuration. */
    public Context context()
    {
        return ctx;
    }

    public boolean isClosed()
    {
        return closed;
    }

    /** Closes the appender and the queue (and with it any reader still open). Idempotent. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                CloseHelper.close(syncChannel);
                if (null != appender)
                {
                    appender.singleThreadedCheckDisabled(true);
                    appender.close();
                }
            }
            finally
            {
                queue.close();
            }
        }
    }

    public String toString()
    {
        return "Journal{dir=" + ctx.dir() + ", rollCycle=" + ctx.rollCycle() + ", syncOnAppend=" + syncOnAppend +
            ", readOnly=" + readOnly + '}';
    }

    private void checkPayload(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < SBE_HEADER_LENGTH)
        {
            throw new IllegalArgumentException(
                "entry of " + length + " bytes is shorter than the " + SBE_HEADER_LENGTH + "-byte SBE message header");
        }
        if (length > maxEntryLength)
        {
            throw new IllegalArgumentException(
                "entry of " + length + " bytes exceeds maxEntryLength " + maxEntryLength);
        }
        buffer.boundsCheck(offset, length);
        final int schemaId = buffer.getShort(offset + SBE_SCHEMA_ID_OFFSET, BYTE_ORDER) & 0xFFFF;
        if (schemaId != expectedSchemaId)
        {
            throw new IllegalArgumentException(
                "entry schema id " + schemaId + " is not the journal's schema id " + expectedSchemaId);
        }
    }

    private void sync(final ExcerptAppender appender, final long index)
    {
        final int cycle = appender.cycle();
        final boolean newCycleFile = cycle != syncCycle;
        try
        {
            if (newCycleFile)
            {
                CloseHelper.close(syncChannel);
                syncChannel = null;
                syncChannel = FileChannel.open(appender.currentFile().toPath(), StandardOpenOption.READ);
                syncCycle = cycle;
            }
            // fdatasync: writes back the file's dirty page-cache pages, which on Linux include the ones
            // written through Chronicle's mapping, and the file size.
            syncChannel.force(false);
            if (newCycleFile)
            {
                // fdatasync does not make a newly created file's directory entry durable.
                fsyncDirectory(ctx.dir());
            }
        }
        catch (final IOException ex)
        {
            syncCycle = Integer.MIN_VALUE;
            throw new UncheckedIOException("journal sync failed after appending index 0x" + Long.toHexString(index) +
                " in " + ctx.dir(), ex);
        }
        lastSyncedIndex = index;
    }

    private static void fsyncDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private long guard(final String operation, final LongSupplier call)
    {
        try
        {
            return call.getAsLong();
        }
        catch (final Throwable ex)
        {
            throw ChronicleFailure.wrap(ex, NULL_INDEX, ctx.dir().toFile(), operation);
        }
    }

    /**
     * Journal configuration, Aeron style: fluent setters, then {@link #conclude()} validates and applies
     * defaults (called by {@link Journal#open(Context)}).
     */
    public static final class Context
    {
        /**
         * Default roll cycle: one file per UTC day with a sparse index (one entry in 256), up to
         * 2^32 - 1 entries a day. Daily files keep the file count small for a long-lived node;
         * the sparse index keeps appends cheap, and seeks scan at most 255 entries.
         */
        public static final RollCycle DEFAULT_ROLL_CYCLE = RollCycles.FAST_DAILY;

        /**
         * Default largest payload: 8 MiB, far above an L2 block of 10 M gas (at most ~625 KB of calldata)
         * and within Chronicle's default 16 MiB chunk overlap, so an entry is always contiguous.
         */
        public static final int DEFAULT_MAX_ENTRY_LENGTH = 8 * 1024 * 1024;

        /** The seqnet SBE schema id (5115). */
        public static final int DEFAULT_SCHEMA_ID = MessageHeaderDecoder.SCHEMA_ID;

        private Path dir;
        private RollCycle rollCycle = DEFAULT_ROLL_CYCLE;
        private boolean syncOnAppend = false;
        private boolean readOnly = false;
        private int maxEntryLength = DEFAULT_MAX_ENTRY_LENGTH;
        private int expectedSchemaId = DEFAULT_SCHEMA_ID;
        private EpochClock epochClock;
        private boolean concluded;

        /**
         * Validates the configuration.
         *
         * @throws IllegalStateException if concluded twice, or a value is missing or out of range.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            if (null == dir)
            {
                throw new IllegalStateException("journal dir not set");
            }
            if (null == rollCycle)
            {
                throw new IllegalStateException("rollCycle not set");
            }
            if (readOnly && !Files.isDirectory(dir))
            {
                throw new IllegalStateException("read-only journal dir does not exist: " + dir);
            }
            if (readOnly && syncOnAppend)
            {
                throw new IllegalStateException("syncOnAppend needs a writable journal");
            }
            if (maxEntryLength < SBE_HEADER_LENGTH)
            {
                throw new IllegalStateException(
                    "maxEntryLength " + maxEntryLength + " < SBE message header length " + SBE_HEADER_LENGTH);
            }
            if (expectedSchemaId < 0 || expectedSchemaId > 0xFFFF)
            {
                throw new IllegalStateException("expectedSchemaId not a u16: " + expectedSchemaId);
            }
            concluded = true;
            return this;
        }

        /** Directory of the queue's {@code .cq4} cycle files and metadata. */
        public Context dir(final Path dir)
        {
            this.dir = dir;
            return this;
        }

        public Path dir()
        {
            return dir;
        }

        /** How often Chronicle starts a new file; see {@link #DEFAULT_ROLL_CYCLE}. */
        public Context rollCycle(final RollCycle rollCycle)
        {
            this.rollCycle = rollCycle;
            return this;
        }

        public RollCycle rollCycle()
        {
            return rollCycle;
        }

        /**
         * Whether each append is flushed to disk before it returns (survives a machine crash) rather than
         * left in the page cache (survives a process crash only). Default false.
         */
        public Context syncOnAppend(final boolean syncOnAppend)
        {
            this.syncOnAppend = syncOnAppend;
            return this;
        }

        public boolean syncOnAppend()
        {
            return syncOnAppend;
        }

        /** Open for reading only: no appends, the files are mapped read-only. Default false. */
        public Context readOnly(final boolean readOnly)
        {
            this.readOnly = readOnly;
            return this;
        }

        public boolean readOnly()
        {
            return readOnly;
        }

        /** Largest payload accepted by append and by the reader; see {@link #DEFAULT_MAX_ENTRY_LENGTH}. */
        public Context maxEntryLength(final int maxEntryLength)
        {
            this.maxEntryLength = maxEntryLength;
            return this;
        }

        public int maxEntryLength()
        {
            return maxEntryLength;
        }

        /** SBE schema id every payload must carry; see {@link #DEFAULT_SCHEMA_ID}. */
        public Context expectedSchemaId(final int expectedSchemaId)
        {
            this.expectedSchemaId = expectedSchemaId;
            return this;
        }

        public int expectedSchemaId()
        {
            return expectedSchemaId;
        }

        /**
         * Wall clock that picks the roll cycle (file) an append goes to; null (default) uses Chronicle's
         * system clock. Tests set it to cross a cycle boundary.
         */
        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        public EpochClock epochClock()
        {
            return epochClock;
        }

        public String toString()
        {
            return "Journal.Context{dir=" + dir + ", rollCycle=" + rollCycle + ", syncOnAppend=" + syncOnAppend +
                ", readOnly=" + readOnly + ", maxEntryLength=" + maxEntryLength +
                ", expectedSchemaId=" + expectedSchemaId + '}';
        }
    }
}
