package dev.seqnet.chain;

import java.util.Arrays;

/**
 * A 20-byte Ethereum account address; an immutable value usable as a map key (the mempool and
 * ledger key accounts by it). Ordering is unsigned lexicographic, which fixes state-root order.
 */
public final class Address implements Comparable<Address>
{
    public static final int LENGTH = 20;

    private final byte[] bytes;
    private final int hash;

    private Address(final byte[] bytes)
    {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Wraps a copy of 20 bytes at {@code offset}. */
    public static Address wrap(final byte[] src, final int offset)
    {
        return new Address(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    public static Address of(final byte[] twentyBytes)
    {
        if (twentyBytes.length != LENGTH)
        {
            throw new IllegalArgumentException("address must be 20 bytes, was " + twentyBytes.length);
        }
        return new Address(twentyBytes.clone());
    }

    public static Address fromHex(final String hex)
    {
        return of(Hex.decode(hex));
    }

    /** A copy of the 20 bytes. */
    public byte[] toBytes()
    {
        return bytes.clone();
    }

    public void copyTo(final byte[] dst, final int offset)
    {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    public byte byteAt(final int i)
    {
        return bytes[i];
    }

    public String toHex()
    {
        return Hex.encode(bytes);
    }

    @Override
    public int compareTo(final Address o)
    {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof Address && Arrays.equals(bytes, ((Address)o).bytes));
    }

    @Override
    public int hashCode()
    {
        return hash;
    }

    @Override
    public String toString()
    {
        return toHex();
    }
}
