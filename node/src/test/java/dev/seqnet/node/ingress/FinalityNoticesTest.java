package dev.seqnet.node.ingress;

import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.node.history.ChainFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which session is told which finalized transactions: grouping by session in block order, one notice per
 * session and block (split at {@link FinalityNotices#MAX_IDS_PER_NOTICE}), each admission told once, the bound on
 * what is tracked, and the hash table's deletions against a model.
 */
class FinalityNoticesTest
{
    /** One {@link FinalityNotices.Sink#notice} call. */
    private record Notice(int slot, int generation, long height, byte[] blockHash, long[] ids)
    {
    }

    private static List<Notice> collect(final FinalityNotices notices, final L2Block block, final List<EthTransaction> txs)
    {
        final List<Notice> out = new ArrayList<>();
        notices.onBlock(block, txs, (slot, generation, height, hash, ids, offset, count) ->
            out.add(new Notice(slot, generation, height, hash.clone(), Arrays.copyOfRange(ids, offset, offset + count))));
        return out;
    }

    private static List<Notice> collect(final FinalityNotices notices, final long height, final List<byte[]> hashes)
    {
        final List<Notice> out = new ArrayList<>();
        notices.onBlock(height, new byte[32], hashes, (slot, generation, h, hash, ids, offset, count) ->
            out.add(new Notice(slot, generation, h, hash.clone(), Arrays.copyOfRange(ids, offset, offset + count))));
        return out;
    }

    @Test
    void aBlockIsToldToEachSessionOnceInBlockOrder() throws Exception
    {
        final ChainFixture chain = new ChainFixture();
        final List<EthTransaction> txs = chain.txs(6);
        final FinalityNotices notices = new FinalityNotices(100);
        // Sessions 3 and 1 submitted four of the six, interleaved; the other two came from elsewhere (RPC, a peer).
        notices.track(txs.get(0).hash(), 3, 7, 100);
        notices.track(txs.get(1).hash(), 1, 2, 200);
        notices.track(txs.get(3).hash(), 3, 7, 101);
        notices.track(txs.get(5).hash(), 1, 2, 201);
        assertEquals(4, notices.waiting());

        final L2Block block = chain.next(9, txs);
        final List<Notice> told = collect(notices, block, txs);
        assertEquals(2, told.size(), "one notice per session");
        assertEquals(1, told.get(0).slot());
        assertEquals(2, told.get(0).generation());
        assertArrayEquals(new long[] {200, 201}, told.get(0).ids(), "session 1's submits, in block order");
        assertEquals(3, told.get(1).slot());
        assertArrayEquals(new long[] {100, 101}, told.get(1).ids());
        for (final Notice n : told)
        {
            assertEquals(9, n.height());
            assertArrayEquals(block.hash(), n.blockHash());
        }
        assertEquals(0, notices.waiting(), "told transactions are forgotten");
        assertTrue(collect(notices, block, txs).isEmpty(), "a block seen again tells nobody twice");
    }

    @Test
    void aReplacedSessionInTheSameSlotGetsItsOwnNotice()
    {
        final FinalityNotices notices = new FinalityNotices(100);
        final List<byte[]> hashes = hashes(new Random(1), 3);
        notices.track(hashes.get(0), 0, 1, 10);
        notices.track(hashes.get(1), 0, 2, 20); // the slot's session was replaced in between
        notices.track(hashes.get(2), 0, 1, 11);
        final List<Notice> told = collect(notices, 5, hashes);
        assertEquals(3, told.size(), "the runs of each generation stay apart");
        assertEquals(1, told.get(0).generation());
        assertArrayEquals(new long[] {10}, told.get(0).ids());
        assertEquals(2, told.get(1).generation());
        assertEquals(1, told.get(2).generation());
        assertArrayEquals(new long[] {11}, told.get(2).ids());
    }

    @Test
    void aLargeBlockIsSplitIntoNoticesThatFitOneFrame()
    {
        final int n = FinalityNotices.MAX_IDS_PER_NOTICE * 2 + 7;
        final FinalityNotices notices = new FinalityNotices(1000);
        final List<byte[]> hashes = hashes(new Random(2), n);
        for (int i = 0; i < n; i++)
        {
            notices.track(hashes.get(i), 4, 1, i);
        }
        final List<Notice> told = collect(notices, 1, hashes);
        assertEquals(3, told.size());
        assertEquals(FinalityNotices.MAX_IDS_PER_NOTICE, told.get(0).ids().length);
        assertEquals(FinalityNotices.MAX_IDS_PER_NOTICE, told.get(1).ids().length);
        assertEquals(7, told.get(2).ids().length);
        long expected = 0;
        for (final Notice notice : told)
        {
            for (final long id : notice.ids())
            {
                assertEquals(expected++, id, "every id once, in block order");
            }
        }
    }

    @Test
    void whatIsTrackedIsBoundedAndGivenUpOldestFirst()
    {
        final FinalityNotices notices = new FinalityNotices(4);
        final List<byte[]> hashes = hashes(new Random(3), 12);
        for (int i = 0; i < 8; i++)
        {
            notices.track(hashes.get(i), 0, 1, i);
        }
        assertEquals(8, notices.waiting(), "two tables of four");
        assertEquals(0, notices.untracked());
        notices.track(hashes.get(8), 0, 1, 8);
        assertEquals(4, notices.untracked(), "the oldest four were given up");
        assertEquals(5, notices.waiting());
        for (int i = 0; i < 4; i++)
        {
            assertEquals(-1, notices.slotOf(hashes.get(i)));
        }
        final List<Notice> told = collect(notices, 2, hashes.subList(0, 9));
        assertEquals(1, told.size());
        assertArrayEquals(new long[] {4, 5, 6, 7, 8}, told.get(0).ids());
    }

    @Test
    void aTransactionAdmittedAgainIsToldOnceToItsLatestSubmit()
    {
        final FinalityNotices notices = new FinalityNotices(2);
        final List<byte[]> hashes = hashes(new Random(4), 4);
        notices.track(hashes.get(0), 0, 1, 1);
        notices.track(hashes.get(1), 0, 1, 2);
        notices.track(hashes.get(2), 0, 1, 3); // hashes 0 and 1 move to the previous table
        notices.track(hashes.get(0), 5, 1, 9); // admitted again, from another session
        final List<Notice> told = collect(notices, 3, List.of(hashes.get(0)));
        assertEquals(1, told.size());
        assertEquals(5, told.get(0).slot());
        assertArrayEquals(new long[] {9}, told.get(0).ids());
        assertTrue(collect(notices, 4, List.of(hashes.get(0))).isEmpty());
    }

    @Test
    void deletionsKeepEveryOtherEntryReachable()
    {
        // A small table, kept half full while entries come and go, against a map: backward-shift deletion moves
        // entries of a probe run, and a wrong move would lose one.
        final long seed = 20261124L;
        final Random random = new Random(seed);
        final FinalityNotices notices = new FinalityNotices(64, seed); // the table's layout reproduces too
        final Map<String, Integer> model = new HashMap<>();
        final List<byte[]> live = new ArrayList<>();
        for (int step = 0; step < 20_000; step++)
        {
            if (live.size() < 60 && (live.size() < 10 || random.nextBoolean()))
            {
                final byte[] hash = new byte[32];
                random.nextBytes(hash);
                final int slot = random.nextInt(100);
                notices.track(hash, slot, 1, step);
                model.put(Arrays.toString(hash), slot);
                live.add(hash);
            }
            else
            {
                final byte[] gone = live.remove(random.nextInt(live.size()));
                model.remove(Arrays.toString(gone));
                assertEquals(1, collect(notices, step, List.of(gone)).size(), "seed " + seed + " step " + step);
            }
            if (step % 97 == 0)
            {
                for (final byte[] hash : live)
                {
                    assertEquals(model.get(Arrays.toString(hash)).intValue(), notices.slotOf(hash), "seed " + seed + " step " + step);
                }
            }
        }
        assertEquals(live.size(), notices.waiting());
        assertEquals(0, notices.untracked(), "never more than 64 waiting, so nothing was given up");
    }

    @Test
    void theBoundIsChecked()
    {
        assertThrows(IllegalArgumentException.class, () -> new FinalityNotices(0));
        assertThrows(IllegalArgumentException.class, () -> new FinalityNotices((1 << 24) + 1));
    }

    private static List<byte[]> hashes(final Random random, final int n)
    {
        final List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final byte[] hash = new byte[32];
            random.nextBytes(hash);
            out.add(hash);
        }
        return out;
    }
}
