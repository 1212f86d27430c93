package dev.seqnet.ordering;

import dev.seqnet.chain.ChainConstants;

import java.math.BigInteger;

/**
 * The EIP-1559 base fee rule with Citrea's parameters: elasticity 2, change denominator 8, a floor of
 * 0.01 gwei, and 1 gwei for the first block. It is a consensus rule: every node derives a block's base
 * fee from its parent, so the arithmetic is exact integer arithmetic as in the EIP.
 */
public final class BaseFee
{
    private BaseFee()
    {
    }

    /** The base fee of the first block, which has no parent: {@link ChainConstants#INITIAL_BASE_FEE}. */
    public static long initial()
    {
        return ChainConstants.INITIAL_BASE_FEE;
    }

    /**
     * The base fee of the block after a parent with {@code parentBaseFee} that used
     * {@code parentGasUsed} of {@code gasLimit}. With {@code target = gasLimit / ELASTICITY_MULTIPLIER}:
     * unchanged at target; above it rises by {@code max(1, parent × (used − target) / target / 8)};
     * below it falls by {@code parent × (target − used) / target / 8}; never below
     * {@link ChainConstants#BASE_FEE_FLOOR}; saturates at {@link Long#MAX_VALUE}.
     *
     * @throws IllegalArgumentException if an argument is negative, {@code gasLimit} leaves no target
     *                                  or {@code parentGasUsed > gasLimit}.
     */
    public static long next(final long parentBaseFee, final long parentGasUsed, final long gasLimit)
    {
        if (parentBaseFee < 0 || parentGasUsed < 0)
        {
            throw new IllegalArgumentException("negative base fee or gas used");
        }
        final long target = gasLimit / ChainConstants.ELASTICITY_MULTIPLIER;
        if (target <= 0)
        {
            throw new IllegalArgumentException("gas limit " + gasLimit + " has no gas target");
        }
        if (parentGasUsed > gasLimit)
        {
            throw new IllegalArgumentException("gas used " + parentGasUsed + " exceeds gas limit " + gasLimit);
        }

        final long next;
        if (parentGasUsed == target)
        {
            next = parentBaseFee;
        }
        else if (parentGasUsed > target)
        {
            final long delta = Math.max(1L, scaledDelta(parentBaseFee, parentGasUsed - target, target));
            next = parentBaseFee > Long.MAX_VALUE - delta ? Long.MAX_VALUE : parentBaseFee + delta;
        }
        else
        {
            next = parentBaseFee - scaledDelta(parentBaseFee, target - parentGasUsed, target);
        }
        return Math.max(next, ChainConstants.BASE_FEE_FLOOR);
    }

    /** {@code baseFee × gasDelta / target / 8}, exact even when the product exceeds a long. */
    private static long scaledDelta(final long baseFee, final long gasDelta, final long target)
    {
        if (Math.multiplyHigh(baseFee, gasDelta) == 0 && baseFee * gasDelta >= 0)
        {
            return baseFee * gasDelta / target / ChainConstants.BASE_FEE_CHANGE_DENOMINATOR;
        }
        // Rare: base fees near 2^63 wei. The quotient is at most baseFee / 8, so it fits a long.
        return BigInteger.valueOf(baseFee)
            .multiply(BigInteger.valueOf(gasDelta))
            .divide(BigInteger.valueOf(target))
            .divide(BigInteger.valueOf(ChainConstants.BASE_FEE_CHANGE_DENOMINATOR))
            .longValueExact();
    }
}
