package dev.seqnet.chain.block;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Sha256;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Citrea's {@code L2Header}: height, prev_hash, state_root, l1_fee_rate (u128), tx_merkle_root and
 * timestamp (Unix seconds). Immutable; its hash is computed once, at construction, with Citrea's
 * rule SHA-256(height BE8 ‖ prev_hash ‖ state_root ‖ l1_fee_rate BE16 ‖ tx_merkle_root ‖ timestamp BE8).
 * Unsigned 64-bit values (height, timestamp) are held in {@code long}s and compared unsigned.
 */
public final class L2Header
{
    /** Bytes hashed to form the header hash. */
    public static final int HASH_INPUT_LENGTH = 8 + 32 + 32 + 16 + 32 + 8;

    static final int HASH_LENGTH = 32;

    private static final BigInteger TWO_POW_128 = BigInteger.ONE.shiftLeft(128);

    private final long height;
    private final byte[] prevHash;
    private final byte[] stateRoot;
    private final long l1FeeRateHi;
    private final long l1FeeRateLo;
    private final byte[] txMerkleRoot;
    private final long timestamp;
    private final byte[] hash;

    /**
     * @param height       u64 block height.
     * @param prevHash     32-byte hash of the previous block's header.
     * @param stateRoot    32-byte state root after executing this block.
     * @param l1FeeRate    u128 L1 fee rate, 0 ≤ x < 2^128.
     * @param txMerkleRoot 32-byte root of {@link TxMerkle}.
     * @param timestamp    u64 Unix seconds.
     * @throws IllegalArgumentException on a wrong length or an out-of-range fee rate.
     */
    public L2Header(
        final long height,
        final byte[] prevHash,
        final byte[] stateRoot,
        final BigInteger l1FeeRate,
        final byte[] txMerkleRoot,
        final long timestamp)
    {
        this(height, copy32(prevHash, "prevHash"), copy32(stateRoot, "stateRoot"),
            feeRateHi(l1FeeRate), l1FeeRate.longValue(), copy32(txMerkleRoot, "txMerkleRoot"), timestamp);
    }

    /**
     * Trusted constructor for the codec: the arrays are fresh, 32 bytes long and owned by this
     * header from now on; the fee rate arrives as the two u64 halves the wire carries.
     */
    L2Header(
        final long height,
        final byte[] prevHash,
        final byte[] stateRoot,
        final long l1FeeRateHi,
        final long l1FeeRateLo,
        final byte[] txMerkleRoot,
        final long timestamp)
    {
        this.height = height;
        this.prevHash = prevHash;
        this.stateRoot = stateRoot;
        this.l1FeeRateHi = l1FeeRateHi;
        this.l1FeeRateLo = l1FeeRateLo;
        this.txMerkleRoot = txMerkleRoot;
        this.timestamp = timestamp;
        this.hash = computeHash();
    }

    private static byte[] copy32(final byte[] src, final String name)
    {
        if (src == null || src.length != HASH_LENGTH)
        {
            throw new IllegalArgumentException(name + " must be 32 bytes");
        }
        return src.clone();
    }

    private static long feeRateHi(final BigInteger l1FeeRate)
    {
        if (l1FeeRate == null || l1FeeRate.signum() < 0 || l1FeeRate.compareTo(TWO_POW_128) >= 0)
        {
            throw new IllegalArgumentException("l1FeeRate must be a u128, was " + l1FeeRate);
        }
        return l1FeeRate.shiftRight(64).longValue();
    }

    public long height()
    {
        return height;
    }

    /** A copy of prev_hash. */
    public byte[] prevHash()
    {
        return prevHash.clone();
    }

    /** A copy of state_root. */
    public byte[] stateRoot()
    {
        return stateRoot.clone();
    }

    /** l1_fee_rate as a non-negative BigInteger below 2^128. */
    public BigInteger l1FeeRate()
    {
        final BigInteger hi = new BigInteger(Long.toUnsignedString(l1FeeRateHi));
        final BigInteger lo = new BigInteger(Long.toUnsignedString(l1FeeRateLo));
        return hi.shiftLeft(64).or(lo);
    }

