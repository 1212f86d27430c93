package dev.seqnet.journal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JournalTest
{
    @TempDir
    Path tmp;

    /** An entry as seen by a handler, copied out of the reader's buffer. */
    record Read(long index, int templateId, byte[] payload)
    {
    }

    static List<Read> readAll(final JournalReader reader)
    {
        final List<Read> reads = new ArrayList<>();
        reader.readAll((index, templateId, buffer, offset, length) ->
            reads.add(new Read(index, templateId, Entries.copy(buffer, offset, length))));
        return reads;
    }

    private Journal open(final Path dir)
    {
        return Journal.open(new Journal.Context().dir(dir));
    }

    @Test
    void appendsEntriesOfDifferentTemplatesAndReadsThemBackInOrder()
    {
        final int n = 300;
        final List<byte[]> written = new ArrayList<>();
        final long[] indices = new long[n];
        try (Journal journal = open(tmp.resolve("j")))
        {
            assertEquals(Journal.NULL_INDEX, journal.lastIndex());
            assertEquals(0, journal.entryCount());
            for (int i = 0; i < n; i++)
            {
                final byte[] payload = Entries.payload(1 + i % 3, (i * 37) % 400, i);
                written.add(payload);
                final int offset = i % 5;
                final DirectBuffer buffer = Entries.inBuffer(payload, offset, i); // heap, direct, raw address
                indices[i] = journal.append(buffer, offset, payload.length);
                if (i > 0)
                {
                    assertEquals(indices[i - 1] + 1, indices[i], "indices are consecutive within a cycle");
                }
            }
            assertEquals(indices[n - 1], journal.lastIndex());
            assertEquals(n, journal.entryCount());

            try (JournalReader reader = journal.newReader())
            {
                final List<Read> reads = readAll(reader);
                assertEquals(n, reads.size());
                for (int i = 0; i < n; i++)
                {
                    assertEquals(indices[i], reads.get(i).index());
                    assertEquals(1 + i % 3, reads.get(i).templateId());
                    assertArrayEquals(written.get(i), reads.get(i).payload(), "entry " + i);
                }
                assertEquals(indices[n - 1], reader.lastReadIndex());
                assertFalse(reader.next((index, templateId, buffer, offset, length) -> { }));
            }
        }
    }

    @Test
    void storesCrc32cAndLengthLittleEndianBeforeThePayload() throws Exception
    {
        // SBE header (blockLength 9, templateId 2, schemaId 5115 = 0x13FB, version 1) + "123456789".
        final byte[] payload = {
            9, 0, 2, 0, (byte)0xFB, 0x13, 1, 0, '1', '2', '3', '4', '5', '6', '7', '8', '9' };
        // Expected CRC-32C computed independently with a bitwise Python implementation (reflected polynomial
        // 0x82F63B78, init and xor-out 0xFFFFFFFF; it gives the standard check value 0xE3069283 for "123456789"):
        //   python3 -c "def c(d):
        //     r=0xFFFFFFFF
        //     for b in d:
        //       r^=b
        //       for _ in range(8): r=(r>>1)^(0x82F63B78 if r&1 else 0)
        //     return r^0xFFFFFFFF
        //   print(hex(c(bytes([9,0,2,0,0xFB,0x13,1,0])+b'123456789')))"
        final int expectedCrc = 0xf81566ab;
        final Path dir = tmp.resolve("j");
        try (Journal journal = open(dir))
        {
            journal.append(new UnsafeBuffer(payload), 0, payload.length);
        }

        final byte[] file = Entries.head(Entries.onlyCycleFile(dir), 1 << 20);
        final int at = Entries.indexOfOnly(file, payload);
        final UnsafeBuffer header = new UnsafeBuffer(file, at - JournalEntry.HEADER_LENGTH, JournalEntry.HEADER_LENGTH);
        assertEquals(expectedCrc, header.getInt(JournalEntry.CRC_OFFSET, JournalEntry.BYTE_ORDER));
        assertEquals(payload.length, header.getInt(JournalEntry.LENGTH_OFFSET, JournalEntry.BYTE_ORDER));
    }

    @Test
    void reopenedJournalContinuesIndicesAndReaderSeesAllEntries()
    {
        final Path dir = tmp.resolve("j");
        final List<byte[]> written = new ArrayList<>();
        final long firstRunLast;
        try (Journal journal = open(dir))
        {
            for (int i = 0; i < 10; i++)
            {
                final byte[] payload = Entries.payload(1, 50, i);
                written.add(payload);
                journal.append(new UnsafeBuffer(payload), 0, payload.length);
            }
            firstRunLast = journal.lastIndex();
        }

        try (Journal journal = open(dir))
        {
            assertEquals(firstRunLast, journal.lastIndex());
            assertEquals(10, journal.entryCount());
            for (int i = 10; i < 20; i++)
            {
                final byte[] payload = Entries.payload(2, 60, i);
                written.add(payload);
                final long index = journal.append(new UnsafeBuffer(payload), 0, payload.length);
                assertEquals(firstRunLast + (i - 9), index);
            }
        }

        try (Journal journal = Journal.open(new Journal.Context().dir(dir).readOnly(true));
            JournalReader reader = journal.newReader())
        {
            final List<Read> reads = readAll(reader);
            assertEquals(20, reads.size());
            for (int i = 0; i < 20; i++)
            {
                assertArrayEquals(written.get(i), reads.get(i).payload());
                assertEquals(reads.get(0).index() + i, reads.get(i).index());
            }
            assertEquals(firstRunLast - 9, reads.get(0).index());
        }
    }

    @Test
    void readerFollowsAWriterOnAnotherThread() throws Exception
    {
        final int n = 20_000;
        try (Journal journal = open(tmp.resolve("j")); JournalReader reader = journal.newReader())
        {
            final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
                    final byte[] header = Entries.payload(3, 0, 0);
                    buffer.putBytes(0, header);
                    for (int i = 0; i < n; i++)
                    {
                        buffer.putInt(8, i);
                        buffer.putLong(12, i * 31L);
                        journal.append(buffer, 0, 20);
                        if (i % 16 == 0)
                        {
                            LockSupport.parkNanos(1_000); // let the reader catch up often
                        }
                    }
                }
                catch (final Throwable t)
                {
                    writerFailure.set(t);
                }
            }, "journal-writer");
            writer.start();

            final int[] expected = {0};
            final JournalHandler check = (index, templateId, buffer, offset, length) ->
            {
                assertEquals(3, templateId);
                assertEquals(20, length);
                assertEquals(expected[0], buffer.getInt(offset + 8));
                assertEquals(expected[0] * 31L, buffer.getLong(offset + 12));
                expected[0]++;
            };
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            int catchUps = 0;
            while (expected[0] < n && System.nanoTime() < deadline)
            {
                // Alternate next() and readAll(): readAll checks the end against Chronicle's last index every
                // time it catches up, racing the writer, and must never mistake an entry in flight for damage.
                if ((catchUps & 1) == 0 ? !reader.next(check) : 0 == reader.readAll(check))
                {
                    catchUps++;
                    LockSupport.parkNanos(10_000);
                }
            }
            writer.join();
            assertNull(writerFailure.get());
            assertEquals(n, expected[0]);
            assertFalse(reader.next((index, templateId, buffer, offset, length) -> { }));
        }
    }

    @Test
    void appendRejectsBadLengthsBoundsAndSchemaWithoutWriting()
    {
        try (Journal journal = Journal.open(new Journal.Context().dir(tmp.resolve("j")).maxEntryLength(1024)))
        {
            final byte[] ok = Entries.payload(1, 10, 1);
            final long index = journal.append(new UnsafeBuffer(ok), 0, ok.length);

            final UnsafeBuffer big = new UnsafeBuffer(Entries.payload(1, 1017, 2)); // 1025 bytes
            assertThrows(IllegalArgumentException.class, () -> journal.append(big, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> journal.append(big, 0, 7));
            assertThrows(IllegalArgumentException.class, () -> journal.append(big, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> journal.append(big, 0, 1025));
            assertThrows(IndexOutOfBoundsException.class, () -> journal.append(new UnsafeBuffer(ok), 1, ok.length));
            final byte[] foreign = Entries.payload(1, 2, 10, 3);
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> journal.append(new UnsafeBuffer(foreign), 0, foreign.length));
            assertTrue(ex.getMessage().contains("schema id 2"), ex.getMessage());
            assertEquals(index, journal.lastIndex(), "nothing appended by rejected calls");

            // the largest allowed entry and the smallest (a bare SBE header) round-trip
            final long largest = journal.append(big, 0, 1024);
            final long smallest = journal.append(big, 0, 8);
            try (JournalReader reader = journal.newReader())
            {
                final List<Read> reads = readAll(reader);
                assertEquals(3, reads.size());
                assertEquals(largest, reads.get(1).index());
                assertArrayEquals(Entries.copy(big, 0, 1024), reads.get(1).payload());
                assertEquals(smallest, reads.get(2).index());
                assertArrayEquals(Entries.copy(big, 0, 8), reads.get(2).payload());
            }
        }
    }

    @Test
    void appendIsAllocationFreeInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        try (Journal journal = open(tmp.resolve("j")))
        {
            final DirectBuffer[] buffers = new DirectBuffer[3];
            for (int kind = 0; kind < 3; kind++)
            {
                buffers[kind] = Entries.inBuffer(Entries.payload(1, 142, kind), 4, kind);
            }
            // Warm up past JIT compilation: measured, appends allocate only while the JIT is still compiling
            // (sporadic 0.1-16 KB per 1000 appends during the first ~90k, then zero for the next 200k).
            for (int i = 0; i < 100_000; i++)
            {
                journal.append(buffers[i % 3], 4, 150);
            }

            final int appends = 50_000;
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < appends; i++)
            {
                journal.append(buffers[i % 3], 4, 150);
            }
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // Any per-append object would be >= 16 bytes per append; the slack of 1 byte per append allows a
            // late JIT recompilation running a few calls interpreted.
            assertTrue(allocated < appends, "allocated " + allocated + " bytes over " + appends + " appends");
        }
    }

    @Test
    void syncOnAppendFlushesEveryAppendAndReadsBack()
    {
        final Path dir = tmp.resolve("j");
        final List<byte[]> written = new ArrayList<>();
        try (Journal journal = Journal.open(new Journal.Context().dir(dir).syncOnAppend(true)))
        {
            for (int i = 0; i < 20; i++)
            {
                final byte[] payload = Entries.payload(2, 100, i);
                written.add(payload);
                final long index = journal.append(new UnsafeBuffer(payload), 0, payload.length);
                assertEquals(index, journal.lastSyncedIndex());
            }
        }
        try (Journal journal = open(dir); JournalReader reader = journal.newReader())
        {
            final List<Read> reads = readAll(reader);
            assertEquals(20, reads.size());
            for (int i = 0; i < 20; i++)
            {
                assertArrayEquals(written.get(i), reads.get(i).payload());
            }
            final byte[] payload = Entries.payload(2, 100, 20);
            journal.append(new UnsafeBuffer(payload), 0, payload.length);
            assertEquals(Journal.NULL_INDEX, journal.lastSyncedIndex(), "no flush without syncOnAppend");
        }
    }

    @Test
    void readerCrossesRollCyclesAndJournalReopensOnTheLastCycle() throws IOException
    {
        final AtomicLong now = new AtomicLong(Instant.parse("2026-01-01T10:00:00Z").toEpochMilli());
        final long day = TimeUnit.DAYS.toMillis(1);
        final Path dir = tmp.resolve("j");
        final List<Long> indices = new ArrayList<>();
        final Journal.Context ctx = new Journal.Context().dir(dir).epochClock(now::get).syncOnAppend(true);
        try (Journal journal = Journal.open(ctx))
        {
            for (int i = 0; i < 15; i++)
            {
                if (i == 5 || i == 10)
                {
                    now.addAndGet(i == 5 ? day : 2 * day); // the second jump skips a whole cycle
                }
                final byte[] payload = Entries.payload(1, 20, i);
                indices.add(journal.append(new UnsafeBuffer(payload), 0, payload.length));
                assertEquals(indices.get(i), journal.lastSyncedIndex()); // flushed, through each new file
            }
        }
        final int cycle0 = (int)(indices.get(0) >>> 32);
        assertEquals(cycle0 + 1, (int)(indices.get(5) >>> 32));
        assertEquals(cycle0 + 3, (int)(indices.get(10) >>> 32));
        assertEquals(3, Entries.cycleFiles(dir).size());

        try (Journal journal = Journal.open(new Journal.Context().dir(dir).epochClock(now::get)))
        {
            assertEquals(indices.get(14), journal.lastIndex());
            assertEquals(15, journal.entryCount());
            final byte[] payload = Entries.payload(1, 20, 15);
            indices.add(journal.append(new UnsafeBuffer(payload), 0, payload.length));
            assertEquals(indices.get(14) + 1, indices.get(15));

            try (JournalReader reader = journal.newReader())
            {
                final List<Read> reads = readAll(reader);
                assertEquals(16, reads.size());
                for (int i = 0; i < 16; i++)
                {
                    assertEquals(indices.get(i), reads.get(i).index());
                    assertArrayEquals(Entries.payload(1, 20, i), reads.get(i).payload());
                }
            }
        }
    }

    @Test
    void readerSeeksToStartToIndexAndToEnd()
    {
        try (Journal journal = open(tmp.resolve("j")); JournalReader reader = journal.newReader())
        {
            final long[] indices = new long[10];
            for (int i = 0; i < 10; i++)
            {
                final byte[] payload = Entries.payload(1 + i, 16, i);
                indices[i] = journal.append(new UnsafeBuffer(payload), 0, payload.length);
            }

            assertTrue(reader.seek(indices[6]));
            assertEquals(indices[6], reader.nextIndex());
            final List<Read> fromSix = readAll(reader);
            assertEquals(4, fromSix.size());
            assertEquals(7, fromSix.get(0).templateId());
            assertArrayEquals(Entries.payload(7, 16, 6), fromSix.get(0).payload());

            assertFalse(reader.seek(indices[9] + 100));

            reader.toStart();
            assertEquals(10, readAll(reader).size());

            reader.toStart().toEnd();
            assertFalse(reader.next((index, templateId, buffer, offset, length) -> { }));
            final byte[] payload = Entries.payload(42, 16, 42);
            final long appended = journal.append(new UnsafeBuffer(payload), 0, payload.length);
            final List<Read> tail = readAll(reader);
            assertEquals(1, tail.size());
            assertEquals(appended, tail.get(0).index());
            assertEquals(42, tail.get(0).templateId());
        }
    }

    @Test
    void readOnlyJournalRefusesAppendsAndMissingDirectory()
    {
        final Path dir = tmp.resolve("j");
        final byte[] payload = Entries.payload(1, 16, 1);
        try (Journal journal = open(dir))
        {
            journal.append(new UnsafeBuffer(payload), 0, payload.length);
        }
        try (Journal journal = Journal.open(new Journal.Context().dir(dir).readOnly(true)))
        {
            assertThrows(IllegalStateException.class, () -> journal.append(new UnsafeBuffer(payload), 0, payload.length));
            try (JournalReader reader = journal.newReader())
            {
                assertEquals(1, readAll(reader).size());
            }
        }
        assertThrows(IllegalStateException.class,
            () -> Journal.open(new Journal.Context().dir(tmp.resolve("absent")).readOnly(true)));
        assertFalse(Files.exists(tmp.resolve("absent")));
    }

    @Test
    void contextConcludeValidates()
    {
        assertThrows(IllegalStateException.class, () -> new Journal.Context().conclude());
        assertThrows(IllegalStateException.class, () -> new Journal.Context().dir(tmp).rollCycle(null).conclude());
        assertThrows(IllegalStateException.class, () -> new Journal.Context().dir(tmp).maxEntryLength(7).conclude());
        assertThrows(IllegalStateException.class, () -> new Journal.Context().dir(tmp).expectedSchemaId(70_000).conclude());
        assertThrows(IllegalStateException.class,
            () -> new Journal.Context().dir(tmp).readOnly(true).syncOnAppend(true).conclude());
        final Journal.Context ctx = new Journal.Context().dir(tmp).conclude();
        assertThrows(IllegalStateException.class, ctx::conclude);
        assertEquals(Journal.Context.DEFAULT_ROLL_CYCLE, ctx.rollCycle());
        assertEquals(5115, ctx.expectedSchemaId());
        assertFalse(ctx.syncOnAppend());

        // larger than Chronicle's chunk overlap (16 MiB by default): refused at open
        assertThrows(IllegalStateException.class,
            () -> Journal.open(new Journal.Context().dir(tmp.resolve("big")).maxEntryLength(32 << 20)));
    }

    @Test
    void closedJournalRefusesUseAndCloseIsIdempotent()
    {
        final Journal journal = open(tmp.resolve("j"));
        final JournalReader reader = journal.newReader();
        final byte[] payload = Entries.payload(1, 16, 1);
        journal.append(new UnsafeBuffer(payload), 0, payload.length);
        journal.close();
        journal.close();
        assertTrue(journal.isClosed());
        assertThrows(IllegalStateException.class, () -> journal.append(new UnsafeBuffer(payload), 0, payload.length));
        assertThrows(IllegalStateException.class, journal::newReader);
        assertThrows(IllegalStateException.class, () -> reader.next((index, templateId, buffer, offset, length) -> { }));
        reader.close();
        reader.close();
    }
}
