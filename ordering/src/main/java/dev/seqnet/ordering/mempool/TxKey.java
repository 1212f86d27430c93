package dev.seqnet.ordering.mempool;

import dev.seqnet.chain.Hex;

import java.util.Arrays;

/**
 * A transaction hash as a map key. Wraps the array without copying (transaction hashes are never
 * modified); the hash code is read from the first bytes, which for Keccak-256 output are uniform.
 */
public final class TxKey
{
    private final byte[] hash;
    private final int hashCode;

    private TxKey(final byte[] hash)
    {
        this.hash = hash;
        int h = 0;
        for (int i = 0, n = Math.min(hash.length, 4); i < n; i++)
        {
            h = (h << 8) | (hash[i] & 0xFF);
        }
        this.hashCode = h ^ hash.length;
    }

    /** Wraps {@code hash}; the caller must not modify it afterwards. */
    public static TxKey of(final byte[] hash)
    {
        return new TxKey(hash);
    }

    /** The wrapped bytes; do not modify. */
    public byte[] bytes()
    {
        return hash;
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof TxKey && Arrays.equals(hash, ((TxKey)o).hash));
    }

    @Override
    public int hashCode()
    {
        return hashCode;
    }

    @Override
    public String toString()
    {
        return Hex.encode(hash);
    }
}
