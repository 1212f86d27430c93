package dev.seqnet.journal;

import java.io.File;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.seqnet.journal.JournalEntry.BYTE_ORDER;
import static dev.seqnet.journal.JournalEntry.CRC_OFFSET;
import static dev.seqnet.journal.JournalEntry.HEADER_LENGTH;
import static dev.seqnet.journal.JournalEntry.LENGTH_OFFSET;
import static dev.seqnet.journal.JournalEntry.SBE_HEADER_LENGTH;
import static dev.seqnet.journal.JournalEntry.SBE_SCHEMA_ID_OFFSET;
import static dev.seqnet.journal.JournalEntry.SBE_TEMPLATE_ID_OFFSET;

/**
 * Reads and verifies journal entries in order through its own Chronicle tailer; it can follow a journal
 * that is being appended to, or read one whose writer has closed. Every entry is checked (document and
 * payload lengths, CRC-32C, SBE header, schema id) before the handler sees it; the first bad entry
 * raises {@link JournalCorruptException} and the reader stays on it.
 * <p>
 * Single threaded: the tailer is created on first use and belongs to that thread. The payload is
 * copied into a reader-owned buffer, so the handler never sees bytes change under it.
 * <p>
 * Damaged files, as measured with chronicle-queue 2026.4 (JournalDamageTest): a changed payload byte,
 * or a file cut inside an entry, is a CRC mismatch at that entry; a zeroed entry header or a file cut on
 * an entry boundary is caught by the end-of-journal check; a file cut inside Chronicle's header or index
 * area fails inside Chronicle and is wrapped; a cycle file without a header is refused when the journal
 * opens. Entries before the damage are delivered; none of these hangs.
 */
public final class JournalReader implements AutoCloseable
{
    /** Least time between two end-of-journal checks by {@link #next}: 100 ms. */
    public static final long END_CHECK_INTERVAL_NS = 100_000_000L;

    private static final int INITIAL_PAYLOAD_CAPACITY = 4096;
    private static final long NOT_CHECKED = Long.MIN_VALUE;

    private final SingleChronicleQueue queue;
    private final File dir;
    private final int expectedSchemaId;
    private final int maxEntryLength;
    private final Crc32cOfBuffer crc32c = new Crc32cOfBuffer();
    private final UnsafeBuffer payload;
    private byte[] payloadArray;
    private ExcerptTailer tailer;
    private long lastReadIndex = Journal.NULL_INDEX;
    private long endVerifiedAt = NOT_CHECKED;
    private long lastEndCheckNs = System.nanoTime() - END_CHECK_INTERVAL_NS;
    private boolean threadHandOff;
    private boolean closed;

    JournalReader(final SingleChronicleQueue queue, final File dir, final int expectedSchemaId, final int maxEntryLength)
    {
        this.queue = queue;
        this.dir = dir;
        this.expectedSchemaId = expectedSchemaId;
        this.maxEntryLength = maxEntryLength;
        this.payloadArray = new byte[Math.min(INITIAL_PAYLOAD_CAPACITY, maxEntryLength)];
        this.payload = new UnsafeBuffer(payloadArray);
    }

    /**
     * Delivers the next entry to the handler, if one is there.
     * <p>
     * Returns false at the end of the journal. Before saying so it may ask Chronicle for the journal's last
     * index and report corruption if that index lies at or beyond this reader's position (an entry exists
     * that cannot be read, e.g. its header was zeroed) or behind an entry already read (Chronicle lost its
     * end, e.g. a cycle file was cut and re-extended with zeros). That query costs ~24 us and ~4 KB of
     * garbage (measured), so a reader following a live writer makes it at most once per
     * {@link #END_CHECK_INTERVAL_NS} and once per end position; {@link #readAll} always makes it.
     *
     * @param handler receives the entry.
     * @return true if an entry was delivered, false if the reader is at the end of the journal.
     * @throws JournalCorruptException if the next entry is damaged or Chronicle cannot read the file.
     */
    public boolean next(final JournalHandler handler) throws JournalCorruptException
    {
        return next(handler, false);
    }

    /**
     * Delivers every remaining entry, in order, then checks that the end reached is the journal's end:
     * the recovery read.
     *
     * @return the number of entries delivered.
     * @throws JournalCorruptException at the first damaged entry; the entries before it were delivered.
     */
    public long readAll(final JournalHandler handler) throws JournalCorruptException
    {
        long count = 0;
        while (next(handler, true))
        {
            count++;
        }
        return count;
    }

