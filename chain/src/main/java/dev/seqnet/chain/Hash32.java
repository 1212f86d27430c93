package dev.seqnet.chain;

import java.util.Arrays;

/**
 * An immutable 32-byte hash (block, transaction, state root) usable as a map key and ordered
 * unsigned-lexicographically, the order the consensus protocol uses to break ties.
 */
public final class Hash32 implements Comparable<Hash32>
{
    /** The length of every hash. */
    public static final int LENGTH = 32;

    /** 32 zero bytes: the genesis pseudo-block's hash and the blockHash of a Nullify. */
    public static final Hash32 ZERO = new Hash32(new byte[LENGTH]);

    private final byte[] bytes;
    private final int hash;

    private Hash32(final byte[] bytes)
    {
        this.bytes = bytes;
        // Hashes are uniformly random: the first four bytes are a good hash code.
        this.hash = (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
    }

    /** Wraps without copying: the caller must not modify {@code bytes} afterwards. */
    public static Hash32 wrap(final byte[] bytes)
    {
        if (bytes.length != LENGTH)
        {
            throw new IllegalArgumentException("hash must be 32 bytes, was " + bytes.length);
        }
        return new Hash32(bytes);
    }

    /** Copies 32 bytes from {@code src} at {@code offset}. */
    public static Hash32 copyOf(final byte[] src, final int offset)
    {
        return new Hash32(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    /** True for the 32 zero bytes. */
    public boolean isZero()
    {
        return equals(ZERO);
    }

    /** A copy of the bytes. */
    public byte[] bytes()
    {
        return bytes.clone();
    }

    /** The bytes themselves, for hot paths that only read them. Never modify the result. */
    public byte[] unsafeBytes()
    {
        return bytes;
    }

    @Override
    public int compareTo(final Hash32 o)
    {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof Hash32 && Arrays.equals(bytes, ((Hash32)o).bytes));
    }

    @Override
    public int hashCode()
    {
        return hash;
    }

    /** 0x-prefixed lowercase hex. */
    @Override
    public String toString()
    {
        return Hex.encode(bytes);
    }

    /** The first 4 bytes as hex, for logs. */
    public String shortHex()
    {
        return Hex.encodeBare(Arrays.copyOf(bytes, 4));
    }
}
