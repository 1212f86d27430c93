package dev.seqnet.node.history;

import dev.seqnet.chain.block.L2Block;
import dev.seqnet.codecs.DroppedTxEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.journal.Journal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Blocks and their finalization records read back by height from a journal that interleaves them with
 * other entries, as a member's does; heights not recorded, entries that are not blocks and a closed
 * archive answer null.
 */
class BlockArchiveTest
{
    private static final int BLOCKS = 30;
    /** Journaled without its FinalizedBlock record (as a one-member network journals every block). */
    private static final long BARE = 10;

    private final List<L2Block> blocks = new ArrayList<>();
    private long droppedIndex;
    private Journal journal;
    private HeightIndex heights;
    private BlockArchive archive;
    @TempDir
    Path dir;

    @BeforeEach
    void journal() throws Exception
    {
        journal = Journal.open(new Journal.Context().dir(dir.resolve("journal")));
        heights = new HeightIndex(dir, 2);
        archive = new BlockArchive(journal, heights);
        final ChainFixture chain = new ChainFixture();
        final UnsafeBuffer dropped = new UnsafeBuffer(new byte[64]);
        final int droppedLength = MessageHeaderEncoder.ENCODED_LENGTH +
            new DroppedTxEncoder().wrapAndApplyHeader(dropped, 0, new MessageHeaderEncoder()).encodedLength();
        for (long h = 1; h <= BLOCKS; h++)
        {
            droppedIndex = journal.append(dropped, 0, droppedLength); // another entry between blocks
            final L2Block block = chain.next(h, chain.txs((int)(h % 3)));
            blocks.add(block);
            archive.record(h, chain.journalBlock(journal, block));
            if (h != BARE && h != BLOCKS)
            {
                chain.journalFinalized(journal, ChainFixture.finalizedOf(block));
            }
        }
    }

    @AfterEach
    void close()
    {
        archive.close();
        heights.close();
        journal.close();
    }

    @Test
    void everyBlockAndItsRecordReadBackByHeight()
    {
        for (long h = 1; h <= BLOCKS; h++)
        {
            assertEquals(blocks.get((int)h - 1), archive.block(h), "block " + h);
            final FinalizedBlock expected = h == BARE || h == BLOCKS ? null : ChainFixture.finalizedOf(blocks.get((int)h - 1));
            assertEquals(expected, archive.finalized(h), "record of " + h);
        }
        for (long h = 1; h <= BLOCKS; h += 7)
        {
            assertEquals(blocks.get((int)h - 1), archive.block(h), "read again, out of order: " + h);
        }
    }

    @Test
    void unknownHeightsAndEntriesThatAreNotTheBlockAnswerNull()
    {
        for (final long h : new long[] {0, -1, BLOCKS + 1, Long.MAX_VALUE})
        {
            assertNull(archive.block(h), "height " + h);
            assertNull(archive.finalized(h), "height " + h);
        }
        archive.record(BLOCKS + 1, droppedIndex); // an index that holds something else
        assertNull(archive.block(BLOCKS + 1));
        assertNull(archive.finalized(BLOCKS + 1));
        archive.record(BLOCKS + 2, journal.lastIndex() + 1000); // past the end of the journal
        assertNull(archive.block(BLOCKS + 2));
        assertEquals(blocks.get(4), archive.block(5), "a failed read leaves the reader usable");
        archive.close();
        assertNull(archive.block(5), "closed: absent, not a crash");
    }

    @Test
    void threadsTakingTurnsAllGetTheirBlocks() throws Exception
    {
        final AtomicReference<String> wrong = new AtomicReference<>();
        final List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final Thread reader = new Thread(() ->
            {
                for (int i = 0; i < 300 && wrong.get() == null; i++)
                {
                    final long h = ThreadLocalRandom.current().nextLong(1, BLOCKS + 1);
                    final L2Block b = archive.block(h);
                    final FinalizedBlock f = archive.finalized(h);
                    if (!blocks.get((int)h - 1).equals(b) || (h != BARE && h != BLOCKS && (f == null || f.height() != h)))
                    {
                        wrong.set(Thread.currentThread().getName() + " read a wrong block or record at " + h);
                    }
                }
            }, "reader-" + t);
            readers.add(reader);
            reader.start();
        }
        for (final Thread reader : readers)
        {
            reader.join();
        }
        assertNull(wrong.get());
    }
}
