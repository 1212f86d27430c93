package dev.seqnet.ordering;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.seqnet.ordering.TestTxs.GWEI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockBuilderTest
{
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final Address FEES = TestTxs.address(0xFEE);

    private static Map<Address, BigInteger> alloc(final int accounts)
    {
        final Map<Address, BigInteger> alloc = new HashMap<>();
        for (int i = 1; i <= accounts; i++)
        {
            alloc.put(TestTxs.address(i), ETHER);
        }
        return alloc;
    }

    @Test
    void failingTransactionSkipsItsSenderForTheRestOfTheBlock()
    {
        final Address poor = TestTxs.address(500);
        final Map<Address, BigInteger> alloc = alloc(2);
        // enough for one 0.6-ether transfer plus gas, each transfer affordable alone
        alloc.put(poor, ETHER);
        final NativeLedger ledger = new NativeLedger(alloc, FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);

        final BigInteger big = BigInteger.valueOf(600_000_000_000_000_000L);
        final EthTransaction p0 = TestTxs.from(poor).nonce(0).fees(10 * GWEI, 9 * GWEI).value(big).build();
        final EthTransaction p1 = TestTxs.from(poor).nonce(1).fees(10 * GWEI, 9 * GWEI).value(big).build();
        final EthTransaction p2 = TestTxs.from(poor).nonce(2).fees(10 * GWEI, 9 * GWEI).value(1).build();
        final EthTransaction other = TestTxs.from(TestTxs.address(1)).fees(10 * GWEI, GWEI).build();
        for (final EthTransaction tx : List.of(p0, p1, p2, other))
        {
            assertNull(pool.add(tx));
        }

        final BuiltBlock block = builder.build(1, GWEI);
        // p1 fails (insufficient funds after p0); p2 would fail too if tried, as NONCE_MISMATCH: one failure
        // proves it was skipped.
        assertEquals(List.of(p0, other), block.transactions());
        assertEquals(1, block.failedCount());
        assertEquals(2 * ChainConstants.TX_BASE_GAS, block.gasUsed());
        builder.commit(block);
        assertEquals(1, ledger.nonce(poor));
        // p1, p2 stay pooled only if still affordable alone: p1 is not any more, p2 is (but queued behind p1)
        assertFalse(pool.contains(p1.hash()));
        assertTrue(pool.contains(p2.hash()));
        assertEquals(1, pool.queuedCount());
    }

    @Test
    void blockGasLimitIsRespected()
    {
        final int senders = 480;
        final NativeLedger ledger = new NativeLedger(alloc(senders), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        for (int i = 1; i <= senders; i++)
        {
            assertNull(pool.add(TestTxs.from(TestTxs.address(i)).fees(10 * GWEI, i).build()));
        }
        final BuiltBlock block = builder.build(1, GWEI);
        // floor(10,000,000 / 21,000) = 476 transfers, 9,996,000 gas; 4,000 left is below one transfer
        assertEquals(476, block.transactions().size());
        assertEquals(9_996_000L, block.gasUsed());
        assertEquals(0, block.failedCount());
        // highest tips first
        assertEquals(TestTxs.address(senders), block.transactions().get(0).sender());
        assertEquals(TestTxs.address(5), block.transactions().get(475).sender());
        builder.commit(block);
        assertEquals(4, pool.size());

        final BuiltBlock next = builder.build(2, BaseFee.next(GWEI, block.gasUsed(), ChainConstants.BLOCK_GAS_LIMIT));
        assertEquals(4, next.transactions().size());
        builder.commit(next);
        assertEquals(0, pool.size());
    }

    @Test
    void theTransactionCapStopsABlockBeforeTheGasLimitAndLeavesTheRestPooled()
    {
        final int senders = 300;
        final NativeLedger ledger = new NativeLedger(alloc(senders), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger, 128);
        for (int i = 1; i <= senders; i++)
        {
            assertNull(pool.add(TestTxs.from(TestTxs.address(i)).fees(10 * GWEI, i).build()));
            assertNull(pool.add(TestTxs.from(TestTxs.address(i)).nonce(1).fees(10 * GWEI, i).build()));
        }
        final BuiltBlock block = builder.build(1, GWEI);
        // 600 transfers pooled, gas for 476: the cap, not gas, ends the block, at the 128 best-paying candidates.
        assertEquals(128, block.transactions().size());
        assertEquals(128 * ChainConstants.TX_BASE_GAS, block.gasUsed());
        assertEquals(0, block.failedCount());
        assertEquals(TestTxs.address(senders), block.transactions().get(0).sender());
        builder.commit(block);
        assertEquals(600 - 128, pool.size());

        long height = 1;
        long baseFee = GWEI;
        int blocks = 1;
        while (pool.size() > 0)
        {
            baseFee = BaseFee.next(baseFee, 128 * ChainConstants.TX_BASE_GAS, ChainConstants.BLOCK_GAS_LIMIT);
            final BuiltBlock next = builder.build(++height, baseFee);
            assertTrue(next.transactions().size() <= 128, "every block within the cap");
            assertFalse(next.transactions().isEmpty(), "a capped block leaves no candidate behind for good");
            builder.commit(next);
            blocks++;
        }
        assertEquals(5, blocks, "600 transactions in blocks of at most 128");
        for (int i = 1; i <= senders; i++)
        {
            assertEquals(2, ledger.nonce(TestTxs.address(i)));
        }
    }

    @Test
    void aCapOfOneStillMakesProgressAndTheCapMustBePositive()
    {
        final NativeLedger ledger = new NativeLedger(alloc(2), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger, 1);
        assertEquals(1, builder.maxTransactions());
        assertNull(pool.add(TestTxs.from(TestTxs.address(1)).build()));
        assertNull(pool.add(TestTxs.from(TestTxs.address(2)).build()));
        final BuiltBlock block = builder.build(1, GWEI);
        assertEquals(1, block.transactions().size());
        builder.commit(block);
        assertEquals(1, pool.size());
        assertThrows(IllegalArgumentException.class, () -> new BlockBuilder(pool, ledger, 0));
        assertEquals(Integer.MAX_VALUE, new BlockBuilder(pool, ledger).maxTransactions(), "gas alone bounds the default");
    }

    @Test
    void aTransactionTooBigForTheRemainingGasSkipsOnlyItsSender()
    {
        final NativeLedger ledger = new NativeLedger(alloc(3), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        final long nearlyAll = ChainConstants.BLOCK_GAS_LIMIT - 50_000;
        final EthTransaction huge = TestTxs.from(TestTxs.address(1)).fees(10 * GWEI, 5 * GWEI)
            .gasLimit(nearlyAll).intrinsicGas(nearlyAll).build();
        final EthTransaction wide = TestTxs.from(TestTxs.address(2)).fees(10 * GWEI, 4 * GWEI).gasLimit(60_000).build();
        final EthTransaction small = TestTxs.from(TestTxs.address(3)).fees(10 * GWEI, 3 * GWEI).gasLimit(50_000).build();
        assertNull(pool.add(huge));
        assertNull(pool.add(wide));
        assertNull(pool.add(small));
        final BuiltBlock block = builder.build(1, GWEI);
        assertEquals(List.of(huge, small), block.transactions());
        assertEquals(1, block.failedCount());
        assertEquals(nearlyAll + 21_000, block.gasUsed());
        builder.abandon(block);
    }

    @Test
    void buildLeavesExecutionOpenAndPoolUntouchedUntilCommit()
    {
        final NativeLedger ledger = new NativeLedger(alloc(5), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        for (int i = 1; i <= 5; i++)
        {
            assertNull(pool.add(TestTxs.from(TestTxs.address(i)).to(TestTxs.address(100 + i)).value(i).build()));
            assertNull(pool.add(TestTxs.from(TestTxs.address(i)).nonce(1).build()));
        }
        final byte[] genesisRoot = ledger.stateRoot();

        final BuiltBlock first = builder.build(1, GWEI);
        assertTrue(first.execution().isOpen());
        assertEquals(10, first.transactions().size());
        assertEquals(10, pool.size());
        assertThrows(IllegalStateException.class, () -> builder.build(2, GWEI), "one open block");
        assertArrayEquals(genesisRoot, ledger.stateRoot());
        assertThrows(UnsupportedOperationException.class, () -> first.transactions().clear());

        builder.abandon(first);
        assertArrayEquals(genesisRoot, ledger.stateRoot());
        assertEquals(10, pool.size());

        final BuiltBlock again = builder.build(1, GWEI);
        assertEquals(first.transactions(), again.transactions());
        assertArrayEquals(first.stateRoot(), again.stateRoot());
        builder.commit(again);
        assertArrayEquals(first.stateRoot(), ledger.stateRoot());
        assertEquals(0, pool.size());
        assertEquals(1, ledger.lastCommittedHeight());
        assertEquals(BigInteger.valueOf(3), ledger.balance(TestTxs.address(103)));
    }

    @Test
    void underpricedForThisBaseFeeStaysPooled()
    {
        final NativeLedger ledger = new NativeLedger(alloc(2), FEES);
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        final EthTransaction cheap = TestTxs.from(TestTxs.address(1)).fees(GWEI, GWEI).build();
        final EthTransaction fine = TestTxs.from(TestTxs.address(2)).fees(3 * GWEI, GWEI).build();
        assertNull(pool.add(cheap));
        assertNull(pool.add(fine));
        final BuiltBlock block = builder.build(1, 2 * GWEI);
        assertEquals(List.of(fine), block.transactions());
        assertEquals(0, block.failedCount());
        builder.commit(block);
        assertTrue(pool.contains(cheap.hash()));
        final BuiltBlock later = builder.build(2, GWEI);
        assertEquals(List.of(cheap), later.transactions());
        builder.commit(later);
    }

    @Test
    void emptyPoolBuildsEmptyBlock()
    {
        final NativeLedger ledger = new NativeLedger(alloc(1), FEES);
        final BlockBuilder builder = new BlockBuilder(new Mempool(new Mempool.Context().accountState(ledger)), ledger);
        final BuiltBlock block = builder.build(7, GWEI);
        assertEquals(new ArrayList<>(), block.transactions());
        assertEquals(0, block.gasUsed());
        assertArrayEquals(ledger.stateRoot(), block.stateRoot());
        builder.commit(block);
        assertEquals(7, ledger.lastCommittedHeight());
    }
}
