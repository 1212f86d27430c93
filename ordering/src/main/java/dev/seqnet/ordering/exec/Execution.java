package dev.seqnet.ordering.exec;

/**
 * The state machine that executes blocks: the native-token {@link NativeLedger} today, a full EVM
 * later. Blocks are executed speculatively through {@link #begin}, then committed or rolled back, so
 * a BFT proposal can be executed before it is final. A BFT host keeps a <b>chain</b> of open blocks
 * (executed, not yet final): {@link #beginOnTop} opens a block on the newest one, blocks commit
 * oldest-first and roll back newest-first. Queries through {@link AccountState} always answer with
 * committed state, even while blocks are open; {@link #speculative()} answers with the state at the
 * tip of the open chain.
 *
 * <p>Not thread-safe: one thread (the sequencer's ordering stage) owns an execution and everything
 * that reads it.
 */
public interface Execution extends AccountState
{
    /**
     * Opens the execution of block {@code height} at {@code baseFee} on the committed state, when no
     * block is open: the single-producer path, where a second open block is a bug.
     *
     * @throws IllegalStateException    if a block is already open.
     * @throws IllegalArgumentException if {@code height} is not above {@link #lastCommittedHeight()}
     *                                  or {@code baseFee} is negative.
     */
    BlockExecution begin(long height, long baseFee);

    /**
     * Opens the execution of block {@code height} at {@code baseFee} on top of the newest open block,
     * or on the committed state when none is open (then as {@link #begin}). The block below it can no
     * longer apply transactions; its state root stays available.
     *
     * @throws IllegalArgumentException if a block is open and {@code height} is not its height + 1, if
     *                                  none is open and {@code height} is not above
     *                                  {@link #lastCommittedHeight()}, or if {@code baseFee} is negative.
     */
    BlockExecution beginOnTop(long height, long baseFee);

    /**
     * Rolls back, newest first, every open block above {@code height}: to a fork point, or with
     * {@code height = lastCommittedHeight()} the whole open chain.
     *
     * @return how many blocks were rolled back.
     * @throws IllegalArgumentException if {@code height} is below {@link #lastCommittedHeight()}.
     */
    int rollbackTo(long height);

    /** The newest open block (the tip of the open chain), or null when none is open. */
    BlockExecution openBlock();

    /** The oldest open block, the only one that may commit, or null when none is open. */
    BlockExecution oldestOpenBlock();

    /** Number of open blocks; their heights are consecutive. */
    int openBlockCount();

    /**
     * Nonces and balances at the tip of the open chain: as of the newest open block, or committed
     * when none is open. The same object for the execution's life; it reads live state.
     */
    AccountState speculative();

    /** The height of the last committed block; -1 before the first. */
    long lastCommittedHeight();

    /** The committed state root (a copy, 32 bytes). */
    byte[] stateRoot();
}
