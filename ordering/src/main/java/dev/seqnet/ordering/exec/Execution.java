package dev.seqnet.ordering.exec;

/**
 * The state machine that executes blocks: the native-token {@link NativeLedger} today, a full EVM
 * later. Blocks are executed speculatively through {@link #begin}, then committed or rolled back, so
 * a BFT proposal can be executed before it is final. Queries through {@link AccountState} always
 * answer with committed state, even while a block is open.
 *
 * <p>Not thread-safe: one thread (the sequencer's ordering stage) owns an execution and everything
 * that reads it.
 */
public interface Execution extends AccountState
{
    /**
     * Opens the execution of block {@code height} at {@code baseFee}. At most one block is open at a
     * time.
     *
     * @throws IllegalStateException    if a block is already open.
     * @throws IllegalArgumentException if {@code height} is not above {@link #lastCommittedHeight()}
     *                                  or {@code baseFee} is negative.
     */
    BlockExecution begin(long height, long baseFee);

    /** The open block, or null when none is open. */
    BlockExecution openBlock();

    /** The height of the last committed block; -1 before the first. */
    long lastCommittedHeight();

    /** The committed state root (a copy, 32 bytes). */
    byte[] stateRoot();
}
