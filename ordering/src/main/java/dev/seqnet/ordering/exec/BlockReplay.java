package dev.seqnet.ordering.exec;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.tx.EthTransaction;

import java.util.Arrays;
import java.util.List;

/**
 * Executes a block someone else built (a peer's proposal, or the journal on restart): every
 * transaction must succeed, since builders include only successful ones, and the resulting state
 * root must match the one the block claims. Execution is deterministic, so replaying the blocks a
 * node committed reproduces its state roots byte for byte.
 */
public final class BlockReplay
{
    private BlockReplay()
    {
    }

    /**
     * Applies {@code txs} in a new block execution and leaves it open for the caller to commit or roll
     * back.
     *
     * @param expectedStateRoot the root the block claims, or null to skip the check.
     * @throws InvalidBlockException after rolling back, if a transaction fails or the root differs.
     */
    public static BlockExecution execute(
        final Execution execution,
        final long height,
        final long baseFee,
        final List<EthTransaction> txs,
        final byte[] expectedStateRoot) throws InvalidBlockException
    {
        return run(execution.begin(height, baseFee), txs, expectedStateRoot);
    }

    /**
     * As {@link #execute}, but on top of the newest open block ({@link Execution#beginOnTop}): a BFT
     * voter re-executing a proposal whose parent is executed but not final. On failure only this block
     * is rolled back.
     */
    public static BlockExecution executeOnTop(
        final Execution execution,
        final long height,
        final long baseFee,
        final List<EthTransaction> txs,
        final byte[] expectedStateRoot) throws InvalidBlockException
    {
        return run(execution.beginOnTop(height, baseFee), txs, expectedStateRoot);
    }

    private static BlockExecution run(
        final BlockExecution block,
        final List<EthTransaction> txs,
        final byte[] expectedStateRoot) throws InvalidBlockException
    {
        final long height = block.height();
        try
        {
            for (int i = 0, n = txs.size(); i < n; i++)
            {
                final TxOutcome outcome = block.apply(txs.get(i));
                if (!outcome.isSuccess())
                {
                    block.rollback();
                    throw new InvalidBlockException(height, i, outcome,
                        "block " + height + " tx " + i + " " + Hex.encode(txs.get(i).hash()) + " failed: " + outcome);
                }
            }
            if (expectedStateRoot != null)
            {
                final byte[] root = block.stateRoot();
                if (!Arrays.equals(root, expectedStateRoot))
                {
                    block.rollback();
                    throw new InvalidBlockException(height, -1, null,
                        "block " + height + " state root " + Hex.encode(root) + " != claimed " + Hex.encode(expectedStateRoot));
                }
            }
            return block;
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

    /** {@link #execute} then commit: for replaying already-final blocks. */
    public static byte[] executeAndCommit(
        final Execution execution,
        final long height,
        final long baseFee,
        final List<EthTransaction> txs,
        final byte[] expectedStateRoot) throws InvalidBlockException
    {
        final BlockExecution block = execute(execution, height, baseFee, txs, expectedStateRoot);
        block.commit();
        return execution.stateRoot();
    }
}
