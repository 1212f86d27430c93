package dev.seqnet.ordering;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.ordering.exec.BlockReplay;
import dev.seqnet.ordering.exec.InvalidBlockException;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import org.junit.jupiter.api.RepeatedTest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.seqnet.ordering.TestTxs.GWEI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property test: random transactions (gaps, replacements, underfunded senders, fee caps around the base
 * fee) through the mempool and the builder for many blocks, checked against an independent model
 * ledger and a replaying replica. Seeded; the seed is in every failure message. Re-run one with
 * {@code -Dseqnet.seed=<seed>}.
 */
class RandomizedBlocksTest
{
    private static final Address FEES = TestTxs.address(0xFEE);
    private static final int SENDERS = 200;
    private static final int GLOBAL_SLOTS = 2_000;
    private static final int BLOCKS = 60;

    @RepeatedTest(3)
    void invariantsHoldOverManyBlocks()
    {
        final String fixed = System.getProperty("seqnet.seed");
        final long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        try
        {
            run(seed);
        }
        catch (final AssertionError | RuntimeException e)
        {
            throw new AssertionError("seed " + seed + " (re-run with -Dseqnet.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private static void run(final long seed)
    {
        final Random rnd = new Random(seed);
        final Map<Address, BigInteger> alloc = new HashMap<>();
        final List<Address> senders = new ArrayList<>();
        for (int i = 1; i <= SENDERS; i++)
        {
            final Address a = TestTxs.address(i);
            senders.add(a);
            // a quarter of the senders are poor enough to fail mid-block
            final long gweiBalance = i % 4 == 0 ? 100_000 + rnd.nextInt(400_000) : 1_000_000_000L;
            alloc.put(a, BigInteger.valueOf(gweiBalance).multiply(BigInteger.valueOf(GWEI)));
        }
        final NativeLedger ledger = new NativeLedger(alloc, FEES);
        final NativeLedger replica = new NativeLedger(alloc, FEES);
        final ModelLedger model = new ModelLedger(alloc, FEES);
        final BigInteger genesisSupply = model.supply();
        final Mempool pool = new Mempool(new Mempool.Context().accountState(ledger).accountSlots(16).globalSlots(GLOBAL_SLOTS));
        final BlockBuilder builder = new BlockBuilder(pool, ledger);
        final Map<TxRejection, Integer> rejections = new EnumMap<>(TxRejection.class);

        BigInteger burned = BigInteger.ZERO;
        BigInteger tips = BigInteger.ZERO;
        long baseFee = BaseFee.initial();
        int included = 0;
        int failed = 0;
        int fullBlocks = 0;
        long maxBaseFee = baseFee;
        final List<EthTransaction> recent = new ArrayList<>();
        for (long height = 1; height <= BLOCKS; height++)
        {
            // bursts fill blocks and push the base fee up; quiet stretches let it fall
            final int arrivals = height % 20 < 8 ? 1500 + rnd.nextInt(1000) : rnd.nextInt(150);
            for (int i = 0; i < arrivals; i++)
            {
                final EthTransaction tx = randomTx(rnd, senders, pool, recent, baseFee);
                final TxRejection r = pool.add(tx);
                if (r != null)
                {
                    rejections.merge(r, 1, Integer::sum);
                }
                else if (recent.size() < 500)
                {
                    recent.add(tx);
                }
                else
                {
                    recent.set(rnd.nextInt(recent.size()), tx);
                }
            }
            assertEquals(pool.size(), pool.pendingCount() + pool.queuedCount());

            BuiltBlock block = builder.build(height, baseFee);
            if (rnd.nextInt(5) == 0)
            {
                // a proposal that does not finalize: roll back and rebuild, must be identical
                final byte[] root = block.stateRoot();
                final List<EthTransaction> txs = block.transactions();
                builder.abandon(block);
                block = builder.build(height, baseFee);
                assertEquals(txs, block.transactions());
                assertArrayEquals(root, block.stateRoot());
            }

            // Included transactions: fee cap covers the base fee, nonces contiguous per sender from the
            // pre-block nonce, gas adds up and fits.
            final Map<Address, Long> expectedNonce = new HashMap<>();
            long gas = 0;
            for (final EthTransaction tx : block.transactions())
            {
                assertTrue(tx.maxFeePerGas() >= baseFee);
                final long expected = expectedNonce.getOrDefault(tx.sender(), model.nonce(tx.sender()));
                assertEquals(expected, tx.nonce(), "nonce gap for " + tx.sender());
                expectedNonce.put(tx.sender(), expected + 1);
                gas += tx.intrinsicGas();
                final long tip = Math.min(tx.maxPriorityFeePerGas(), tx.maxFeePerGas() - baseFee);
                burned = burned.add(BigInteger.valueOf(baseFee).multiply(BigInteger.valueOf(tx.intrinsicGas())));
                tips = tips.add(BigInteger.valueOf(tip).multiply(BigInteger.valueOf(tx.intrinsicGas())));
                model.apply(tx, baseFee);
            }
            assertEquals(gas, block.gasUsed());
            assertTrue(gas <= ChainConstants.BLOCK_GAS_LIMIT);
            assertArrayEquals(model.stateRoot(), block.stateRoot(), "state root vs model at height " + height);

            builder.commit(block);
            included += block.transactions().size();
            failed += block.failedCount();
            fullBlocks += block.gasUsed() > ChainConstants.BLOCK_GAS_LIMIT - ChainConstants.TX_BASE_GAS ? 1 : 0;

            try
            {
                assertArrayEquals(ledger.stateRoot(),
                    BlockReplay.executeAndCommit(replica, height, baseFee, block.transactions(), ledger.stateRoot()));
            }
            catch (final InvalidBlockException e)
            {
                throw new AssertionError("replica rejected block " + height + ": " + e.getMessage(), e);
            }

            // Ledger agrees with the model; supply accounting is exact.
            assertEquals(model.accountCount(), ledger.accountCount());
            for (final Address a : model.accounts())
            {
                assertEquals(model.nonce(a), ledger.nonce(a));
                assertEquals(model.balance(a), ledger.balance(a));
                assertTrue(ledger.balance(a).signum() >= 0);
            }
            assertEquals(genesisSupply.subtract(burned), ledger.totalSupply());
            assertEquals(ledger.totalSupply(), model.sumOfBalances());
            assertEquals(tips, ledger.balance(FEES));

            // Pool: nothing stale, counts consistent, pending nonce ahead of the account nonce.
            final Set<Address> pooledSenders = new HashSet<>();
            for (final EthTransaction tx : pool.snapshot())
            {
                assertTrue(tx.nonce() >= ledger.nonce(tx.sender()), "stale tx left in pool");
                pooledSenders.add(tx.sender());
            }
            assertEquals(pooledSenders.size(), pool.senderCount());
            for (final Address a : senders)
            {
                assertTrue(pool.pendingNonce(a) >= ledger.nonce(a));
            }
            assertTrue(pool.size() <= GLOBAL_SLOTS);

            baseFee = BaseFee.next(baseFee, block.gasUsed(), ChainConstants.BLOCK_GAS_LIMIT);
            maxBaseFee = Math.max(maxBaseFee, baseFee);
        }
        assertTrue(included > 0, "nothing was ever included");
        System.out.println("seed " + seed + ": included " + included + ", failed " + failed +
            ", full blocks " + fullBlocks + ", rejections " + rejections + ", max base fee " + maxBaseFee +
            ", final base fee " + baseFee);
    }

    private static EthTransaction randomTx(
        final Random rnd,
        final List<Address> senders,
        final Mempool pool,
        final List<EthTransaction> recent,
        final long baseFee)
    {
        final Address from = senders.get(rnd.nextInt(senders.size()));
        final long pendingNonce = pool.pendingNonce(from);
        final int shape = rnd.nextInt(10);
        final long nonce;
        if (shape == 2 && !recent.isEmpty())
        {
            // replacement attempt of a recently admitted transaction (maybe gone by now), bumped by 0-30%
            final EthTransaction old = recent.get(rnd.nextInt(recent.size()));
            final double bump = 1 + rnd.nextDouble() * 0.3;
            return TestTxs.from(old.sender()).nonce(old.nonce())
                .fees((long)(old.maxFeePerGas() * bump), (long)(old.maxPriorityFeePerGas() * bump))
                .gasLimit(old.gasLimit()).intrinsicGas(old.intrinsicGas()).to(old.to()).value(old.value()).build();
        }
        else if (shape == 0)
        {
            nonce = Math.max(0, pendingNonce - 1 - rnd.nextInt(2));
        }
        else if (shape == 1)
        {
            nonce = pendingNonce + 1 + rnd.nextInt(3);
        }
        else
        {
            nonce = pendingNonce;
        }
        final long maxFee = Math.max(ChainConstants.BASE_FEE_FLOOR, baseFee / 2 + (long)(rnd.nextDouble() * 2 * baseFee));
        final long tip = rnd.nextInt(4) == 0 ? maxFee : Math.min(maxFee, (long)(rnd.nextDouble() * GWEI));
        final long intrinsic = ChainConstants.TX_BASE_GAS + 16L * rnd.nextInt(2000);
        final long gasLimit = intrinsic + (rnd.nextBoolean() ? 0 : rnd.nextInt(500_000));
        final Address to = rnd.nextInt(3) == 0 ? TestTxs.address(10_000 + rnd.nextInt(100)) : senders.get(rnd.nextInt(senders.size()));
        final long value = (long)(rnd.nextDouble() * 50_000) * GWEI;
        return TestTxs.from(from).nonce(nonce).fees(maxFee, tip).gasLimit(gasLimit).intrinsicGas(intrinsic)
            .to(to).value(value).build();
    }
}