    /** Moves to the first entry of the journal. */
    public JournalReader toStart()
    {
        final ExcerptTailer tailer = tailer();
        try
        {
            tailer.toStart();
        }
        catch (final Throwable ex)
        {
            throw ChronicleFailure.wrap(ex, Journal.NULL_INDEX, dir, "toStart");
        }
        endVerifiedAt = NOT_CHECKED;
        return this;
    }

    /** Moves past the last entry, to read only what is appended from now on. */
    public JournalReader toEnd()
    {
        final ExcerptTailer tailer = tailer();
        try
        {
            tailer.toEnd();
        }
        catch (final Throwable ex)
        {
            throw ChronicleFailure.wrap(ex, Journal.NULL_INDEX, dir, "toEnd");
        }
        endVerifiedAt = NOT_CHECKED;
        return this;
    }

    /**
     * Moves so that {@link #next} reads the entry at {@code index}.
     *
     * @return true if the entry exists; false leaves the position unspecified (use {@link #toStart()}).
     */
    public boolean seek(final long index)
    {
        final ExcerptTailer tailer = tailer();
        endVerifiedAt = NOT_CHECKED;
        try
        {
            return tailer.moveToIndex(index);
        }
        catch (final Throwable ex)
        {
            throw ChronicleFailure.wrap(ex, index, dir, "seek");
        }
    }

    /**
     * Lets threads take turns with this reader. Chronicle refuses a tailer used by a thread other than
     * the one that first used it; a reader serving random reads for a pool of threads turns that check
     * off. The caller still uses it from one thread at a time, with a happens-before edge between
     * turns (a lock).
     */
    public JournalReader allowThreadHandOff()
    {
        threadHandOff = true;
        if (null != tailer)
        {
            tailer.singleThreadedCheckDisabled(true);
        }
        return this;
    }

    /** Index the next {@link #next} call will read (Chronicle's tailer index). */
    public long nextIndex()
    {
        return indexOf(tailer());
    }

    /** Index of the last entry delivered, {@link Journal#NULL_INDEX} if none yet. */
    public long lastReadIndex()
    {
        return lastReadIndex;
    }

    /** Closes the tailer. Idempotent. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            if (null != tailer && !queue.isClosed())
            {
                tailer.singleThreadedCheckDisabled(true);
                tailer.close();
            }
        }
    }

    private boolean next(final JournalHandler handler, final boolean forceEndCheck)
    {
        final ExcerptTailer tailer = tailer();
        if (readOne(tailer, handler))
        {
            return true;
        }

        final long position = indexOf(tailer);
        if (position != endVerifiedAt)
        {
            final long now = System.nanoTime();
            if (forceEndCheck || now - lastEndCheckNs >= END_CHECK_INTERVAL_NS)
            {
                lastEndCheckNs = now;
                if (verifyEnd(tailer, handler, position))
                {
                    return true;
                }
                endVerifiedAt = position;
            }
        }
        return false;
    }

    /** @return true if an entry turned up after all (appended meanwhile) and was delivered. */
    private boolean verifyEnd(final ExcerptTailer tailer, final JournalHandler handler, final long position)
    {
        final long last = lastIndex(tailer);
        if (last >= 0 && last >= position)
        {
            // The writer may have completed the entry just after our read: look once more.
            if (readOne(tailer, handler))
            {
                return true;
            }
            throw new JournalCorruptException(position, fileOf(tailer),
                "no readable entry here, yet the journal's last index is 0x" + Long.toHexString(last) +
                " (entry header zeroed or damaged?)");
        }
        if (Journal.NULL_INDEX != lastReadIndex && last < lastReadIndex)
        {
            // Entries never disappear from a single-writer journal: Chronicle lost track of its end.
            throw new JournalCorruptException(position, fileOf(tailer),
                "no readable entry here, and the journal's last index 0x" + Long.toHexString(last) +
                " is behind the entry already read at 0x" + Long.toHexString(lastReadIndex) +
                " (cycle file cut short?)");
        }
        return false;
    }

    private ExcerptTailer tailer()
    {
        if (closed)
        {
            throw new IllegalStateException("reader is closed: " + dir);
        }
        if (queue.isClosed())
        {
            throw new IllegalStateException("journal is closed: " + dir);
        }
        ExcerptTailer tailer = this.tailer;
        if (null == tailer)
        {
            try
            {
                tailer = queue.createTailer();
                if (threadHandOff)
                {
                    tailer.singleThreadedCheckDisabled(true);
                }
            }
            catch (final Throwable ex)
            {
                throw ChronicleFailure.wrap(ex, Journal.NULL_INDEX, dir, "createTailer");
            }
            this.tailer = tailer;
        }
        return tailer;
    }

