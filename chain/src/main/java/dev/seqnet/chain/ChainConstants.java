package dev.seqnet.chain;

/** Protocol constants the rollup fixes (see docs/citrea-format.md): gas, fee market, sizes. */
public final class ChainConstants
{
    /** Gas limit of every L2 block. */
    public static final long BLOCK_GAS_LIMIT = 10_000_000L;

    /** Largest raw transaction accepted, in bytes (128 KiB, as geth's txpool). */
    public static final int MAX_TX_SIZE = 128 * 1024;

    /** EIP-1559 base fee of the first block: 1 gwei. */
    public static final long INITIAL_BASE_FEE = 1_000_000_000L;

    /** The base fee never falls below 0.01 gwei. */
    public static final long BASE_FEE_FLOOR = 10_000_000L;

    public static final long BASE_FEE_CHANGE_DENOMINATOR = 8;
    public static final long ELASTICITY_MULTIPLIER = 2;

    /** Chain ids: Citrea mainnet and testnet. */
    public static final long MAINNET_CHAIN_ID = 4114;
    public static final long TESTNET_CHAIN_ID = 5115;

    /** Base gas of every transaction. */
    public static final long TX_BASE_GAS = 21_000L;

    private ChainConstants()
    {
    }
}
