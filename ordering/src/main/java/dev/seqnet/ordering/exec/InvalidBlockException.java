package dev.seqnet.ordering.exec;

/**
 * A block that does not execute as its producer claimed: a transaction fails or the state root
 * differs. Thrown by {@link BlockReplay}; the block's execution has already been rolled back.
 */
public final class InvalidBlockException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final long height;
    private final int txIndex;
    private final TxOutcome outcome;

    public InvalidBlockException(final long height, final int txIndex, final TxOutcome outcome, final String message)
    {
        super(message);
        this.height = height;
        this.txIndex = txIndex;
        this.outcome = outcome;
    }

    public long height()
    {
        return height;
    }

    /** Index of the failing transaction, or -1 when the transactions applied but the state root differs. */
    public int txIndex()
    {
        return txIndex;
    }

    /** The failing transaction's outcome, or null for a state-root mismatch. */
    public TxOutcome outcome()
    {
        return outcome;
    }
}