    /** High 64 bits of l1_fee_rate, as the wire carries them. */
    public long l1FeeRateHi()
    {
        return l1FeeRateHi;
    }

    /** Low 64 bits of l1_fee_rate, as the wire carries them. */
    public long l1FeeRateLo()
    {
        return l1FeeRateLo;
    }

    /** A copy of tx_merkle_root. */
    public byte[] txMerkleRoot()
    {
        return txMerkleRoot.clone();
    }

    public long timestamp()
    {
        return timestamp;
    }

    /** A copy of the header hash. */
    public byte[] hash()
    {
        return hash.clone();
    }

    /** The 128 bytes that are hashed, in Citrea's order and big-endian. */
    public byte[] encodeForHash()
    {
        final byte[] out = new byte[HASH_INPUT_LENGTH];
        encodeForHash(out, 0);
        return out;
    }

    /** Writes the 128 hashed bytes at {@code offset}. */
    public void encodeForHash(final byte[] dst, final int offset)
    {
        encodeForHash(dst, offset, height, prevHash, stateRoot, l1FeeRateHi, l1FeeRateLo, txMerkleRoot, timestamp);
    }

    /**
     * Writes the 128 hashed bytes of a header with these fields at {@code offset}, without making one:
     * for checking a header hash on a hot path (hashes are 32 bytes, not checked here).
     */
    public static void encodeForHash(
        final byte[] dst, final int offset, final long height, final byte[] prevHash, final byte[] stateRoot,
        final long l1FeeRateHi, final long l1FeeRateLo, final byte[] txMerkleRoot, final long timestamp)
    {
        int i = offset;
        i = putLongBigEndian(dst, i, height);
        System.arraycopy(prevHash, 0, dst, i, HASH_LENGTH);
        i += HASH_LENGTH;
        System.arraycopy(stateRoot, 0, dst, i, HASH_LENGTH);
        i += HASH_LENGTH;
        i = putLongBigEndian(dst, i, l1FeeRateHi);
        i = putLongBigEndian(dst, i, l1FeeRateLo);
        System.arraycopy(txMerkleRoot, 0, dst, i, HASH_LENGTH);
        i += HASH_LENGTH;
        putLongBigEndian(dst, i, timestamp);
    }

    private byte[] computeHash()
    {
        final byte[] input = new byte[HASH_INPUT_LENGTH];
        encodeForHash(input, 0);
        return Sha256.hash(input);
    }

    private static int putLongBigEndian(final byte[] dst, final int offset, final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            dst[offset + i] = (byte)(value >>> (56 - 8 * i));
        }
        return offset + 8;
    }

    /** The arrays themselves, for this package's codec and verifier, which never modify them. */
    byte[] prevHashRef()
    {
        return prevHash;
    }

    byte[] stateRootRef()
    {
        return stateRoot;
    }

    byte[] txMerkleRootRef()
    {
        return txMerkleRoot;
    }

    byte[] hashRef()
    {
        return hash;
    }

    /** True when {@code other} is this header's hash, without copying it. */
    public boolean hashEquals(final byte[] other)
    {
        return MessageDigest.isEqual(hash, other);
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof L2Header))
        {
            return false;
        }
        final L2Header that = (L2Header)o;
        return height == that.height && timestamp == that.timestamp &&
            l1FeeRateHi == that.l1FeeRateHi && l1FeeRateLo == that.l1FeeRateLo &&
            Arrays.equals(prevHash, that.prevHash) && Arrays.equals(stateRoot, that.stateRoot) &&
            Arrays.equals(txMerkleRoot, that.txMerkleRoot);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString()
    {
        return "L2Header{height=" + Long.toUnsignedString(height) +
            ", hash=" + Hex.encode(hash) +
            ", prevHash=" + Hex.encode(prevHash) +
            ", stateRoot=" + Hex.encode(stateRoot) +
            ", l1FeeRate=" + l1FeeRate() +
            ", txMerkleRoot=" + Hex.encode(txMerkleRoot) +
            ", timestamp=" + Long.toUnsignedString(timestamp) + '}';
    }
}
