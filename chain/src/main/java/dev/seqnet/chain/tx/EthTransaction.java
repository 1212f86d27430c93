package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;

import java.math.BigInteger;

/**
 * A decoded, signature-checked EIP-2718 transaction: legacy (EIP-155), EIP-2930 (0x01) or
 * EIP-1559 (0x02). Immutable; produced only by {@code TxDecoder}, so every instance has a valid
 * signature and a recovered sender. Fee fields are longs: {@code TxDecoder} rejects fees above
 * 2^63-1 wei per gas ({@link TxRejection#FEE_TOO_HIGH}), which keeps mempool priority arithmetic
 * primitive. For legacy and 2930 transactions both fee fields hold the gas price.
 */
public final class EthTransaction
{
    public static final int TYPE_LEGACY = 0;
    public static final int TYPE_ACCESS_LIST = 1;
    public static final int TYPE_DYNAMIC_FEE = 2;

    private final byte[] raw;
    private final byte[] hash;
    private final Address sender;
    private final int type;
    private final long chainId;
    private final long nonce;
    private final long maxPriorityFeePerGas;
    private final long maxFeePerGas;
    private final long gasLimit;
    private final Address to;
    private final BigInteger value;
    private final byte[] data;
    private final long intrinsicGas;

    public EthTransaction(
        final byte[] raw,
        final byte[] hash,
        final Address sender,
        final int type,
        final long chainId,
        final long nonce,
        final long maxPriorityFeePerGas,
        final long maxFeePerGas,
        final long gasLimit,
        final Address to,
        final BigInteger value,
        final byte[] data,
        final long intrinsicGas)
    {
        this.raw = raw;
        this.hash = hash;
        this.sender = sender;
        this.type = type;
        this.chainId = chainId;
        this.nonce = nonce;
        this.maxPriorityFeePerGas = maxPriorityFeePerGas;
        this.maxFeePerGas = maxFeePerGas;
        this.gasLimit = gasLimit;
        this.to = to;
        this.value = value;
        this.data = data;
        this.intrinsicGas = intrinsicGas;
    }

    /** The EIP-2718 bytes as signed and sent: {@code type ‖ rlp} or the legacy RLP list. Do not modify. */
    public byte[] raw()
    {
        return raw;
    }

    /** Keccak-256 of {@link #raw()}, the hash wallets show. Do not modify. */
    public byte[] hash()
    {
        return hash;
    }

    public Address sender()
    {
        return sender;
    }

    public int type()
    {
        return type;
    }

    public long chainId()
    {
        return chainId;
    }

    public long nonce()
    {
        return nonce;
    }

    public long maxPriorityFeePerGas()
    {
        return maxPriorityFeePerGas;
    }

    public long maxFeePerGas()
    {
        return maxFeePerGas;
    }

    public long gasLimit()
    {
        return gasLimit;
    }

    /** The recipient; never null (contract creation is rejected by the native ledger's decoder rules). */
    public Address to()
    {
        return to;
    }

    public BigInteger value()
    {
        return value;
    }

    public byte[] data()
    {
        return data;
    }

    /** Gas charged before execution: 21000, calldata and access-list costs. */
    public long intrinsicGas()
    {
        return intrinsicGas;
    }

    /** EIP-1559 effective tip per gas at {@code baseFee}; negative when the fee cap is below it. */
    public long effectiveTip(final long baseFee)
    {
        return Math.min(maxPriorityFeePerGas, maxFeePerGas - baseFee);
    }

    /** EIP-1559 effective gas price at {@code baseFee}: base fee plus effective tip. */
    public long effectiveGasPrice(final long baseFee)
    {
        return baseFee + effectiveTip(baseFee);
    }

    /** The most this transaction can cost: {@code value + gasLimit × maxFeePerGas}. */
    public BigInteger maxCost()
    {
        return value.add(BigInteger.valueOf(gasLimit).multiply(BigInteger.valueOf(maxFeePerGas)));
    }
}
