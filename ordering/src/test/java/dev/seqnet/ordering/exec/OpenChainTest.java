package dev.seqnet.ordering.exec;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.ModelLedger;
import dev.seqnet.ordering.TestTxs;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.seqnet.ordering.TestTxs.GWEI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chain of open blocks on one ledger (begin on top, commit oldest, roll back newest) checked against
 * the same blocks executed one at a time with commit on a fresh ledger, and against the model ledger.
 */
class OpenChainTest
{
    private static final Address A = TestTxs.address(1);
    private static final Address B = TestTxs.address(2);
    private static final Address C = TestTxs.address(3);
    private static final Address NEW1 = TestTxs.address(101);
    private static final Address NEW2 = TestTxs.address(102);
    private static final Address NEW3 = TestTxs.address(103);
    private static final Address FEES = TestTxs.address(0xFEE);
    private static final Address[] WATCHED = {A, B, C, NEW1, NEW2, NEW3, FEES};
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final long[] BASE_FEES = {GWEI, 2 * GWEI, GWEI / 2, GWEI};

    private static Map<Address, BigInteger> alloc()
    {
        final Map<Address, BigInteger> alloc = new LinkedHashMap<>();
        alloc.put(C, ETHER);
        alloc.put(A, ETHER);
        alloc.put(B, BigInteger.valueOf(3).multiply(ETHER));
        return alloc;
    }

    /** Blocks 1..4: nonces continue across blocks, new accounts appear in 1, 2 and 3. */
    private static List<List<EthTransaction>> blocks()
    {
        final long fee = 5 * GWEI;
        final List<List<EthTransaction>> blocks = new ArrayList<>();
        blocks.add(List.of(
            TestTxs.from(A).nonce(0).fees(fee, GWEI).to(NEW1).value(1_000).build(),
            TestTxs.from(B).nonce(0).fees(fee, 2 * GWEI).to(A).value(ETHER).build()));
        blocks.add(List.of(
            TestTxs.from(A).nonce(1).fees(fee, GWEI).to(NEW2).value(2_000).build(),
            TestTxs.from(C).nonce(0).fees(fee, 3 * GWEI).to(NEW1).value(77).build()));
        blocks.add(List.of(
            TestTxs.from(A).nonce(2).fees(fee, GWEI).to(B).value(5).build(),
            TestTxs.from(B).nonce(1).fees(fee, 0).to(NEW3).value(ETHER).build(),
            TestTxs.from(NEW3).nonce(0).fees(fee, GWEI).gasLimit(21_000).to(NEW2).value(9).build()));
        blocks.add(List.of(
            TestTxs.from(C).nonce(1).fees(fee, GWEI).to(A).value(3).build()));
        return blocks;
    }

    /** Roots after each block, executed one block at a time with commit on a fresh ledger. */
    private static List<byte[]> sequentialRoots(final List<List<EthTransaction>> blocks) throws InvalidBlockException
    {
        final NativeLedger fresh = new NativeLedger(alloc(), FEES);
        final List<byte[]> roots = new ArrayList<>();
        roots.add(fresh.stateRoot());
        for (int i = 0; i < blocks.size(); i++)
        {
            roots.add(BlockReplay.executeAndCommit(fresh, i + 1, BASE_FEES[i], blocks.get(i), null));
        }
        return roots;
    }

    /** The model ledger after the first {@code count} blocks. */
    private static ModelLedger model(final List<List<EthTransaction>> blocks, final int count)
    {
        final ModelLedger model = new ModelLedger(alloc(), FEES);
        for (int i = 0; i < count; i++)
        {
            for (final EthTransaction tx : blocks.get(i))
            {
                model.apply(tx, BASE_FEES[i]);
            }
        }
        return model;
    }

    private static BlockExecution open(final Execution ledger, final List<List<EthTransaction>> blocks, final int index)
    {
        final BlockExecution block = ledger.beginOnTop(index + 1, BASE_FEES[index]);
        for (final EthTransaction tx : blocks.get(index))
        {
            assertEquals(TxOutcome.SUCCESS, block.apply(tx), "block " + (index + 1));
        }
        return block;
    }

    private static void assertState(final ModelLedger expected, final AccountState actual, final String what)
    {
        for (final Address a : WATCHED)
        {
            assertEquals(expected.nonce(a), actual.nonce(a), what + " nonce " + a);
            assertEquals(expected.balance(a), actual.balance(a), what + " balance " + a);
        }
    }

    @Test
    void threeOpenBlocksHaveTheRootsOfSequentialExecution() throws InvalidBlockException
    {
        final List<List<EthTransaction>> blocks = blocks();
        final List<byte[]> roots = sequentialRoots(blocks);
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);

