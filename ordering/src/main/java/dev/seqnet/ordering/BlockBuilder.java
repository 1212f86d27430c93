package dev.seqnet.ordering;

import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.exec.BlockExecution;
import dev.seqnet.ordering.exec.Execution;
import dev.seqnet.ordering.exec.TxOutcome;
import dev.seqnet.ordering.mempool.Mempool;

import java.util.ArrayList;

/**
 * Builds a block from the mempool: opens a block execution, applies candidates in priority order
 * (highest effective tip first, nonce order per sender), and when a candidate fails skips its sender
 * for the rest of the block, as Citrea does. Stops when the pool has no candidate left, when less than
 * {@link ChainConstants#TX_BASE_GAS} gas remains, or when the block holds {@link #maxTransactions()}
 * transactions: the count cap bounds the work one block puts on the consensus critical path (build,
 * verify, deliver), which the gas limit alone lets grow to ~476 transfers under a backlog.
 *
 * <p>Contract: {@link #build} leaves the block's execution <b>open</b> and the mempool
 * <b>unchanged</b>. Once the block is signed and journaled the caller calls {@link #commit} (or
 * {@code execution().commit()} then {@code mempool.onBlockCommitted(transactions())}); to abandon it,
 * {@link #abandon} (or {@code execution().rollback()}), and the transactions stay pooled for the next
 * block. Until then no other block can begin through {@link #build}, and the mempool must not be asked
 * to select again. Single-threaded, like the mempool and the execution it drives.
 *
 * <p>A BFT leader instead calls {@link #buildOnTop}, which builds on the tip of the execution's chain
 * of open (executed, not yet final) blocks and selects relative to its speculative state. Blocks then
 * commit oldest-first as they finalize and are abandoned newest-first.
 */
public final class BlockBuilder
{
    private final Mempool mempool;
    private final Execution execution;
    private final int maxTransactions;

    /** A builder bounded by gas only. */
    public BlockBuilder(final Mempool mempool, final Execution execution)
    {
        this(mempool, execution, Integer.MAX_VALUE);
    }

    /**
     * A builder that puts at most {@code maxTransactions} transactions in a block (and stays within gas).
     *
     * @throws IllegalArgumentException if {@code maxTransactions} is below 1.
     */
    public BlockBuilder(final Mempool mempool, final Execution execution, final int maxTransactions)
    {
        if (maxTransactions < 1)
        {
            throw new IllegalArgumentException("maxTransactions must be at least 1: " + maxTransactions);
        }
        this.mempool = mempool;
        this.execution = execution;
        this.maxTransactions = maxTransactions;
    }

    /** The most transactions a block built here holds. */
    public int maxTransactions()
    {
        return maxTransactions;
    }

    /**
     * Builds block {@code height} at {@code baseFee} (from {@link BaseFee#next} of the parent) on the
     * committed state.
     *
     * @throws IllegalStateException if a block is already open on the execution.
     */
    public BuiltBlock build(final long height, final long baseFee)
    {
        return fill(execution.begin(height, baseFee), false);
    }

    /**
     * Builds block {@code height} at {@code baseFee} on top of the newest open block (or the committed
     * state when none is open). Candidates start at each sender's nonce in the speculative parent
     * state, so transactions already included in open ancestors are passed over, not counted as
     * failures.
     *
     * @throws IllegalArgumentException as {@link Execution#beginOnTop}: {@code height} must follow the
     *                                  newest open block.
     */
    public BuiltBlock buildOnTop(final long height, final long baseFee)
    {
        return fill(execution.beginOnTop(height, baseFee), true);
    }

    private BuiltBlock fill(final BlockExecution block, final boolean onTop)
    {
        try
        {
            // Before anything is applied the new block's state is its parent's.
            final Mempool.Selection candidates = onTop ?
                mempool.select(block.baseFee(), block) : mempool.select(block.baseFee());
            final ArrayList<EthTransaction> included = new ArrayList<>();
            int failed = 0;
            EthTransaction tx;
            while (included.size() < maxTransactions && block.gasRemaining() >= ChainConstants.TX_BASE_GAS &&
                (tx = candidates.next()) != null)
            {
                final TxOutcome outcome = block.apply(tx);
                if (outcome.isSuccess())
                {
                    included.add(tx);
                }
                else
                {
                    candidates.skipSender();
                    failed++;
                }
            }
            return new BuiltBlock(
                block.height(), block.baseFee(), included, block.gasUsed(), block.stateRoot(), failed, block);
        }
        catch (final RuntimeException e)
        {
            if (block.isOpen())
            {
                block.rollback();
            }
            throw e;
        }
    }

    /**
     * Commits the block's execution, then removes its transactions from the mempool.
     *
     * @throws IllegalStateException if the block is not the oldest open block.
     */
    public void commit(final BuiltBlock built)
    {
        built.execution().commit();
        mempool.onBlockCommitted(built.transactions());
    }

    /**
     * Rolls the block's execution back; its transactions stay pooled.
     *
     * @throws IllegalStateException if a block is open on top of it.
     */
    public void abandon(final BuiltBlock built)
    {
        built.execution().rollback();
    }
}
