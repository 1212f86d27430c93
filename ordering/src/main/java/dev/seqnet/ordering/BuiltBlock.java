package dev.seqnet.ordering;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.exec.BlockExecution;

import java.util.Collections;
import java.util.List;

/**
 * The result of {@link BlockBuilder#build}: the included transactions in block order, the gas they
 * used, the post-state root, and the block's execution, still open. The caller commits the execution
 * (then tells the mempool) once the block is signed and journaled, or rolls it back.
 */
public final class BuiltBlock
{
    private final long height;
    private final long baseFee;
    private final List<EthTransaction> transactions;
    private final long gasUsed;
    private final byte[] stateRoot;
    private final int failedCount;
    private final BlockExecution execution;

    BuiltBlock(
        final long height,
        final long baseFee,
        final List<EthTransaction> transactions,
        final long gasUsed,
        final byte[] stateRoot,
        final int failedCount,
        final BlockExecution execution)
    {
        this.height = height;
        this.baseFee = baseFee;
        this.transactions = Collections.unmodifiableList(transactions);
        this.gasUsed = gasUsed;
        this.stateRoot = stateRoot;
        this.failedCount = failedCount;
        this.execution = execution;
    }

    public long height()
    {
        return height;
    }

    public long baseFee()
    {
        return baseFee;
    }

    /** Included transactions in execution order (unmodifiable). */
    public List<EthTransaction> transactions()
    {
        return transactions;
    }

    public long gasUsed()
    {
        return gasUsed;
    }

    /** State root after the block (a copy, 32 bytes). */
    public byte[] stateRoot()
    {
        return stateRoot.clone();
    }

    /** Candidates that failed to apply; each caused its sender to be skipped for the rest of the block. */
    public int failedCount()
    {
        return failedCount;
    }

    /** The block's execution, open until the caller commits or rolls it back. */
    public BlockExecution execution()
    {
        return execution;
    }
}