        final BlockExecution b1 = open(ledger, blocks, 0);
        final BlockExecution b2 = open(ledger, blocks, 1);
        final BlockExecution b3 = open(ledger, blocks, 2);

        assertEquals(3, ledger.openBlockCount());
        assertSame(b3, ledger.openBlock());
        assertSame(b1, ledger.oldestOpenBlock());
        assertArrayEquals(roots.get(1), b1.stateRoot());
        assertArrayEquals(roots.get(2), b2.stateRoot());
        assertArrayEquals(roots.get(3), b3.stateRoot());
        for (int i = 1; i <= 3; i++)
        {
            assertArrayEquals(model(blocks, i).stateRoot(), roots.get(i), "sequential root agrees with the model");
        }

        // Committed state is genesis; each block answers as of its own end; the tip as of block 3.
        assertArrayEquals(roots.get(0), ledger.stateRoot());
        assertEquals(-1, ledger.lastCommittedHeight());
        assertState(model(blocks, 0), ledger, "committed");
        assertState(model(blocks, 1), b1, "block 1");
        assertState(model(blocks, 2), b2, "block 2");
        assertState(model(blocks, 3), b3, "block 3");
        assertState(model(blocks, 3), ledger.speculative(), "tip");
        assertEquals(model(blocks, 0).accountCount(), ledger.accountCount());
        assertEquals(model(blocks, 0).supply(), ledger.totalSupply());
    }

    @Test
    void commitOldestKeepsNewerBlocksThenContinues() throws InvalidBlockException
    {
        final List<List<EthTransaction>> blocks = blocks();
        final List<byte[]> roots = sequentialRoots(blocks);
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final BlockExecution b1 = open(ledger, blocks, 0);
        final BlockExecution b2 = open(ledger, blocks, 1);
        final BlockExecution b3 = open(ledger, blocks, 2);

        b1.commit();
        assertFalse(b1.isOpen());
        assertEquals(1, ledger.lastCommittedHeight());
        assertArrayEquals(roots.get(1), ledger.stateRoot());
        assertState(model(blocks, 1), ledger, "committed after 1");
        assertEquals(model(blocks, 1).accountCount(), ledger.accountCount());
        assertEquals(model(blocks, 1).supply(), ledger.totalSupply());
        assertState(model(blocks, 2), b2, "block 2 after commit of 1");
        assertState(model(blocks, 3), ledger.speculative(), "tip after commit of 1");
        assertArrayEquals(roots.get(2), b2.stateRoot());
        assertArrayEquals(roots.get(3), b3.stateRoot());
        assertSame(b2, ledger.oldestOpenBlock());

        final BlockExecution b4 = open(ledger, blocks, 3);
        assertArrayEquals(roots.get(4), b4.stateRoot());
        b2.commit();
        assertArrayEquals(roots.get(2), ledger.stateRoot());
        assertState(model(blocks, 2), ledger, "committed after 2");
        b3.commit();
        assertArrayEquals(roots.get(3), ledger.stateRoot());
        assertState(model(blocks, 3), ledger, "committed after 3");
        assertState(model(blocks, 4), ledger.speculative(), "tip");
        b4.commit();
        assertArrayEquals(roots.get(4), ledger.stateRoot());
        assertState(model(blocks, 4), ledger, "committed after 4");
        assertEquals(4, ledger.lastCommittedHeight());
        assertEquals(0, ledger.openBlockCount());
        assertNull(ledger.openBlock());
        assertEquals(model(blocks, 4).sumOfBalances(), ledger.totalSupply());

        // The single-block path still works afterwards.
        ledger.begin(5, GWEI).commit();
        assertArrayEquals(roots.get(4), ledger.stateRoot());
    }

    @Test
    void rollbackNewestFirstRestoresEarlierRootsAndBalances() throws InvalidBlockException
    {
        final List<List<EthTransaction>> blocks = blocks();
        final List<byte[]> roots = sequentialRoots(blocks);
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final int genesisAccounts = ledger.accountCount();
        final BlockExecution b1 = open(ledger, blocks, 0);
        final BlockExecution b2 = open(ledger, blocks, 1);
        final BlockExecution b3 = open(ledger, blocks, 2);
        b3.stateRoot();

        b3.rollback();
        assertSame(b2, ledger.openBlock());
        assertState(model(blocks, 2), ledger.speculative(), "tip after rollback of 3");
        assertArrayEquals(roots.get(2), b2.stateRoot());
        assertEquals(0, ledger.speculative().nonce(NEW3), "account created in block 3 is gone");

        // Block 2 is the tip again: it can take more transactions, and a new block 3 can follow.
        final EthTransaction extra = TestTxs.from(A).nonce(2).fees(5 * GWEI, GWEI).to(B).value(5).build();
        assertEquals(TxOutcome.SUCCESS, b2.apply(extra));
        final ModelLedger withExtra = model(blocks, 2);
        withExtra.apply(extra, BASE_FEES[1]);
        assertArrayEquals(withExtra.stateRoot(), b2.stateRoot());
        final BlockExecution again = ledger.beginOnTop(3, GWEI);
        assertEquals(TxOutcome.NONCE_MISMATCH, again.apply(blocks.get(2).get(0)), "nonce 2 already used in block 2");
        again.rollback();

        b2.rollback();
        assertSame(b1, ledger.openBlock());
        assertArrayEquals(roots.get(1), b1.stateRoot());
        assertState(model(blocks, 1), ledger.speculative(), "tip after rollback of 2");
        b1.rollback();
        assertNull(ledger.openBlock());
        assertArrayEquals(roots.get(0), ledger.stateRoot());
        assertState(model(blocks, 0), ledger, "committed after full rollback");
        assertState(model(blocks, 0), ledger.speculative(), "tip after full rollback");
        assertEquals(genesisAccounts, ledger.accountCount());

        // Re-executing the same blocks after the rollbacks gives the same roots.
        assertArrayEquals(roots.get(1), open(ledger, blocks, 0).stateRoot());
        assertArrayEquals(roots.get(2), open(ledger, blocks, 1).stateRoot());
        assertArrayEquals(roots.get(3), open(ledger, blocks, 2).stateRoot());
    }

    @Test
    void rollbackToRollsBackEveryBlockAboveTheForkPoint() throws InvalidBlockException
    {
        final List<List<EthTransaction>> blocks = blocks();
        final List<byte[]> roots = sequentialRoots(blocks);
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        open(ledger, blocks, 0).commit();
        final BlockExecution b2 = open(ledger, blocks, 1);
        final BlockExecution b3 = open(ledger, blocks, 2);
        final BlockExecution b4 = open(ledger, blocks, 3);

        assertEquals(0, ledger.rollbackTo(4));
        assertEquals(2, ledger.rollbackTo(2));
        assertFalse(b3.isOpen());
        assertFalse(b4.isOpen());
        assertSame(b2, ledger.openBlock());
        assertArrayEquals(roots.get(2), b2.stateRoot());
        assertThrows(IllegalArgumentException.class, () -> ledger.rollbackTo(0), "below the committed height");
        assertEquals(1, ledger.rollbackTo(1));
        assertEquals(0, ledger.openBlockCount());
        assertArrayEquals(roots.get(1), ledger.stateRoot());
        assertState(model(blocks, 1), ledger.speculative(), "tip at the committed state");
    }

    @Test
    void refusesOutOfOrderOperations()
    {
        final List<List<EthTransaction>> blocks = blocks();
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        assertThrows(IllegalArgumentException.class, () -> ledger.beginOnTop(-1, GWEI));
        final BlockExecution b1 = open(ledger, blocks, 0);
        assertThrows(IllegalStateException.class, () -> ledger.begin(2, GWEI), "begin is single-block");
        assertThrows(IllegalArgumentException.class, () -> ledger.beginOnTop(3, GWEI), "heights are consecutive");
        assertThrows(IllegalArgumentException.class, () -> ledger.beginOnTop(1, GWEI));
        assertThrows(IllegalArgumentException.class, () -> ledger.beginOnTop(2, -1));
        final BlockExecution b2 = open(ledger, blocks, 1);
        final byte[] root1 = b1.stateRoot();
        final byte[] root2 = b2.stateRoot();

        final EthTransaction next = TestTxs.from(A).nonce(2).fees(5 * GWEI, GWEI).build();
        assertThrows(IllegalStateException.class, () -> b1.apply(next), "only the newest block applies");
        assertThrows(IllegalStateException.class, b1::rollback, "only the newest block rolls back");
        assertThrows(IllegalStateException.class, b2::commit, "only the oldest block commits");
        assertTrue(b1.isOpen());
        assertTrue(b2.isOpen());
        assertArrayEquals(root1, b1.stateRoot(), "refusals change nothing");
        assertArrayEquals(root2, b2.stateRoot());

        b1.commit();
        assertThrows(IllegalStateException.class, b1::commit);
        assertThrows(IllegalStateException.class, b1::rollback);
        assertThrows(IllegalStateException.class, b1::stateRoot);
        assertThrows(IllegalStateException.class, () -> b1.nonce(A));
        b2.rollback();
        assertThrows(IllegalStateException.class, () -> b2.apply(next));
        assertThrows(IllegalStateException.class, b2::commit);
        assertEquals(2, b2.height(), "a closed block keeps its header fields");
        assertEquals(2, b2.txCount());
    }
}
