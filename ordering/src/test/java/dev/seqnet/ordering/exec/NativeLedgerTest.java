package dev.seqnet.ordering.exec;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.ModelLedger;
import dev.seqnet.ordering.TestTxs;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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

class NativeLedgerTest
{
    private static final Address A = Address.fromHex("0x" + "11".repeat(20));
    private static final Address B = Address.fromHex("0x" + "22".repeat(20));
    private static final Address C = Address.fromHex("0x" + "0a".repeat(20));
    private static final Address D = Address.fromHex("0x" + "44".repeat(20));
    private static final Address FEES = Address.fromHex("0x" + "55".repeat(20));
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    private static Map<Address, BigInteger> alloc()
    {
        final Map<Address, BigInteger> alloc = new LinkedHashMap<>();
        alloc.put(B, BigInteger.TWO.pow(200).add(BigInteger.valueOf(7)));
        alloc.put(A, ETHER);
        alloc.put(C, BigInteger.valueOf(5));
        return alloc;
    }

    @Test
    void stateRootMatchesIndependentVectors()
    {
        // Vectors computed with Python 3 hashlib: leaf = sha256(addr ‖ nonce BE8 ‖ balance BE32), slots in
        // address order (C, A, B) then creation order (D, FEES), rs_merkle shape.
        assertEquals("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Hex.encode(NativeLedger.emptyStateRoot()));
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        assertEquals("0x63ded58ac3718e978921407ea8dd839ba217ded2eb35ceff2794eed36c4f0605", Hex.encode(ledger.stateRoot()));

        final BlockExecution block = ledger.begin(1, GWEI);
        final EthTransaction tx = TestTxs.from(A).nonce(0).fees(3 * GWEI, GWEI).gasLimit(50_000).to(D).value(12345).build();
        assertEquals(TxOutcome.SUCCESS, block.apply(tx));
        final byte[] root = block.stateRoot();
        assertEquals("0xe5cd2ee33c584036b28078c547fa2557cddeac66c3af0f80d7bc3324a21dd3b0", Hex.encode(root));
        block.commit();
        assertArrayEquals(root, ledger.stateRoot());
        assertEquals(new BigInteger("999957999999987655"), ledger.balance(A));
        assertEquals(1, ledger.nonce(A));
        assertEquals(5, ledger.accountCount());
    }

    @Test
    void emptyGenesisHasEmptyRootAndGrowsFromNothing()
    {
        final NativeLedger ledger = new NativeLedger(Map.of(), FEES);
        assertArrayEquals(NativeLedger.emptyStateRoot(), ledger.stateRoot());
        assertEquals(0, ledger.accountCount());
        // A zero-fee, zero-value transaction is affordable with no balance at base fee 0.
        final BlockExecution block = ledger.begin(1, 0);
        assertEquals(TxOutcome.SUCCESS, block.apply(TestTxs.from(A).fees(0, 0).to(D).build()));
        block.commit();
        assertEquals(3, ledger.accountCount());
        final ModelLedger model = new ModelLedger(Map.of(), FEES);
        model.apply(TestTxs.from(A).fees(0, 0).to(D).build(), 0);
        assertArrayEquals(model.stateRoot(), ledger.stateRoot());
    }

    @Test
    void genesisOrderDoesNotMatter()
    {
        final Map<Address, BigInteger> forward = new LinkedHashMap<>();
        final Map<Address, BigInteger> backward = new LinkedHashMap<>();
        final List<Address> addresses = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            addresses.add(TestTxs.address(i * 7919));
        }
        for (int i = 0; i < addresses.size(); i++)
        {
            forward.put(addresses.get(i), BigInteger.valueOf(1000 + i));
        }
        for (int i = addresses.size() - 1; i >= 0; i--)
        {
            backward.put(addresses.get(i), BigInteger.valueOf(1000 + i));
        }
        final byte[] r1 = new NativeLedger(forward, FEES).stateRoot();
        assertArrayEquals(r1, new NativeLedger(backward, FEES).stateRoot());
        assertArrayEquals(r1, new NativeLedger(new HashMap<>(forward), FEES).stateRoot());
        assertArrayEquals(new ModelLedger(forward, FEES).stateRoot(), r1);
    }

