package dev.seqnet.node.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Height → journal index across segment files, with unknown heights and a reader racing the writer. */
class HeightIndexTest
{
    @TempDir
    Path dir;

    @Test
    void heightsAcrossSegmentsReadBackAndUnrecordedOnesAreNull()
    {
        try (HeightIndex index = new HeightIndex(dir, 3)) // 8 heights per file
        {
            for (long h = 1; h <= 50; h++)
            {
                index.put(h, h == 7 ? 0 : 0x4c5300000000L + h * 3); // index 0 is a valid Chronicle index
            }
            assertEquals(0, index.get(7));
            for (long h = 1; h <= 50; h++)
            {
                assertEquals(h == 7 ? 0 : 0x4c5300000000L + h * 3, index.get(h), "height " + h);
            }
            assertEquals(HeightIndex.NULL_INDEX, index.get(51), "in a mapped segment, not recorded");
            assertEquals(HeightIndex.NULL_INDEX, index.get(1_000_000), "beyond every segment");
            assertEquals(HeightIndex.NULL_INDEX, index.get(0));
            assertEquals(HeightIndex.NULL_INDEX, index.get(-5));
            assertTrue(Files.exists(dir.resolve("heights-6.idx")), "50 heights of 8 per file reach the seventh file");
            assertThrows(IllegalArgumentException.class, () -> index.put(0, 1));
            assertThrows(IllegalArgumentException.class, () -> index.put(60, -1));
        }
    }

    @Test
    void aReaderSeesEveryHeightEitherUnrecordedOrComplete() throws Exception
    {
        try (HeightIndex index = new HeightIndex(dir, 4))
        {
            final long last = 20_000;
            final AtomicLong written = new AtomicLong();
            final AtomicReference<String> wrong = new AtomicReference<>();
            final Thread reader = new Thread(() ->
            {
                while (written.get() < last && wrong.get() == null)
                {
                    final long upTo = written.get();
                    for (long h = Math.max(1, upTo - 64); h <= upTo + 64; h++)
                    {
                        final long v = index.get(h);
                        if (h <= upTo ? v != h * 10 : v != HeightIndex.NULL_INDEX && v != h * 10)
                        {
                            wrong.set("height " + h + " read " + v + " with " + upTo + " written");
                        }
                    }
                }
            });
            reader.start();
            for (long h = 1; h <= last; h++)
            {
                index.put(h, h * 10);
                written.set(h);
            }
            reader.join();
            assertNull(wrong.get());
        }
    }
}
