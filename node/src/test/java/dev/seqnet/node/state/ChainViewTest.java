package dev.seqnet.node.state;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.journal.Journal;
import dev.seqnet.node.history.ChainFixture;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read model with a window smaller than the chain: 50 blocks, 8 held in memory, every block and
 * transaction still found by height and hash (old ones from the journal), bad input answered with null.
 */
class ChainViewTest
{
    private static final int WINDOW = 8;
    private static final int BLOCKS = 50;

    @TempDir
    Path dir;
    private Journal journal;
    private ChainView view;
    private final List<L2Block> blocks = new ArrayList<>();
    private final List<EthTransaction> txs = new ArrayList<>();

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(view, journal);
    }

    private ChainView open()
    {
        return new ChainView(new ChainView.Context().indexDir(dir.resolve("index")).journal(journal)
            .cachedBlocks(WINDOW).hashInitialShift(3).heightSegmentShift(4));
    }

    /** Journals and publishes {@code count} blocks of 0–2 transactions, as the sequencer thread does. */
    private void produce(final int count) throws Exception
    {
        journal = Journal.open(new Journal.Context().dir(dir.resolve("journal")));
        view = open();
        final ChainFixture chain = new ChainFixture();
        for (long h = 1; h <= count; h++)
        {
            final List<EthTransaction> blockTxs = chain.txs((int)(h % 3));
            final L2Block block = chain.next(h, blockTxs);
            final long index = chain.journalBlock(journal, block);
            chain.journalFinalized(journal, ChainFixture.finalizedOf(block));
            view.onBlock(block, blockTxs, true, index);
            blocks.add(block);
            txs.addAll(blockTxs);
        }
    }

    @Test
    void oldBlocksAndTransactionsAreFoundByHeightAndHashWhileOnlyTheWindowIsHeld() throws Exception
    {
        produce(BLOCKS);
        assertEquals(BLOCKS, view.headHeight());
        assertEquals(WINDOW, view.heldBlocks(), "the heap holds the window, not the chain");
        assertSame(blocks.get(BLOCKS - 1), view.head());
        for (int h = 1; h <= BLOCKS; h++)
        {
            final L2Block expected = blocks.get(h - 1);
            assertEquals(expected, view.block(h), "by height " + h);
            assertEquals(expected, view.block(expected.hash()), "by hash " + h);
        }
        assertEquals(WINDOW, view.heldBlocks(), "reading old blocks caches nothing");
        final L2Block b3 = blocks.get(2);
        assertFalse(view.block(3) == b3, "block 3 comes back from the journal: an equal copy, not the object published");
        for (final EthTransaction tx : txs)
        {
            final ChainView.FinalizedTx found = view.finalizedTx(tx.hash());
            assertArrayEquals(tx.raw(), found.block().rawTx(found.index()), "transaction " + tx);
        }
        final List<L2Block> range = view.range(BLOCKS - WINDOW - 3, BLOCKS + 5);
        assertEquals(blocks.subList(BLOCKS - WINDOW - 4, BLOCKS), range, "a range across the window's edge, cut at the head");
    }

    @Test
    void badOrUnknownInputAnswersNull() throws Exception
    {
        produce(20);
        for (final long h : new long[] {0, -1, 21, Long.MAX_VALUE, Long.MIN_VALUE})
        {
            assertNull(view.block(h), "height " + h);
        }
        for (final byte[] hash : new byte[][] {null, new byte[0], new byte[31], new byte[33], new byte[32]})
        {
            assertNull(view.block(hash));
            assertNull(view.finalizedTx(hash));
            assertNull(view.pendingTx(hash));
        }
        final byte[] almost = blocks.get(2).hash();
        almost[31] ^= 1; // same fingerprint (first 8 bytes), another hash
        assertNull(view.block(almost), "a fingerprint match is checked against the block's full hash");
        final byte[] txAlmost = txs.get(0).hash().clone();
        txAlmost[31] ^= 1;
        assertNull(view.finalizedTx(txAlmost));
        assertEquals(List.of(), view.range(30, 40));
    }

    @Test
    void aRestartedViewRebuildsItsIndexesFromWhatRecoveryPublishesAgain() throws Exception
    {
        produce(BLOCKS);
        final EthTransaction old = txs.get(1); // block 1 holds one transaction, block 2 the next two
        view.close();
        assertTrue(Files.list(dir.resolve("index")).findAny().isPresent());
        view = open();
        assertNull(view.finalizedTx(old.hash()), "the index files start over: nothing until recovery publishes");
        assertNull(view.block(3));
        // Recovery replays the journal: every block published again with its journal index.
        final List<Long> indexes = new ArrayList<>();
        try (var reader = journal.newReader())
        {
            reader.readAll((index, template, buffer, offset, length) ->
            {
                if (template == dev.seqnet.codecs.L2BlockDecoder.TEMPLATE_ID)
                {
                    indexes.add(index);
                }
            });
        }
        int t = 0;
        for (int h = 1; h <= BLOCKS; h++)
        {
            final int n = h % 3;
            view.onBlock(blocks.get(h - 1), txs.subList(t, t + n), false, indexes.get(h - 1));
            t += n;
        }
        final ChainView.FinalizedTx found = view.finalizedTx(old.hash());
        assertEquals(2, found.block().height());
        assertEquals(0, found.index());
        assertEquals(blocks.get(2), view.block(blocks.get(2).hash()));
    }

    @Test
    void idleAccountsLeaveNoPendingNonceBehind() throws Exception
    {
        produce(1);
        final Address a = Address.fromHex("0x2222222222222222222222222222222222222222");
        view.putAccount(a, 5, BigInteger.TEN);
        view.putPendingNonce(a, 7);
        assertEquals(7, view.pendingNonce(a));
        view.putAccount(a, 7, BigInteger.ONE);
        view.putPendingNonce(a, 7);
        assertEquals(7, view.pendingNonce(a), "none pending: the committed nonce");
        view.putAccount(a, 8, BigInteger.ONE);
        assertEquals(8, view.pendingNonce(a), "the entry is gone, so the committed nonce is what counts");
    }

    @Test
    void aContextWithoutItsPartsIsRefused()
    {
        assertThrows(IllegalStateException.class, () -> new ChainView.Context().conclude());
        assertThrows(IllegalStateException.class,
            () -> new ChainView.Context().indexDir(dir).journal(null).conclude());
    }
}