    @Test
    void feeAccountingWithCappedTip()
    {
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final BigInteger supply = ledger.totalSupply();
        final long base = GWEI;
        final BlockExecution block = ledger.begin(1, base);
        // Fee cap 1.5 gwei caps the 1 gwei tip at 0.5 gwei; 30,000 intrinsic gas of a 100,000 limit.
        final EthTransaction tx = TestTxs.from(A).fees(1_500_000_000L, GWEI).gasLimit(100_000).intrinsicGas(30_000)
            .to(D).value(777).build();
        assertEquals(TxOutcome.SUCCESS, block.apply(tx));
        assertEquals(30_000, block.gasUsed());
        assertEquals(ChainConstants.BLOCK_GAS_LIMIT - 30_000, block.gasRemaining());
        block.commit();

        // Hand-computed: sender pays 777 + 30,000 × 1.5 gwei; tip 30,000 × 0.5 gwei; burn 30,000 × 1 gwei.
        assertEquals(ETHER.subtract(BigInteger.valueOf(777 + 45_000_000_000_000L)), ledger.balance(A));
        assertEquals(BigInteger.valueOf(777), ledger.balance(D));
        assertEquals(BigInteger.valueOf(15_000_000_000_000L), ledger.balance(FEES));
        assertEquals(supply.subtract(BigInteger.valueOf(30_000_000_000_000L)), ledger.totalSupply());
    }

    @Test
    void senderCanBeRecipientAndFeeRecipient()
    {
        final Map<Address, BigInteger> alloc = Map.of(FEES, ETHER);
        final NativeLedger ledger = new NativeLedger(alloc, FEES);
        final BlockExecution block = ledger.begin(1, GWEI);
        assertEquals(TxOutcome.SUCCESS, block.apply(TestTxs.from(FEES).fees(3 * GWEI, 2 * GWEI).to(FEES).value(5).build()));
        block.commit();
        // pays 21,000 × 3 gwei, gets the 21,000 × 2 gwei tip and its own value back: net = burn.
        assertEquals(ETHER.subtract(BigInteger.valueOf(21_000 * GWEI)), ledger.balance(FEES));
        assertEquals(ledger.balance(FEES), ledger.totalSupply());
        assertEquals(1, ledger.accountCount());
    }

    @Test
    void failuresChangeNothing()
    {
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final BlockExecution block = ledger.begin(1, 2 * GWEI);
        final byte[] before = block.stateRoot();

        assertEquals(TxOutcome.NONCE_MISMATCH, block.apply(TestTxs.from(A).nonce(1).fees(3 * GWEI, GWEI).build()));
        assertEquals(TxOutcome.FEE_CAP_BELOW_BASE_FEE,
            block.apply(TestTxs.from(A).fees(2 * GWEI - 1, GWEI).build()));
        assertEquals(TxOutcome.INTRINSIC_GAS_EXCEEDS_LIMIT,
            block.apply(TestTxs.from(A).fees(3 * GWEI, GWEI).gasLimit(21_000).intrinsicGas(21_001).build()));
        // C holds 5 wei.
        assertEquals(TxOutcome.INSUFFICIENT_FUNDS, block.apply(TestTxs.from(C).fees(3 * GWEI, GWEI).build()));
        assertEquals(TxOutcome.BLOCK_GAS_FULL,
            block.apply(TestTxs.from(A).fees(3 * GWEI, GWEI).gasLimit(ChainConstants.BLOCK_GAS_LIMIT + 1).build()));
        assertEquals(TxOutcome.NONCE_MISMATCH, block.apply(TestTxs.from(D).nonce(3).fees(3 * GWEI, GWEI).build()));

        assertEquals(0, block.gasUsed());
        assertEquals(0, block.txCount());
        assertArrayEquals(before, block.stateRoot());
        assertEquals(ETHER, block.balance(A));
        assertEquals(0, block.nonce(A));
        block.commit();
        assertEquals(3, ledger.accountCount());
        assertArrayEquals(before, ledger.stateRoot());
    }

    @Test
    void upfrontCostUsesGasLimitTimesEffectivePrice()
    {
        // price = 1 gwei base + min(1 gwei, 9 gwei) = 2 gwei; upfront = 100,000 × 2 gwei + 1000
        final BigInteger exact = BigInteger.valueOf(100_000L * 2 * GWEI + 1000);
        final NativeLedger ledger = new NativeLedger(Map.of(A, exact.subtract(BigInteger.ONE), B, exact), FEES);
        final BlockExecution block = ledger.begin(1, GWEI);
        assertEquals(TxOutcome.INSUFFICIENT_FUNDS,
            block.apply(TestTxs.from(A).fees(10 * GWEI, GWEI).gasLimit(100_000).value(1000).build()));
        assertEquals(TxOutcome.SUCCESS,
            block.apply(TestTxs.from(B).fees(10 * GWEI, GWEI).gasLimit(100_000).value(1000).build()));
        block.commit();
        // only the intrinsic 21,000 gas is charged
        assertEquals(exact.subtract(BigInteger.valueOf(1000 + 21_000L * 2 * GWEI)), ledger.balance(B));
    }

