package dev.seqnet.ordering;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.exec.BlockExecution;
import dev.seqnet.ordering.exec.BlockReplay;
import dev.seqnet.ordering.exec.InvalidBlockException;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.exec.TxOutcome;
import dev.seqnet.ordering.mempool.Mempool;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.seqnet.ordering.TestTxs.GWEI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building on the speculative tip of a chain of open blocks (a BFT leader whose parent is not final). */
class BlockBuilderOnTopTest
{
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final Address FEES = TestTxs.address(0xFEE);
    private static final Address A = TestTxs.address(1);
    private static final Address B = TestTxs.address(2);
    private static final Address C = TestTxs.address(3);

    private static Map<Address, BigInteger> alloc()
    {
        final Map<Address, BigInteger> alloc = new HashMap<>();
        for (int i = 1; i <= 3; i++)
        {
            alloc.put(TestTxs.address(i), ETHER);
        }
        return alloc;
    }

    private static EthTransaction tx(final Address from, final long nonce)
    {
        return TestTxs.from(from).nonce(nonce).to(TestTxs.address(100 + (int)nonce)).value(1 + nonce).build();
    }

    private static Set<EthTransaction> set(final List<EthTransaction> txs)
    {
        return new HashSet<>(txs);
    }

    @Test
    void buildsOnOpenAncestorsAndSkipsWhatTheyIncluded() throws InvalidBlockException
    {
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        final EthTransaction a0 = tx(A, 0);
        final EthTransaction a1 = tx(A, 1);
        final EthTransaction b0 = tx(B, 0);
        for (final EthTransaction t : List.of(a0, a1, b0))
        {
            assertNull(pool.add(t));
        }
        final BuiltBlock first = builder.buildOnTop(1, GWEI);
        assertEquals(Set.of(a0, a1, b0), set(first.transactions()));

        // Admitted against committed state (nonce 0): A's nonces 2 and 3 are pending behind 0 and 1.
        final EthTransaction a2 = tx(A, 2);
        final EthTransaction a3 = tx(A, 3);
        final EthTransaction c0 = tx(C, 0);
        for (final EthTransaction t : List.of(a2, a3, c0))
        {
            assertNull(pool.add(t));
        }
        final BuiltBlock second = builder.buildOnTop(2, 2 * GWEI);
        assertEquals(0, second.failedCount(), "ancestors' transactions are passed over, not failed");
        assertEquals(Set.of(a2, a3, c0), set(second.transactions()));
        assertTrue(second.transactions().indexOf(a2) < second.transactions().indexOf(a3));
        assertEquals(6, pool.size(), "the pool is unchanged until blocks commit");

        // Independent path: the same blocks executed one at a time with commit, and the model.
        final NativeLedger fresh = new NativeLedger(alloc(), FEES);
        final byte[] root1 = BlockReplay.executeAndCommit(fresh, 1, GWEI, first.transactions(), null);
        final byte[] root2 = BlockReplay.executeAndCommit(fresh, 2, 2 * GWEI, second.transactions(), null);
        final ModelLedger model = new ModelLedger(alloc(), FEES);
        first.transactions().forEach(t -> model.apply(t, GWEI));
        second.transactions().forEach(t -> model.apply(t, 2 * GWEI));
        assertArrayEquals(root1, first.stateRoot());
        assertArrayEquals(root2, second.stateRoot());
        assertArrayEquals(model.stateRoot(), root2);

        final BuiltBlock third = builder.buildOnTop(3, GWEI);
        assertTrue(third.transactions().isEmpty());
        assertEquals(0, third.failedCount());

        assertThrows(IllegalStateException.class, () -> builder.abandon(first), "not the newest");
        assertThrows(IllegalStateException.class, () -> builder.commit(second), "not the oldest");
        assertEquals(6, pool.size());

        builder.commit(first);
        assertEquals(Set.of(a2, a3, c0), set(pool.snapshot()), "only the committed block's transactions leave");
        assertEquals(2, ledger.nonce(A));
        assertEquals(4, ledger.speculative().nonce(A));
        assertTrue(second.execution().isOpen());
        builder.abandon(third);
        builder.commit(second);
        assertEquals(0, pool.size());
        assertArrayEquals(root2, ledger.stateRoot());
        assertEquals(2, ledger.lastCommittedHeight());
    }

    @Test
    void abandonedChainLeavesEverythingPooledForTheNextBuild()
    {
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        final List<EthTransaction> all = new ArrayList<>();
        for (int n = 0; n < 3; n++)
        {
            all.add(tx(A, n));
            all.add(tx(B, n));
        }
        assertNull(pool.add(all.get(0)));
        assertNull(pool.add(all.get(1)));
        final byte[] genesis = ledger.stateRoot();
        builder.buildOnTop(1, GWEI);
        for (int i = 2; i < all.size(); i++)
        {
            assertNull(pool.add(all.get(i)));
        }
        assertEquals(4, builder.buildOnTop(2, GWEI).transactions().size());

        assertEquals(2, ledger.rollbackTo(ledger.lastCommittedHeight()));
        assertArrayEquals(genesis, ledger.stateRoot());
        final BuiltBlock single = builder.build(1, GWEI);
        assertEquals(set(all), set(single.transactions()));
        builder.commit(single);
        assertEquals(0, pool.size());
    }

    @Test
    void peerBlockOnTheChainFillsAGapThePoolHadQueued() throws InvalidBlockException
    {
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        final EthTransaction a2 = tx(A, 2);
        assertNull(pool.add(a2));
        assertEquals(1, pool.queuedCount());

        // A peer's block with A's nonces 0 and 1, which this pool never saw.
        final List<EthTransaction> peer = List.of(tx(A, 0), tx(A, 1));
        final BlockExecution peerBlock = BlockReplay.executeOnTop(ledger, 1, GWEI, peer, null);
        final byte[] peerRoot = peerBlock.stateRoot();

        // A failing block on top is rolled back alone; the peer block stays open.
        final InvalidBlockException bad = assertThrows(InvalidBlockException.class,
            () -> BlockReplay.executeOnTop(ledger, 2, GWEI, List.of(tx(A, 0)), null));
        assertEquals(TxOutcome.NONCE_MISMATCH, bad.outcome());
        assertSame(peerBlock, ledger.openBlock());
        assertArrayEquals(peerRoot, peerBlock.stateRoot());

        final BuiltBlock mine = builder.buildOnTop(2, GWEI);
        assertEquals(List.of(a2), mine.transactions());

        peerBlock.commit();
        pool.onBlockCommitted(peer);
        assertEquals(1, pool.pendingCount(), "the gap is filled in committed state now");
        builder.commit(mine);
        assertEquals(0, pool.size());
        assertEquals(3, ledger.nonce(A));
        assertFalse(mine.execution().isOpen());
    }
}
