package dev.seqnet.ordering.mempool;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.ordering.TestTxs;
import dev.seqnet.ordering.exec.BlockExecution;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.exec.TxOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.seqnet.ordering.TestTxs.GWEI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MempoolTest
{
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final Address FEES = TestTxs.address(0xFEE);
    private static final Address A = TestTxs.address(1);
    private static final Address B = TestTxs.address(2);
    private static final Address C = TestTxs.address(3);

    private NativeLedger ledger = ledger(100);
    private long height;

    private static NativeLedger ledger(final int accounts)
    {
        final Map<Address, BigInteger> alloc = new HashMap<>();
        for (int i = 1; i <= accounts; i++)
        {
            alloc.put(TestTxs.address(i), ETHER);
        }
        return new NativeLedger(alloc, FEES);
    }

    private Mempool pool()
    {
        return new Mempool(new Mempool.Context().accountState(ledger));
    }

    private static List<EthTransaction> drain(final Mempool pool, final long baseFee)
    {
        final List<EthTransaction> out = new ArrayList<>();
        final Mempool.Selection s = pool.select(baseFee);
        for (EthTransaction tx = s.next(); tx != null; tx = s.next())
        {
            out.add(tx);
        }
        return out;
    }

    /** Executes and commits {@code txs} on the ledger, then tells the pool. */
    private void commit(final Mempool pool, final EthTransaction... txs)
    {
        final BlockExecution block = ledger.begin(++height, GWEI);
        for (final EthTransaction tx : txs)
        {
            assertEquals(TxOutcome.SUCCESS, block.apply(tx));
        }
        block.commit();
        pool.onBlockCommitted(List.of(txs));
    }

    @Test
    void nonceOrderWithinSenderAndGapsQueue()
    {
        final Mempool pool = pool();
        final EthTransaction n2 = TestTxs.from(A).nonce(2).fees(50 * GWEI, 40 * GWEI).build();
        final EthTransaction n0 = TestTxs.from(A).nonce(0).fees(2 * GWEI, GWEI).build();
        final EthTransaction n1 = TestTxs.from(A).nonce(1).fees(30 * GWEI, 20 * GWEI).build();

        assertNull(pool.add(n2));
        assertEquals(0, pool.pendingCount());
        assertEquals(1, pool.queuedCount());
        assertEquals(0, pool.pendingNonce(A));
        assertTrue(drain(pool, GWEI).isEmpty(), "queued transactions are not candidates");

        assertNull(pool.add(n0));
        assertEquals(1, pool.pendingCount());
        assertEquals(1, pool.queuedCount());
        assertEquals(1, pool.pendingNonce(A));

        assertNull(pool.add(n1));
        assertEquals(3, pool.pendingCount());
        assertEquals(0, pool.queuedCount());
        assertEquals(3, pool.pendingNonce(A));
        // Higher tips on later nonces do not jump the queue.
        assertEquals(List.of(n0, n1, n2), drain(pool, GWEI));
    }

    @Test
    void queuedPromotedWhenACommittedBlockFillsTheGap()
    {
        final Mempool pool = pool();
        final EthTransaction n1 = TestTxs.from(A).nonce(1).build();
        final EthTransaction n2 = TestTxs.from(A).nonce(2).build();
        assertNull(pool.add(n1));
        assertNull(pool.add(n2));
        assertEquals(2, pool.queuedCount());

        // Nonce 0 arrives in a block the pool never saw (e.g. a peer's).
        commit(pool, TestTxs.from(A).nonce(0).build());
        assertEquals(2, pool.pendingCount());
        assertEquals(0, pool.queuedCount());
        assertEquals(3, pool.pendingNonce(A));
        assertEquals(List.of(n1, n2), drain(pool, GWEI));
    }

    @Test
    void committedBlockRemovesIncludedAndSupersededTransactions()
    {
        final Mempool pool = pool();
        final EthTransaction a0 = TestTxs.from(A).nonce(0).build();
        final EthTransaction a1 = TestTxs.from(A).nonce(1).build();
        final EthTransaction b0 = TestTxs.from(B).nonce(0).build();
        final EthTransaction b0Other = TestTxs.from(B).nonce(0).fees(5 * GWEI, 2 * GWEI).build();
        assertNull(pool.add(a0));
        assertNull(pool.add(a1));
        assertNull(pool.add(b0));
        commit(pool, a0, b0Other);
        assertFalse(pool.contains(a0.hash()));
        assertFalse(pool.contains(b0.hash()), "same nonce, other transaction included: stale");
        assertTrue(pool.contains(a1.hash()));
        assertEquals(1, pool.size());
        assertEquals(1, pool.pendingCount());
        assertEquals(1, pool.senderCount());
        assertEquals(1, pool.pendingNonce(B));
    }

    @Test
    void committedBlockDropsTransactionsTheSenderCanNoLongerAfford()
    {
        final Map<Address, BigInteger> alloc = Map.of(A, BigInteger.valueOf(1_000_000_000_000_000L));
        ledger = new NativeLedger(alloc, FEES);
        final Mempool pool = pool();
        // each alone costs 0.6e15 + 21,000 × 2 gwei; both together exceed the balance
        final EthTransaction a0 = TestTxs.from(A).nonce(0).value(600_000_000_000_000L).build();
        final EthTransaction a1 = TestTxs.from(A).nonce(1).value(600_000_000_000_000L).build();
        assertNull(pool.add(a0));
        assertNull(pool.add(a1));
        commit(pool, a0);
        assertEquals(0, pool.size());
        assertEquals(0, pool.pendingCount());
    }

    @Test
    void removalListenerHearsOfEveryTransactionThatLeaves()
    {
        final List<EthTransaction> removed = new java.util.ArrayList<>();
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger).globalSlots(3).removalListener(removed::add));
        final EthTransaction a0 = TestTxs.from(A).nonce(0).fees(2 * GWEI, GWEI).build();
        final EthTransaction a0Bumped = TestTxs.from(A).nonce(0).fees(3 * GWEI, 2 * GWEI).build();
        assertNull(pool.add(a0));
        assertNull(pool.add(a0Bumped));
        assertEquals(List.of(a0), removed, "replaced");

        final EthTransaction b0 = TestTxs.from(B).nonce(0).fees(2 * GWEI, GWEI).build();
        final EthTransaction b1 = TestTxs.from(B).nonce(1).fees(2 * GWEI, GWEI).build();
        assertNull(pool.add(b0));
        assertNull(pool.add(b1));
        final EthTransaction c0 = TestTxs.from(C).nonce(0).fees(9 * GWEI, 5 * GWEI).build();
        assertNull(pool.add(c0));
        assertEquals(List.of(a0, b1), removed, "the cheapest tail was evicted for a better-paying transaction");

        assertTrue(pool.remove(b0.hash()));
        assertEquals(b0, removed.get(2));
        commit(pool, a0Bumped);
        assertEquals(a0Bumped, removed.get(3), "included");
        assertEquals(4, removed.size());
        assertEquals(1, pool.size());
    }

    @Test
    void replacementNeedsTenPercentOnBothFees()
    {
        final Mempool pool = pool();
        final EthTransaction old = TestTxs.from(A).fees(100 * GWEI, 10 * GWEI).build();
        assertNull(pool.add(old));
        // +9%: refused
        assertEquals(TxRejection.REPLACEMENT_UNDERPRICED, pool.add(TestTxs.from(A).fees(109 * GWEI, 10_900_000_000L).build()));
        // +10% on one field only: refused
        assertEquals(TxRejection.REPLACEMENT_UNDERPRICED, pool.add(TestTxs.from(A).fees(110 * GWEI, 10_900_000_000L).build()));
        assertEquals(TxRejection.REPLACEMENT_UNDERPRICED, pool.add(TestTxs.from(A).fees(200 * GWEI, 10 * GWEI).build()));
        assertTrue(pool.contains(old.hash()));
        // +10%: accepted, evicts the old one
        final EthTransaction replacement = TestTxs.from(A).fees(110 * GWEI, 11 * GWEI).build();
        assertNull(pool.add(replacement));
        assertFalse(pool.contains(old.hash()));
        assertNull(pool.get(old.hash()));
        assertSame(replacement, pool.get(replacement.hash()));
        assertEquals(1, pool.size());
        assertEquals(1, pool.pendingCount());
        assertEquals(List.of(replacement), drain(pool, GWEI));
    }

    @Test
    void replacementOfZeroTipNeedsStrictIncrease()
    {
        final Mempool pool = pool();
        assertNull(pool.add(TestTxs.from(A).fees(10 * GWEI, 0).build()));
        assertEquals(TxRejection.REPLACEMENT_UNDERPRICED, pool.add(TestTxs.from(A).fees(20 * GWEI, 0).build()));
        assertNull(pool.add(TestTxs.from(A).fees(20 * GWEI, 1).build()));
    }

    @Test
    void statelessChecksAgainstAccountState()
    {
        final Map<Address, BigInteger> alloc = Map.of(A, ETHER, C, BigInteger.valueOf(21_000L * 2 * GWEI + 5));
        ledger = new NativeLedger(alloc, FEES);
        final Mempool pool = pool();
        final EthTransaction tx = TestTxs.from(A).build();
        assertNull(pool.add(tx));
        assertEquals(TxRejection.ALREADY_KNOWN, pool.add(tx));
        assertEquals(TxRejection.NONCE_TOO_HIGH, pool.add(TestTxs.from(A).nonce(64).build()));
        assertNull(pool.add(TestTxs.from(A).nonce(63).build()));
        // maxCost = value + gasLimit × maxFeePerGas = 5 + 21,000 × 2 gwei: exactly the balance is fine
        assertNull(pool.add(TestTxs.from(C).value(5).build()));
        assertEquals(TxRejection.INSUFFICIENT_FUNDS, pool.add(TestTxs.from(C).nonce(1).value(6).build()));
        assertEquals(TxRejection.INSUFFICIENT_FUNDS, pool.add(TestTxs.from(B).build()), "unknown account has nothing");

        commit(pool, tx);
        assertEquals(TxRejection.NONCE_TOO_LOW, pool.add(TestTxs.from(A).nonce(0).fees(9 * GWEI, 9 * GWEI).build()));
    }

    @Test
    void accountSlotLimit()
    {
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger).maxNonceGap(1000));
        for (int i = 0; i < 64; i++)
        {
            // half of them queued behind gaps: the limit counts both
            assertNull(pool.add(TestTxs.from(A).nonce(i < 32 ? i : i + 10).build()));
        }
        assertEquals(TxRejection.ACCOUNT_LIMIT, pool.add(TestTxs.from(A).nonce(32).build()));
        assertEquals(TxRejection.ACCOUNT_LIMIT, pool.add(TestTxs.from(A).nonce(500).build()));
        assertNull(pool.add(TestTxs.from(A).nonce(5).fees(4 * GWEI, 2 * GWEI).build()), "replacement needs no slot");
        assertNull(pool.add(TestTxs.from(B).build()), "other senders unaffected");
        assertEquals(65, pool.size());
        assertEquals(33, pool.pendingCount());
        assertEquals(32, pool.queuedCount());
    }

    @Test
    void globalLimitEvictsTheCheapestTailOnlyForABetterPendingTransaction()
    {
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger).globalSlots(10));
        final List<EthTransaction> txs = new ArrayList<>();
        for (int i = 1; i <= 10; i++)
        {
            final EthTransaction tx = TestTxs.from(TestTxs.address(10 + i)).fees(i * GWEI + GWEI, GWEI).build();
            txs.add(tx);
            assertNull(pool.add(tx));
        }
        // cheapest tail: sender 11 at 2 gwei
        assertEquals(TxRejection.POOL_FULL, pool.add(TestTxs.from(A).fees(2 * GWEI, GWEI).build()), "not more");
        assertEquals(TxRejection.POOL_FULL, pool.add(TestTxs.from(A).nonce(1).fees(90 * GWEI, GWEI).build()), "queued");
        final EthTransaction better = TestTxs.from(A).fees(2 * GWEI, GWEI + 1).build();
        assertNull(pool.add(better));
        assertEquals(10, pool.size());
        assertFalse(pool.contains(txs.get(0).hash()));
        assertTrue(pool.contains(better.hash()));
        assertEquals(10, pool.senderCount());

        // next cheapest is A's own tail (2 gwei, tip 1 gwei + 1): A's next nonce is refused, B evicts it
        assertEquals(TxRejection.POOL_FULL, pool.add(TestTxs.from(A).nonce(1).fees(99 * GWEI, GWEI).build()));
        assertNull(pool.add(TestTxs.from(B).fees(3 * GWEI, GWEI).build()));
        assertFalse(pool.contains(better.hash()));
        assertEquals(10, pool.size());
        assertEquals(10, pool.pendingCount());
    }

    @Test
    void evictionTakesTailsSoNoGapOpens()
    {
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger).globalSlots(3));
        final EthTransaction a0 = TestTxs.from(A).nonce(0).fees(50 * GWEI, GWEI).build();
        final EthTransaction a1 = TestTxs.from(A).nonce(1).fees(3 * GWEI, GWEI).build();
        final EthTransaction b0 = TestTxs.from(B).nonce(0).fees(4 * GWEI, GWEI).build();
        assertNull(pool.add(a0));
        assertNull(pool.add(a1));
        assertNull(pool.add(b0));
        assertNull(pool.add(TestTxs.from(C).fees(5 * GWEI, GWEI).build()));
        assertFalse(pool.contains(a1.hash()));
        assertTrue(pool.contains(a0.hash()));
        assertEquals(3, pool.pendingCount());
        assertEquals(0, pool.queuedCount());
    }

    @Test
    void priorityByEffectiveTipWithCappedFees()
    {
        final Mempool pool = pool();
        final EthTransaction x = TestTxs.from(A).fees(100 * GWEI, 3 * GWEI).build();
        // tip 5 gwei but fee cap 3 gwei: effective tip = fee cap − base fee
        final EthTransaction y = TestTxs.from(B).fees(3 * GWEI, 5 * GWEI).build();
        final EthTransaction z = TestTxs.from(C).fees(100 * GWEI, 2_500_000_000L).build();
        assertNull(pool.add(y));
        assertNull(pool.add(z));
        assertNull(pool.add(x));
        // base 1 gwei: x 3, z 2.5, y min(5, 2) = 2
        assertEquals(List.of(x, z, y), drain(pool, GWEI));
        // base 0.01 gwei: x 3, y min(5, 2.99) = 2.99, z 2.5
        assertEquals(List.of(x, y, z), drain(pool, 10_000_000L));
        // base 2.5 gwei: y min(5, 0.5) = 0.5 is last; x 3, z min(2.5, 97.5)
        assertEquals(List.of(x, z, y), drain(pool, 2_500_000_000L));
    }

    @Test
    void equalTipsGoInAdmissionOrderAndSendersInterleaveByTip()
    {
        final Mempool pool = pool();
        final EthTransaction b0 = TestTxs.from(B).nonce(0).fees(10 * GWEI, 2 * GWEI).build();
        final EthTransaction a0 = TestTxs.from(A).nonce(0).fees(10 * GWEI, 2 * GWEI).build();
        final EthTransaction a1 = TestTxs.from(A).nonce(1).fees(10 * GWEI, 5 * GWEI).build();
        final EthTransaction b1 = TestTxs.from(B).nonce(1).fees(10 * GWEI, GWEI).build();
        assertNull(pool.add(b0));
        assertNull(pool.add(a0));
        assertNull(pool.add(a1));
        assertNull(pool.add(b1));
        assertEquals(List.of(b0, a0, a1, b1), drain(pool, GWEI));
    }

    @Test
    void feeCapBelowBaseFeeIsNotSelectedAndBlocksLaterNonces()
    {
        final Mempool pool = pool();
        final EthTransaction low = TestTxs.from(A).nonce(0).fees(GWEI, GWEI).build();
        final EthTransaction after = TestTxs.from(A).nonce(1).fees(50 * GWEI, 10 * GWEI).build();
        final EthTransaction ok = TestTxs.from(B).fees(3 * GWEI, GWEI).build();
        assertNull(pool.add(low));
        assertNull(pool.add(after));
        assertNull(pool.add(ok));
        assertEquals(List.of(ok), drain(pool, 2 * GWEI));
        // at base 1 gwei low's fee cap equals the base fee: eligible with effective tip 0, after ok (tip 1)
        assertEquals(List.of(ok, low, after), drain(pool, GWEI));
    }

    @Test
    void skipSenderDropsTheRestOfThatSender()
    {
        final Mempool pool = pool();
        final EthTransaction a0 = TestTxs.from(A).nonce(0).fees(10 * GWEI, 5 * GWEI).build();
        final EthTransaction a1 = TestTxs.from(A).nonce(1).fees(10 * GWEI, 5 * GWEI).build();
        final EthTransaction b0 = TestTxs.from(B).fees(10 * GWEI, GWEI).build();
        assertNull(pool.add(a0));
        assertNull(pool.add(a1));
        assertNull(pool.add(b0));
        final Mempool.Selection s = pool.select(GWEI);
        assertThrows(java.util.NoSuchElementException.class, s::skipSender);
        assertSame(a0, s.next());
        s.skipSender();
        assertSame(b0, s.next());
        assertNull(s.next());
        assertEquals(3, pool.size(), "selection removes nothing");
    }

    @Test
    void selectionIsInvalidatedByChanges()
    {
        final Mempool pool = pool();
        assertNull(pool.add(TestTxs.from(A).build()));
        final Mempool.Selection s = pool.select(GWEI);
        assertNull(pool.add(TestTxs.from(B).build()));
        assertThrows(ConcurrentModificationException.class, s::next);
    }

    @Test
    void removeDemotesHigherNonces()
    {
        final Mempool pool = pool();
        final EthTransaction a0 = TestTxs.from(A).nonce(0).build();
        final EthTransaction a1 = TestTxs.from(A).nonce(1).build();
        final EthTransaction a2 = TestTxs.from(A).nonce(2).build();
        assertNull(pool.add(a0));
        assertNull(pool.add(a1));
        assertNull(pool.add(a2));
        assertTrue(pool.remove(a1.hash()));
        assertFalse(pool.remove(a1.hash()));
        assertEquals(1, pool.pendingCount());
        assertEquals(1, pool.queuedCount());
        assertEquals(1, pool.pendingNonce(A));
        assertEquals(List.of(a0), drain(pool, GWEI));
    }

    @Test
    void pendingNonceOfUnknownSenderIsTheAccountNonce()
    {
        final Mempool pool = pool();
        commit(pool, TestTxs.from(C).nonce(0).build(), TestTxs.from(C).nonce(1).build());
        assertEquals(2, pool.pendingNonce(C));
        assertEquals(0, pool.pendingNonce(TestTxs.address(999)));
    }

    @Test
    void snapshotRestoresThePool()
    {
        final Mempool pool = pool();
        final List<EthTransaction> admitted = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            final Address sender = TestTxs.address(1 + i % 7);
            final long nonce = i / 7 + (i % 5 == 0 ? 3 : 0);
            final EthTransaction tx = TestTxs.from(sender).nonce(nonce).fees(10 * GWEI, (1 + i % 4) * GWEI).build();
            if (pool.add(tx) == null)
            {
                admitted.add(tx);
            }
        }
        final EthTransaction replacement = TestTxs.from(TestTxs.address(1)).nonce(0).fees(20 * GWEI, 9 * GWEI).build();
        assertNull(pool.add(replacement));

        final List<EthTransaction> snapshot = pool.snapshot();
        assertEquals(pool.size(), snapshot.size());
        assertSame(replacement, snapshot.get(snapshot.size() - 1), "admission order, replacement last");

        final Mempool restored = pool();
        for (final EthTransaction tx : snapshot)
        {
            assertNull(restored.add(tx));
        }
        assertEquals(pool.size(), restored.size());
        assertEquals(pool.pendingCount(), restored.pendingCount());
        assertEquals(pool.queuedCount(), restored.queuedCount());
        assertEquals(drain(pool, GWEI), drain(restored, GWEI));
        assertTrue(pool.queuedCount() > 0 && pool.pendingCount() > 0);
    }

    @Test
    void contextValidation()
    {
        assertThrows(NullPointerException.class, () -> new Mempool(new Mempool.Context()));
        assertThrows(IllegalArgumentException.class,
            () -> new Mempool(new Mempool.Context().accountState(ledger).accountSlots(0)));
    }
}