    @Test
    void blockGasLimitBoundsTheSumOfGasLimits()
    {
        final NativeLedger ledger = new NativeLedger(Map.of(A, ETHER, B, ETHER), FEES);
        final BlockExecution block = ledger.begin(1, GWEI);
        final long big = ChainConstants.BLOCK_GAS_LIMIT - 30_000;
        assertEquals(TxOutcome.SUCCESS, block.apply(TestTxs.from(A).fees(2 * GWEI, GWEI).gasLimit(big).intrinsicGas(big).build()));
        assertEquals(30_000, block.gasRemaining());
        assertEquals(TxOutcome.BLOCK_GAS_FULL,
            block.apply(TestTxs.from(B).fees(2 * GWEI, GWEI).gasLimit(30_001).build()));
        assertEquals(TxOutcome.SUCCESS, block.apply(TestTxs.from(B).fees(2 * GWEI, GWEI).gasLimit(30_000).build()));
        assertEquals(ChainConstants.BLOCK_GAS_LIMIT - 9_000, block.gasUsed());
        block.rollback();
    }

    @Test
    void rollbackRestoresEverythingExactly()
    {
        // The last slot (0xff…) is never touched: rollback must still rehash its path after shrinking.
        final Map<Address, BigInteger> alloc = new HashMap<>(alloc());
        alloc.put(FEES, BigInteger.ZERO);
        alloc.put(Address.fromHex("0x" + "ff".repeat(20)), BigInteger.ONE);
        final NativeLedger ledger = new NativeLedger(alloc, FEES);
        commitBlock(ledger, 1, GWEI, TestTxs.from(A).to(B).value(1).build());
        final byte[] root = ledger.stateRoot();
        final int accounts = ledger.accountCount();
        final BigInteger supply = ledger.totalSupply();
        final Map<Address, BigInteger> balances = new HashMap<>();
        for (final Address a : List.of(A, B, C, D, FEES))
        {
            balances.put(a, ledger.balance(a));
        }

        for (final boolean midBlockRoots : new boolean[]{false, true})
        {
            final BlockExecution block = ledger.begin(2, GWEI);
            for (int i = 0; i < 20; i++)
            {
                // creates 20 accounts and moves A's nonce and balance
                assertEquals(TxOutcome.SUCCESS,
                    block.apply(TestTxs.from(A).nonce(1 + i).to(TestTxs.address(100 + i)).value(10 + i).build()));
                if (midBlockRoots && i % 3 == 0)
                {
                    assertFalse(Arrays.equals(root, block.stateRoot()));
                }
            }
            assertEquals(accounts, ledger.accountCount(), "committed view while open");
            assertEquals(21, block.nonce(A));
            assertEquals(1, ledger.nonce(A));
            block.rollback();

            assertFalse(block.isOpen());
            assertNull(ledger.openBlock());
            assertArrayEquals(root, ledger.stateRoot());
            assertEquals(accounts, ledger.accountCount());
            assertEquals(supply, ledger.totalSupply());
            assertEquals(1, ledger.nonce(A));
            for (final Map.Entry<Address, BigInteger> e : balances.entrySet())
            {
                assertEquals(e.getValue(), ledger.balance(e.getKey()));
            }
            assertEquals(BigInteger.ZERO, ledger.balance(TestTxs.address(100)));
        }

        // After rollbacks the incremental tree must still be right: run a block and compare with a fresh ledger.
        final NativeLedger fresh = new NativeLedger(alloc, FEES);
        commitBlock(fresh, 1, GWEI, TestTxs.from(A).to(B).value(1).build());
        final List<EthTransaction> txs = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            txs.add(TestTxs.from(A).nonce(1 + i).to(TestTxs.address(200 + i)).value(3).build());
        }
        commitBlock(ledger, 2, GWEI, txs.toArray(new EthTransaction[0]));
        commitBlock(fresh, 2, GWEI, txs.toArray(new EthTransaction[0]));
        assertArrayEquals(fresh.stateRoot(), ledger.stateRoot());
    }

    @Test
    void oneOpenBlockAndIncreasingHeights()
    {
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final BlockExecution block = ledger.begin(1, GWEI);
        assertSame(block, ledger.openBlock());
        assertThrows(IllegalStateException.class, () -> ledger.begin(2, GWEI));
        block.commit();
        assertEquals(1, ledger.lastCommittedHeight());
        assertThrows(IllegalStateException.class, () -> block.apply(TestTxs.from(A).build()));
        assertThrows(IllegalStateException.class, block::commit);
        assertThrows(IllegalStateException.class, block::rollback);
        assertThrows(IllegalArgumentException.class, () -> ledger.begin(1, GWEI));
        ledger.begin(5, GWEI).rollback();
        assertEquals(1, ledger.lastCommittedHeight());
        ledger.begin(2, GWEI).commit();
    }

    @Test
    void committedViewIsStableWhileBlockIsOpen()
    {
        final NativeLedger ledger = new NativeLedger(alloc(), FEES);
        final BigInteger supply = ledger.totalSupply();
        final BlockExecution block = ledger.begin(1, GWEI);
        block.apply(TestTxs.from(A).to(D).value(100).build());
        assertEquals(0, ledger.nonce(A));
        assertEquals(ETHER, ledger.balance(A));
        assertEquals(BigInteger.ZERO, ledger.balance(D));
        assertEquals(BigInteger.valueOf(100), block.balance(D));
        assertEquals(supply, ledger.totalSupply());
        block.commit();
        assertEquals(1, ledger.nonce(A));
        assertEquals(BigInteger.valueOf(100), ledger.balance(D));
        assertTrue(ledger.totalSupply().compareTo(supply) < 0);
    }

    @Test
    void sameBlocksSameRootDifferentBlocksDifferentRoot()
    {
        final NativeLedger one = new NativeLedger(alloc(), FEES);
        final NativeLedger two = new NativeLedger(alloc(), FEES);
        final NativeLedger other = new NativeLedger(alloc(), FEES);
        for (int h = 1; h <= 5; h++)
        {
            final EthTransaction tx = TestTxs.from(A).nonce(h - 1).to(TestTxs.address(h % 3)).value(h).build();
            commitBlock(one, h, GWEI, tx);
            commitBlock(two, h, GWEI, tx);
            commitBlock(other, h, GWEI, h == 3 ?
                TestTxs.from(A).nonce(h - 1).to(TestTxs.address(h % 3)).value(h + 1).build() : tx);
            assertArrayEquals(one.stateRoot(), two.stateRoot());
            assertEquals(h >= 3, !Arrays.equals(one.stateRoot(), other.stateRoot()), "height " + h);
        }
    }

    @Test
    void replayReproducesRootsAndRejectsBadBlocks() throws InvalidBlockException
    {
        final NativeLedger producer = new NativeLedger(alloc(), FEES);
        final EthTransaction t1 = TestTxs.from(A).to(B).value(9).build();
        final EthTransaction t2 = TestTxs.from(A).nonce(1).to(D).value(9).build();
        commitBlock(producer, 1, GWEI, t1, t2);

        final NativeLedger replica = new NativeLedger(alloc(), FEES);
        final byte[] badRoot = producer.stateRoot();
        badRoot[0] ^= 1;
        final InvalidBlockException rootMismatch = assertThrows(InvalidBlockException.class,
            () -> BlockReplay.execute(replica, 1, GWEI, List.of(t1, t2), badRoot));
        assertEquals(-1, rootMismatch.txIndex());
        final InvalidBlockException failing = assertThrows(InvalidBlockException.class,
            () -> BlockReplay.execute(replica, 1, GWEI, List.of(t2, t1), null));
        assertEquals(0, failing.txIndex());
        assertEquals(TxOutcome.NONCE_MISMATCH, failing.outcome());
        assertNull(replica.openBlock());
        assertArrayEquals(new NativeLedger(alloc(), FEES).stateRoot(), replica.stateRoot());

        assertArrayEquals(producer.stateRoot(),
            BlockReplay.executeAndCommit(replica, 1, GWEI, List.of(t1, t2), producer.stateRoot()));
    }

    @Test
    void rejectsInvalidGenesis()
    {
        assertThrows(IllegalArgumentException.class, () -> new NativeLedger(Map.of(A, BigInteger.valueOf(-1)), FEES));
        assertThrows(IllegalArgumentException.class,
            () -> new NativeLedger(Map.of(A, NativeLedger.MAX_U256, B, BigInteger.ONE), FEES));
        final NativeLedger max = new NativeLedger(Map.of(A, NativeLedger.MAX_U256), FEES);
        assertArrayEquals(new ModelLedger(Map.of(A, NativeLedger.MAX_U256), FEES).stateRoot(), max.stateRoot());
    }

    static void commitBlock(final Execution ledger, final long height, final long baseFee, final EthTransaction... txs)
    {
        final BlockExecution block = ledger.begin(height, baseFee);
        for (final EthTransaction tx : txs)
        {
            assertEquals(TxOutcome.SUCCESS, block.apply(tx));
        }
        block.commit();
    }
}
