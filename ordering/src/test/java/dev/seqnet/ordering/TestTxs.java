package dev.seqnet.ordering;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.EthTransaction;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds {@link EthTransaction}s for tests without signatures: raw is unique bytes describing the
 * fields plus a counter, hash is Keccak-256 of raw, sender is given.
 */
public final class TestTxs
{
    public static final long GWEI = 1_000_000_000L;
    private static final AtomicLong COUNTER = new AtomicLong();

    private Address from = address(1);
    private long nonce;
    private long maxFee = 2 * GWEI;
    private long tip = GWEI;
    private long gasLimit = ChainConstants.TX_BASE_GAS;
    private long intrinsicGas = ChainConstants.TX_BASE_GAS;
    private Address to = address(0xEE);
    private BigInteger value = BigInteger.ZERO;

    public static TestTxs from(final Address from)
    {
        final TestTxs t = new TestTxs();
        t.from = from;
        return t;
    }

    /** An address with {@code i} in its last four bytes and a fixed prefix. */
    public static Address address(final int i)
    {
        final byte[] b = new byte[20];
        b[0] = (byte)0xA0;
        b[16] = (byte)(i >>> 24);
        b[17] = (byte)(i >>> 16);
        b[18] = (byte)(i >>> 8);
        b[19] = (byte)i;
        return Address.of(b);
    }

    public TestTxs nonce(final long nonce)
    {
        this.nonce = nonce;
        return this;
    }

    /** Sets maxFeePerGas and maxPriorityFeePerGas. */
    public TestTxs fees(final long maxFee, final long tip)
    {
        this.maxFee = maxFee;
        this.tip = tip;
        return this;
    }

    public TestTxs gasLimit(final long gasLimit)
    {
        this.gasLimit = gasLimit;
        return this;
    }

    public TestTxs intrinsicGas(final long intrinsicGas)
    {
        this.intrinsicGas = intrinsicGas;
        return this;
    }

    public TestTxs to(final Address to)
    {
        this.to = to;
        return this;
    }

    public TestTxs value(final long value)
    {
        this.value = BigInteger.valueOf(value);
        return this;
    }

    public TestTxs value(final BigInteger value)
    {
        this.value = value;
        return this;
    }

    public EthTransaction build()
    {
        final ByteBuffer raw = ByteBuffer.allocate(1 + 20 + 8 * 6 + 20 + 32);
        raw.put((byte)EthTransaction.TYPE_DYNAMIC_FEE);
        raw.put(from.toBytes());
        raw.putLong(nonce).putLong(maxFee).putLong(tip).putLong(gasLimit).putLong(intrinsicGas);
        raw.putLong(COUNTER.incrementAndGet());
        raw.put(to.toBytes());
        final byte[] v = value.toByteArray();
        raw.put(v, 0, Math.min(v.length, 32));
        final byte[] bytes = raw.array();
        return new EthTransaction(bytes, Keccak256.hash(bytes), from, EthTransaction.TYPE_DYNAMIC_FEE,
            ChainConstants.TESTNET_CHAIN_ID, nonce, tip, maxFee, gasLimit, to, value, new byte[0], intrinsicGas);
    }
}
