package dev.seqnet.node.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A mapped file of words longer than one mapping: offsets pick their chunk, bounds and close are enforced. */
class MappedRegionTest
{
    @TempDir
    Path dir;

    @Test
    void wordsOnEitherSideOfEveryChunkBoundaryReadBackAndTheFileIsReplacedZeroed() throws Exception
    {
        final Path file = dir.resolve("words.idx");
        final long length = 5 * 64; // five chunks of 64 bytes
        try (MappedRegion region = MappedRegion.create(file, length, 6))
        {
            for (long offset = 0; offset < length; offset += 8)
            {
                region.putLong(offset, offset * 31 + 7);
            }
            for (long offset = 0; offset < length; offset += 8)
            {
                assertEquals(offset * 31 + 7, region.getLongVolatile(offset), "offset " + offset);
            }
            region.putLongOrdered(length - 8, -1L);
            assertEquals(-1L, region.getLong(length - 8));
            assertEquals(length, Files.size(file));
        }
        try (MappedRegion again = MappedRegion.create(file, length, 6))
        {
            assertEquals(0, again.getLong(64), "an old file of the same name starts over");
        }
    }

    @Test
    void offsetsOutsideTheFileAndUseAfterCloseAreRefusedNotFatal()
    {
        final MappedRegion region = MappedRegion.create(dir.resolve("small.idx"), 64, 30);
        assertThrows(IndexOutOfBoundsException.class, () -> region.getLong(64));
        assertThrows(IndexOutOfBoundsException.class, () -> region.putLong(-8, 1));
        region.close();
        region.close();
        assertThrows(IllegalStateException.class, () -> region.getLong(0), "an unmapped page would kill the JVM");
        assertThrows(IllegalArgumentException.class, () -> MappedRegion.create(dir.resolve("odd.idx"), 12, 30));
        assertThrows(IllegalArgumentException.class, () -> MappedRegion.create(dir.resolve("big.idx"), 64, 31));
    }
}
