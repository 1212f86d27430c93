package dev.seqnet.node.core;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.block.BlockVerifier;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.journal.Journal;
import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block-cutting rules and block contents, driven with explicit times: no threads, no clock. */
class SequencerCoreTest
{
    private static final long CHAIN_ID = 5115;
    private static final long T0 = 1_800_000_000_000L;
    private static final Address SINK = Address.fromHex("0x000000000000000000000000000000000000dead");

    @TempDir
    Path dir;
    private Journal journal;
    private final TxDecoder decoder = new TxDecoder(CHAIN_ID);
    private final SequencerKey key = SequencerKey.generate(new SecureRandom());
    private ChainView view;

    @AfterEach
    void close()
    {
        if (view != null)
        {
            view.close();
        }
        if (journal != null)
        {
            journal.close();
        }
    }

    private NativeLedger ledger;

    private static Map<Address, BigInteger> devAlloc()
    {
        final Map<Address, BigInteger> alloc = new TreeMap<>();
        for (int i = 0; i < DevAccounts.COUNT; i++)
        {
            alloc.put(DevAccounts.address(i), new BigInteger("10000000000000000000000"));
        }
        return alloc;
    }

    private SequencerCore core(final long minIntervalMs, final long maxIntervalMs)
    {
        return core(minIntervalMs, maxIntervalMs, Genesis.DEFAULT_MAX_TRANSACTIONS);
    }

    private SequencerCore core(final long minIntervalMs, final long maxIntervalMs, final int maxBlockTransactions)
    {
        ledger = new NativeLedger(devAlloc(), SINK);
        final PoolRemovals removals = new PoolRemovals();
        final Mempool mempool = new Mempool(new Mempool.Context().accountState(ledger).removalListener(removals));
        journal = Journal.open(new Journal.Context().dir(dir.resolve("journal")));
        view = new ChainView(new ChainView.Context().indexDir(dir.resolve("index")).journal(journal).hashInitialShift(8));
        final SequencerCore core = new SequencerCore(key, mempool, ledger, journal, view, removals, SINK, BigInteger.ONE,
            minIntervalMs, maxIntervalMs, T0 / 1000, maxBlockTransactions);
        core.recovered(null, 0);
        return core;
    }

    private EthTransaction tx(final int account, final long nonce) throws Exception
    {
        return tx(account, nonce, 1_000_000L, 2_000_000_000L);
    }

    private EthTransaction tx(final int account, final long nonce, final long tip, final long maxFee) throws Exception
    {
        return decoder.decode(TxSigner.signDynamicFee(CHAIN_ID, nonce, tip, maxFee, 21_000, SINK,
            BigInteger.ONE, new byte[0], DevAccounts.privateKey(account)));
    }

    @Test
    void aQueuedTransactionDoesNotCutABlockAndReplacedOnesLeaveTheReadModel() throws Exception
    {
        final SequencerCore core = core(0, 1000);
        core.onTick(T0);
        final EthTransaction gap = tx(2, 3);
        assertNull(core.onTransaction(gap));
        core.onEndOfBatch(T0 + 1);
        assertEquals(1, view.headHeight(), "a nonce gap is not worth a block");
        final EthTransaction bumped = tx(2, 3, 2_000_000L, 3_000_000_000L);
        assertNull(core.onTransaction(bumped));
        core.onEndOfBatch(T0 + 2);
        assertEquals(1, view.headHeight());
        assertNull(view.pendingTx(gap.hash()), "the replaced transaction is gone from RPC");
        assertEquals(bumped, view.pendingTx(bumped.hash()));
        assertEquals(1, view.pendingCount());
    }

    @Test
    void aJournalFailureStopsTheMemberInsteadOfForkingIt() throws Exception
    {
        final SequencerCore core = core(0, 1000);
        core.onTick(T0);
        journal.close(); // every append fails from now on
        assertEquals(TxRejection.INTERNAL_ERROR, core.onTransaction(tx(0, 0)));
        assertTrue(core.failure() != null);
        core.onTick(T0 + 5_000);
        core.onEndOfBatch(T0 + 5_001);
        assertEquals(1, view.headHeight(), "a failed member produces nothing more");
        assertEquals(TxRejection.INTERNAL_ERROR, core.onTransaction(tx(1, 0)), "and admits nothing more");
        journal = null;
    }

    @Test
    void replayRefusesABlockWhoseBaseFeeDoesNotFollowFromItsParent() throws Exception
    {
        final SequencerCore core = core(0, 1000);
        core.onTick(T0);
        core.onTransaction(tx(0, 0));
        core.onEndOfBatch(T0 + 1);
        final L2Block b1 = view.block(1);
        final L2Block b2 = view.block(2);
        final L2Block forged = dev.seqnet.chain.block.BlockSealer.seal(b2.header(), key, b2.gasUsed(), b2.baseFee() + 1,
            b2.rawTxs(), b2.senders());
        final BlockApplier applier = new BlockApplier(decoder, new NativeLedger(devAlloc(), SINK));
        applier.apply(b1, null, true);
        final BlockRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(BlockRejectedException.class,
            () -> applier.apply(forged, b1, false));
        assertTrue(e.getMessage().contains("base fee"), e.getMessage());
        assertEquals(1, applier.apply(b2, b1, true).size(), "the genuine block applies");
    }

