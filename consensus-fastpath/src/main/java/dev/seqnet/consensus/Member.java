package dev.seqnet.consensus;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Signatures;

import java.util.Arrays;

/**
 * One genesis member (PROTOCOL.md §1.1): its 33-byte compressed secp256k1 key (and the same key
 * uncompressed, which signature checks take), the address derived from it, and its stake, a positive
 * integer. The key is checked to lie on the curve at construction.
 */
public final class Member
{
    private final byte[] publicKey;
    private final byte[] verificationKey;
    private final Address address;
    private final long stake;

    /**
     * @throws IllegalArgumentException if the key is not a valid compressed secp256k1 point or the
     *                                  stake is not positive.
     */
    public Member(final byte[] publicKey, final long stake)
    {
        this.address = SequencerKey.publicKeyAddress(publicKey);
        if (stake <= 0)
        {
            throw new IllegalArgumentException("stake must be positive: " + stake);
        }
        this.publicKey = publicKey.clone();
        this.verificationKey = Signatures.verificationKey(this.publicKey);
        this.stake = stake;
    }

    /** A copy of the compressed public key. */
    public byte[] publicKey()
    {
        return publicKey.clone();
    }

    /** The key itself, for this package's hot paths; never modified. */
    byte[] publicKeyUnsafe()
    {
        return publicKey;
    }

    /** A copy of the key in the 65-byte uncompressed form that signature checks take (no decompression per check). */
    public byte[] verificationKey()
    {
        return verificationKey.clone();
    }

    /** {@link #verificationKey()} itself, for this package's hot paths; never modified. */
    byte[] verificationKeyUnsafe()
    {
        return verificationKey;
    }

    public Address address()
    {
        return address;
    }

    public long stake()
    {
        return stake;
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o ||
            (o instanceof Member && stake == ((Member)o).stake && Arrays.equals(publicKey, ((Member)o).publicKey));
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(publicKey) + Long.hashCode(stake);
    }

    @Override
    public String toString()
    {
        return "Member[" + address + ", stake=" + stake + "]";
    }
}
