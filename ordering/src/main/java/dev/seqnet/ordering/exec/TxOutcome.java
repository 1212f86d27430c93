package dev.seqnet.ordering.exec;

/**
 * The result of applying one transaction in a {@link BlockExecution}. Anything but {@link #SUCCESS}
 * means the transaction was not included and state is unchanged. An enum, so applying a transaction
 * allocates no result object; the gas a transaction used is the change of
 * {@link BlockExecution#gasUsed()}.
 */
public enum TxOutcome
{
    /** Applied: nonce incremented, value moved, fee charged. */
    SUCCESS,

    /** The transaction's nonce is not the sender's current nonce. */
    NONCE_MISMATCH,

    /** The sender's balance is below {@code value + gasLimit × effectiveGasPrice}. */
    INSUFFICIENT_FUNDS,

    /** {@code maxFeePerGas} is below the block's base fee. */
    FEE_CAP_BELOW_BASE_FEE,

    /** The transaction's gas limit exceeds the gas left in the block. */
    BLOCK_GAS_FULL,

    /** The transaction's gas limit is below its intrinsic gas (the decoder rejects these; checked again for blocks from peers). */
    INTRINSIC_GAS_EXCEEDS_LIMIT;

    public boolean isSuccess()
    {
        return this == SUCCESS;
    }
}
