package dev.seqnet.node.state;

import java.util.Arrays;

/** A 32-byte hash as a map key (block and transaction indexes). */
public final class Hash32
{
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
        if (bytes.length != 32)
        {
            throw new IllegalArgumentException("hash must be 32 bytes, was " + bytes.length);
        }
        return new Hash32(bytes);
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
}
