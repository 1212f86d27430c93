package dev.seqnet.ordering.exec;

import dev.seqnet.chain.tx.EthTransaction;

/**
 * One block being executed speculatively: transactions are applied in order, then the whole block
 * is committed or rolled back. The {@link AccountState} queries of this object answer with the
 * block's speculative state (as of the end of this block, even when newer blocks are open on top of
 * it). Only the newest open block applies transactions or rolls back; only the oldest commits. After {@link #commit()} or {@link #rollback()} the block is closed:
 * {@code apply}, {@code stateRoot}, {@code nonce}, {@code balance}, {@code commit} and {@code rollback}
 * throw {@link IllegalStateException}; {@code height}, {@code baseFee}, {@code gasUsed},
 * {@code gasRemaining}, {@code txCount} and {@code isOpen} keep answering.
 */
public interface BlockExecution extends AccountState
{
    long height();

    long baseFee();

    /**
     * Applies {@code tx} on top of the transactions applied so far. Failures leave state untouched
     * and are not included in the block.
     *
     * @throws IllegalStateException if the block is closed or a block is open on top of it.
     */
    TxOutcome apply(EthTransaction tx);

    /** Gas used by the successfully applied transactions. */
    long gasUsed();

    /** Block gas limit minus {@link #gasUsed()}. */
    long gasRemaining();

    /** Number of successfully applied transactions. */
    int txCount();

    /** The state root after the transactions applied so far (a copy, 32 bytes). */
    byte[] stateRoot();

    /** True until {@link #commit()} or {@link #rollback()}. */
    boolean isOpen();

    /**
     * Makes the block's state the committed state; newer open blocks stay open, their state intact.
     *
     * @throws IllegalStateException if the block is closed or is not the oldest open block.
     */
    void commit();

    /**
     * Restores exactly the state before this block began, state root included.
     *
     * @throws IllegalStateException if the block is closed or a block is open on top of it.
     */
    void rollback();
}