    @Test
    void cutsAsSoonAsTransactionsWaitAndAnEmptyBlockAtMaxInterval() throws Exception
    {
        final SequencerCore core = core(0, 1000);
        core.onTick(T0);
        assertEquals(1, view.headHeight(), "the first tick starts the chain");
        assertEquals(0, view.head().txCount());

        core.onTick(T0 + 999);
        assertEquals(1, view.headHeight(), "no empty block before max_interval_ms");
        core.onTick(T0 + 1000);
        assertEquals(2, view.headHeight(), "an empty block at max_interval_ms");

        assertNull(core.onTransaction(tx(0, 0)));
        core.onEndOfBatch(T0 + 1001);
        assertEquals(3, view.headHeight(), "a block right after the batch that admitted a transaction");
        assertEquals(1, view.head().txCount());
        core.onEndOfBatch(T0 + 1002);
        core.onTick(T0 + 1003);
        assertEquals(3, view.headHeight(), "nothing waiting, no block");
    }

    @Test
    void minIntervalRateLimitsBlocks() throws Exception
    {
        final SequencerCore core = core(50, 1000);
        core.onTick(T0);
        core.onTransaction(tx(0, 0));
        core.onEndOfBatch(T0 + 10);
        assertEquals(1, view.headHeight(), "waits for min_interval_ms");
        core.onTransaction(tx(0, 1));
        core.onTick(T0 + 49);
        assertEquals(1, view.headHeight());
        core.onTick(T0 + 50);
        assertEquals(2, view.headHeight());
        assertEquals(2, view.head().txCount(), "both waiting transactions in one block");
    }

    @Test
    void headersChainSignVerifyAndTimestampsNeverDecrease() throws Exception
    {
        final SequencerCore core = core(0, 1000);
        core.onTick(T0 + 5_000);
        core.onTransaction(tx(1, 0));
        core.onEndOfBatch(T0 + 1_000); // the clock stepped back
        final L2Block first = view.block(1);
        final L2Block second = view.block(2);
        assertEquals((T0 + 5_000) / 1000, second.header().timestamp(), "timestamp held, not decreased");
        assertNull(BlockVerifier.verify(second, first.hash(), first.header().timestamp(), key.publicKey()));
        assertEquals(ChainConstants.INITIAL_BASE_FEE, first.baseFee());
        assertEquals(ChainConstants.INITIAL_BASE_FEE * 7 / 8, second.baseFee(), "an empty parent lowers the base fee by 1/8");
        assertEquals(21_000, second.gasUsed());
    }

    @Test
    void aFullBlockLeavesTheRestForTheNextBlockAtOnce() throws Exception
    {
        final SequencerCore core = core(0, 1000, Genesis.MAX_TRANSACTIONS_LIMIT); // gas, not the count, fills the block
        core.onTick(T0);
        int admitted = 0;
        for (int nonce = 0; nonce < 50; nonce++)
        {
            for (int a = 0; a < DevAccounts.COUNT; a++)
            {
                final TxRejection r = core.onTransaction(tx(a, nonce));
                assertNull(r);
                admitted++;
            }
        }
        core.onEndOfBatch(T0 + 1);
        final int perBlock = (int)(ChainConstants.BLOCK_GAS_LIMIT / 21_000);
        assertEquals(perBlock, view.head().txCount(), "a block holds 10,000,000 / 21,000 transfers");
        core.onTick(T0 + 2);
        assertEquals(3, view.headHeight(), "the leftover is cut on the next tick, not after max_interval_ms");
        assertEquals(admitted - perBlock, view.head().txCount());
        assertTrue(view.block(2).baseFee() < view.block(3).baseFee(), "a full parent raises the base fee");
        assertEquals(0, view.pendingCount());
    }

    @Test
    void aBacklogIsCutIntoBlocksOfAtMostTheGenesisCap() throws Exception
    {
        final SequencerCore core = core(0, 1000); // genesis default: 128
        core.onTick(T0);
        for (int nonce = 0; nonce < 50; nonce++)
        {
            for (int a = 0; a < DevAccounts.COUNT; a++)
            {
                assertNull(core.onTransaction(tx(a, nonce)));
            }
        }
        core.onEndOfBatch(T0 + 1);
        assertEquals(Genesis.DEFAULT_MAX_TRANSACTIONS, view.head().txCount(), "500 waiting, the cap cut at 128");
        for (int tick = 2; tick <= 4; tick++)
        {
            core.onTick(T0 + tick); // the rest goes on the next ticks, not after max_interval_ms
        }
        assertEquals(List.of(0, 128, 128, 128, 116), java.util.stream.LongStream.rangeClosed(1, view.headHeight())
            .mapToObj(h -> view.block(h).txCount()).toList());
        assertEquals(0, view.pendingCount());
        assertTrue(view.block(3).baseFee() < view.block(2).baseFee(),
            "128 transfers (2.69M gas) are below the 5M target: a capped backlog lowers the base fee");
    }
}