    private boolean readOne(final ExcerptTailer tailer, final JournalHandler handler)
    {
        final DocumentContext dc;
        try
        {
            dc = tailer.readingDocument();
        }
        catch (final Throwable ex)
        {
            throw ChronicleFailure.wrap(ex, indexOf(tailer), fileOf(tailer), "readingDocument");
        }

        final long index;
        final int length;
        try
        {
            if (!dc.isPresent())
            {
                return false;
            }
            index = dc.index();
            length = copyVerifiedPayload(dc, index, tailer);
        }
        catch (final JournalCorruptException ex)
        {
            dc.rollbackOnClose();
            throw ex;
        }
        catch (final Throwable ex)
        {
            dc.rollbackOnClose();
            throw ChronicleFailure.wrap(ex, indexOf(tailer), fileOf(tailer), "reading an entry");
        }
        finally
        {
            dc.close();
        }

        lastReadIndex = index;
        endVerifiedAt = NOT_CHECKED;
        final int templateId = payload.getShort(SBE_TEMPLATE_ID_OFFSET, BYTE_ORDER) & 0xFFFF;
        handler.onEntry(index, templateId, payload, 0, length);
        return true;
    }

    private int copyVerifiedPayload(final DocumentContext dc, final long index, final ExcerptTailer tailer)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long start = bytes.readPosition();
        final long documentLength = bytes.readRemaining();
        if (documentLength < HEADER_LENGTH)
        {
            throw corrupt(index, tailer,
                "document of " + documentLength + " bytes is shorter than the " + HEADER_LENGTH + "-byte entry header");
        }

        final int storedCrc = bytes.readInt(start + CRC_OFFSET);
        final int length = bytes.readInt(start + LENGTH_OFFSET);
        if (length != documentLength - HEADER_LENGTH)
        {
            throw corrupt(index, tailer, "payload length " + Integer.toUnsignedString(length) +
                " does not match the document's " + (documentLength - HEADER_LENGTH) + " bytes after the entry header");
        }
        if (length < SBE_HEADER_LENGTH)
        {
            throw corrupt(index, tailer,
                "payload of " + length + " bytes is shorter than the " + SBE_HEADER_LENGTH + "-byte SBE message header");
        }
        if (length > maxEntryLength)
        {
            throw corrupt(index, tailer, "payload of " + length + " bytes exceeds maxEntryLength " + maxEntryLength);
        }

        ensurePayloadCapacity(length);
        final long copied = bytes.read(start + HEADER_LENGTH, payloadArray, 0, length);
        if (copied != length)
        {
            throw corrupt(index, tailer, "could read only " + copied + " of the payload's " + length + " bytes");
        }

        final int computedCrc = crc32c.compute(payloadArray, 0, length);
        if (computedCrc != storedCrc)
        {
            throw corrupt(index, tailer, "crc mismatch (stored 0x" + Integer.toHexString(storedCrc) +
                ", computed 0x" + Integer.toHexString(computedCrc) + ")");
        }

        final int schemaId = payload.getShort(SBE_SCHEMA_ID_OFFSET, BYTE_ORDER) & 0xFFFF;
        if (schemaId != expectedSchemaId)
        {
            throw corrupt(index, tailer, "unknown schema id " + schemaId + " (expected " + expectedSchemaId + ")");
        }
        return length;
    }

    private void ensurePayloadCapacity(final int length)
    {
        if (payloadArray.length < length)
        {
            payloadArray = new byte[Math.max(length, Math.min(maxEntryLength, payloadArray.length * 2))];
            payload.wrap(payloadArray);
        }
    }

    private long lastIndex(final ExcerptTailer tailer)
    {
        try
        {
            return queue.lastIndex();
        }
        catch (final Throwable ex)
        {
            throw ChronicleFailure.wrap(ex, indexOf(tailer), fileOf(tailer), "lastIndex");
        }
    }

    private JournalCorruptException corrupt(final long index, final ExcerptTailer tailer, final String reason)
    {
        return new JournalCorruptException(index, fileOf(tailer), reason);
    }

    private File fileOf(final ExcerptTailer tailer)
    {
        try
        {
            final File file = tailer.currentFile();
            return null != file ? file : dir;
        }
        catch (final Throwable ex)
        {
            return dir;
        }
    }

    private static long indexOf(final ExcerptTailer tailer)
    {
        try
        {
            return tailer.index();
        }
        catch (final Throwable ex)
        {
            return Journal.NULL_INDEX;
        }
    }
}
