package dev.seqnet.ordering.exec;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.ModelLedger;
import dev.seqnet.ordering.TestTxs;
import org.junit.jupiter.api.RepeatedTest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.seqnet.ordering.TestTxs.GWEI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model test for the open chain: random interleavings of begin-on-top, apply, commit-oldest,
 * rollback-newest and rollback-to, checked after every step against the model ledger replaying the
 * committed and open blocks from genesis (committed view, tip view, each open block's view and root)
 * and against a fresh {@link NativeLedger} replaying the same blocks one at a time. Seeded; the seed
 * is in every failure message. Re-run one with {@code -Dseqnet.seed=<seed>}.
 */
class OpenChainRandomizedTest
{
    private static final Address FEES = TestTxs.address(0xFEE);
    private static final int STEPS = 600;
    private static final int MAX_OPEN = 5;
    private static final long[] BASE_FEES = {0, GWEI / 2, GWEI, 3 * GWEI};

    /** One block as the reference keeps it: header fields and the transactions that applied. */
    private record Blk(long height, long baseFee, List<EthTransaction> txs, BlockExecution execution)
    {
    }

    @RepeatedTest(5)
    void matchesTheModelUnderRandomInterleavings()
    {
        final String fixed = System.getProperty("seqnet.seed");
        final long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        try
        {
            new Run(seed).run();
        }
        catch (final AssertionError | RuntimeException e)
        {
            throw new AssertionError("seed " + seed + " (re-run with -Dseqnet.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private static final class Run
    {
        final Random rnd;
        final Map<Address, BigInteger> alloc = new HashMap<>();
        final List<Address> senders = new ArrayList<>();
        final List<Address> addresses = new ArrayList<>();
        final List<Blk> committed = new ArrayList<>();
        final List<Blk> open = new ArrayList<>();
        final NativeLedger ledger;
        int[] counts = new int[8];

        Run(final long seed)
        {
            rnd = new Random(seed);
            for (int i = 1; i <= 6; i++)
            {
                final Address a = TestTxs.address(i);
                // two of the senders can pay for a few transactions only
                alloc.put(a, i <= 4 ? BigInteger.TEN.pow(18) : BigInteger.valueOf(100_000 * GWEI));
                senders.add(a);
            }
            addresses.addAll(senders);
            for (int i = 50; i < 56; i++)
            {
                // recipients that do not exist at genesis; some of them send once funded
                final Address a = TestTxs.address(i);
                addresses.add(a);
                if (i < 52)
                {
                    senders.add(a);
                }
            }
            addresses.add(FEES);
            ledger = new NativeLedger(alloc, FEES);
        }

        void run()
        {
            for (int step = 0; step < STEPS; step++)
            {
                final int r = rnd.nextInt(100);
                if (open.isEmpty())
                {
                    if (r < 90)
                    {
                        begin();
                    }
                    else
                    {
                        rollbackTo();
                    }
                }
                else if (r < 18 && open.size() < MAX_OPEN)
                {
                    begin();
                }
                else if (r < 65)
                {
                    apply();
                }
                else if (r < 77)
                {
                    commitOldest();
                }
                else if (r < 88)
                {
                    rollbackNewest();
                }
                else if (r < 92)
                {
                    rollbackTo();
                }
                else if (open.size() >= 2)
                {
                    refusals();
                }
                check();
            }
            assertTrue(counts[0] > 20 && counts[1] > 50 && counts[2] > 10 && counts[3] > 10 && counts[5] > 20 && counts[6] > 20,
                "operations exercised (begin, apply, commit, rollback, rollbackTo, applied, failed, refusals): " + java.util.Arrays.toString(counts));
        }

        long tipHeight()
        {
            return open.isEmpty() ? ledger.lastCommittedHeight() : open.get(open.size() - 1).height;
        }

        void begin()
        {
            final long baseFee = BASE_FEES[rnd.nextInt(BASE_FEES.length)];
            // With nothing open, the next height may skip (as the single-block path allows).
            final long height = tipHeight() + 1 + (open.isEmpty() ? rnd.nextInt(2) : 0);
            final BlockExecution execution = ledger.beginOnTop(height, baseFee);
            open.add(new Blk(height, baseFee, new ArrayList<>(), execution));
            counts[0]++;
        }

        void apply()
        {
            final Blk blk = open.get(open.size() - 1);
            final ModelLedger tip = replay(open.size());
            final Address from = senders.get(rnd.nextInt(senders.size()));
            final int nonceJitter = rnd.nextInt(10);
            final long nonce = tip.nonce(from) + (nonceJitter == 0 ? -1 : nonceJitter == 1 ? 1 : 0);
            final long maxFee = switch (rnd.nextInt(4))
            {
                case 0 -> blk.baseFee / 2;
                case 1 -> blk.baseFee;
                case 2 -> 2 * blk.baseFee + 1;
                default -> 5 * GWEI;
            };
            // Now and then a 3M-gas transaction, so a block can fill up (BLOCK_GAS_FULL).
            final boolean heavy = rnd.nextInt(8) == 0;
            final long intrinsic = heavy ? 3_000_000L : ChainConstants.TX_BASE_GAS + rnd.nextInt(3) * 16_000L;
            final long gasLimit = intrinsic + rnd.nextInt(3) * 10_000L - (rnd.nextInt(20) == 0 ? 1 : 0);
            final BigInteger value = switch (rnd.nextInt(4))
            {
                case 0 -> BigInteger.ZERO;
                case 1 -> BigInteger.valueOf(rnd.nextInt(1_000_000));
                case 2 -> tip.balance(from).shiftRight(2);
                default -> tip.balance(from);
            };
            final EthTransaction tx = TestTxs.from(from).nonce(Math.max(nonce, 0)).fees(maxFee, rnd.nextInt(2) * GWEI)
                .gasLimit(gasLimit).intrinsicGas(intrinsic).value(value)
                .to(addresses.get(rnd.nextInt(addresses.size()))).build();

            long gasUsed = 0;
            for (final EthTransaction t : blk.txs)
            {
                gasUsed += t.intrinsicGas();
            }
            final TxOutcome expected = expectedOutcome(tip, tx, blk.baseFee, gasUsed);
            assertEquals(expected, blk.execution.apply(tx), "apply at height " + blk.height);
            if (expected.isSuccess())
            {
                blk.txs.add(tx);
            }
            assertEquals(gasUsed + (expected.isSuccess() ? tx.intrinsicGas() : 0), blk.execution.gasUsed());
            assertEquals(blk.txs.size(), blk.execution.txCount());
            counts[1]++;
            counts[expected.isSuccess() ? 5 : 6]++;
        }

        void commitOldest()
        {
            final Blk blk = open.remove(0);
            blk.execution.commit();
            committed.add(blk);
            assertEquals(blk.height, ledger.lastCommittedHeight());
            counts[2]++;
        }

        void rollbackNewest()
        {
            final Blk blk = open.remove(open.size() - 1);
            blk.execution.rollback();
            counts[3]++;
        }

        void rollbackTo()
        {
            final long low = ledger.lastCommittedHeight();
            final long target = low + rnd.nextInt((int)(tipHeight() - low) + 1);
            int expected = 0;
            while (!open.isEmpty() && open.get(open.size() - 1).height > target)
            {
                open.remove(open.size() - 1);
                expected++;
            }
            assertEquals(expected, ledger.rollbackTo(target));
            if (low >= 0)
            {
                assertThrows(IllegalArgumentException.class, () -> ledger.rollbackTo(low - 1));
            }
            counts[4]++;
        }

        void refusals()
        {
            final Blk oldest = open.get(0);
            final Blk newest = open.get(open.size() - 1);
            final Blk below = open.get(open.size() - 2);
            final EthTransaction tx = TestTxs.from(senders.get(0)).nonce(below.execution.nonce(senders.get(0))).build();
            assertThrows(IllegalStateException.class, () -> below.execution.apply(tx));
            assertThrows(IllegalStateException.class, below.execution::rollback);
            assertThrows(IllegalStateException.class, newest.execution::commit);
            assertThrows(IllegalStateException.class, () -> ledger.begin(newest.height + 1, GWEI));
            assertThrows(IllegalArgumentException.class, () -> ledger.beginOnTop(newest.height + 2, GWEI));
            assertThrows(IllegalArgumentException.class, () -> ledger.beginOnTop(oldest.height, GWEI));
            counts[7]++;
        }

        /** The model after the committed blocks and the first {@code openCount} open blocks. */
        ModelLedger replay(final int openCount)
        {
            final ModelLedger model = new ModelLedger(alloc, FEES);
            for (final Blk blk : committed)
            {
                for (final EthTransaction tx : blk.txs)
                {
                    model.apply(tx, blk.baseFee);
                }
            }
            for (int i = 0; i < openCount; i++)
            {
                final Blk blk = open.get(i);
                for (final EthTransaction tx : blk.txs)
                {
                    model.apply(tx, blk.baseFee);
                }
            }
            return model;
        }

        void check()
        {
            final ModelLedger base = replay(0);
            assertArrayEquals(base.stateRoot(), ledger.stateRoot(), "committed root");
            assertState(base, ledger, "committed");
            assertEquals(base.accountCount(), ledger.accountCount(), "committed account count");
            assertEquals(base.supply(), ledger.totalSupply(), "committed supply");
            assertEquals(open.size(), ledger.openBlockCount());
            assertEquals(committed.isEmpty() ? -1 : committed.get(committed.size() - 1).height, ledger.lastCommittedHeight());

            ModelLedger tip = base;
            for (int i = 0; i < open.size(); i++)
            {
                final Blk blk = open.get(i);
                tip = replay(i + 1);
                assertTrue(blk.execution.isOpen());
                assertState(tip, blk.execution, "open block " + blk.height);
                final boolean newest = i == open.size() - 1;
                // Reading the newest block's root flushes its leaves; leave it unread half the time so
                // rollback runs both with and without a flushed tree.
                if (!newest || rnd.nextBoolean())
                {
                    assertArrayEquals(tip.stateRoot(), blk.execution.stateRoot(), "root of open block " + blk.height);
                }
            }
            assertState(tip, ledger.speculative(), "tip");
            if (open.isEmpty())
            {
                assertSame(null, ledger.openBlock());
            }
            else
            {
                assertSame(open.get(open.size() - 1).execution, ledger.openBlock());
                assertSame(open.get(0).execution, ledger.oldestOpenBlock());
            }

            // An independent path: a fresh ledger executing every committed and open block with commit.
            if (rnd.nextInt(4) == 0)
            {
                final NativeLedger fresh = new NativeLedger(alloc, FEES);
                final List<Blk> all = new ArrayList<>(committed);
                all.addAll(open);
                for (final Blk blk : all)
                {
                    try
                    {
                        BlockReplay.executeAndCommit(fresh, blk.height, blk.baseFee, blk.txs, null);
                    }
                    catch (final InvalidBlockException e)
                    {
                        throw new AssertionError(e);
                    }
                }
                assertArrayEquals(fresh.stateRoot(), tip.stateRoot(), "fresh replay root");
                assertState(tip, fresh, "fresh replay");
            }
        }

        void assertState(final ModelLedger expected, final AccountState actual, final String what)
        {
            for (final Address a : addresses)
            {
                assertEquals(expected.nonce(a), actual.nonce(a), what + " nonce of " + a);
                assertEquals(expected.balance(a), actual.balance(a), what + " balance of " + a);
            }
        }
    }

    /** The ledger's documented rules, checked in their documented order against the model's state. */
    private static TxOutcome expectedOutcome(
        final ModelLedger state, final EthTransaction tx, final long baseFee, final long gasUsed)
    {
        if (tx.gasLimit() < tx.intrinsicGas())
        {
            return TxOutcome.INTRINSIC_GAS_EXCEEDS_LIMIT;
        }
        if (tx.nonce() != state.nonce(tx.sender()))
        {
            return TxOutcome.NONCE_MISMATCH;
        }
        if (tx.maxFeePerGas() < baseFee)
        {
            return TxOutcome.FEE_CAP_BELOW_BASE_FEE;
        }
        final long price = baseFee + Math.min(tx.maxPriorityFeePerGas(), tx.maxFeePerGas() - baseFee);
        final BigInteger upfront = BigInteger.valueOf(tx.gasLimit()).multiply(BigInteger.valueOf(price)).add(tx.value());
        if (state.balance(tx.sender()).compareTo(upfront) < 0)
        {
            return TxOutcome.INSUFFICIENT_FUNDS;
        }
        if (tx.gasLimit() > ChainConstants.BLOCK_GAS_LIMIT - gasUsed)
        {
            return TxOutcome.BLOCK_GAS_FULL;
        }
        return TxOutcome.SUCCESS;
    }
}
