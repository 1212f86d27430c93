package dev.seqnet.node.history;

import dev.seqnet.chain.crypto.Keccak256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mapped hash table: growth by doubling tables, fingerprint collisions settled by the caller, concurrent readers. */
class HashIndexTest
{
    @TempDir
    Path dir;

    private static long key(final int i)
    {
        return HashIndex.fingerprint(Keccak256.hash(ByteBuffer.allocate(4).putInt(i).array()));
    }

    @Test
    void everyEntryIsFoundAfterTheTablesDoubleAndAbsentKeysAreNot()
    {
        try (HashIndex index = new HashIndex(dir, "txs", 4)) // 16 slots, half of them used before the next table
        {
            final int n = 10_000;
            for (int i = 0; i < n; i++)
            {
                index.put(key(i), i + 1);
            }
            assertEquals(n, index.size());
            // 8 + 16 + 32 + … entries: 2^(t+3) - 8 >= 10,000 after t = 11 tables, not one table per 8 entries.
            assertEquals(11, index.tableCount());
            for (int i = 0; i < n; i++)
            {
                final long expected = i + 1;
                assertEquals(expected, index.find(key(i), v -> true), "entry " + i);
            }
            for (int i = n; i < n + 1_000; i++)
            {
                assertEquals(HashIndex.NULL_VALUE, index.find(key(i), v -> true), "absent " + i);
            }
        }
    }

    @Test
    void valuesSharingAFingerprintAreAllOfferedToTheCallersCheck()
    {
        try (HashIndex index = new HashIndex(dir, "blocks", 2))
        {
            final long shared = 0x1234_5678_9abc_def0L;
            for (long v = 1; v <= 10; v++)
            {
                index.put(shared, v); // also crosses tables: 2 entries in the first, 4 in the second, …
            }
            index.put(shared + 1, 99);
            for (long want = 1; want <= 10; want++)
            {
                final long w = want;
                assertEquals(want, index.find(shared, v -> v == w));
            }
            assertEquals(HashIndex.NULL_VALUE, index.find(shared, v -> v == 99), "another fingerprint's value is never offered");
            assertEquals(99, index.find(shared + 1, v -> true));
            assertEquals(HashIndex.NULL_VALUE, index.find(shared, v -> false), "nothing accepted: a miss");
        }
    }

    @Test
    void badArgumentsAreRefused()
    {
        try (HashIndex index = new HashIndex(dir, "bad", 4))
        {
            assertThrows(IllegalArgumentException.class, () -> index.put(1, HashIndex.NULL_VALUE));
            assertThrows(IllegalArgumentException.class, () -> HashIndex.fingerprint(new byte[7]));
        }
        assertThrows(IllegalArgumentException.class, () -> new HashIndex(dir, "bad", 1));
        assertEquals(0x0807060504030201L, HashIndex.fingerprint(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
    }

    @Test
    void aReaderFindsEveryEntryPublishedBeforeItLooksWhileTablesAreAdded() throws Exception
    {
        try (HashIndex index = new HashIndex(dir, "race", 3))
        {
            final int n = 50_000;
            final AtomicInteger published = new AtomicInteger();
            final AtomicReference<String> wrong = new AtomicReference<>();
            final Thread reader = new Thread(() ->
            {
                int probe = 0;
                while (published.get() < n && wrong.get() == null)
                {
                    final int upTo = published.get();
                    if (upTo > 0)
                    {
                        probe = (probe + 7919) % upTo;
                        final long value = probe + 1;
                        if (index.find(key(probe), v -> v == value) != value)
                        {
                            wrong.set("entry " + probe + " not found with " + upTo + " published");
                        }
                    }
                }
            });
            reader.start();
            for (int i = 0; i < n; i++)
            {
                index.put(key(i), i + 1);
                published.set(i + 1);
            }
            reader.join();
            assertNull(wrong.get());
            assertTrue(index.tableCount() > 10);
        }
    }
}
