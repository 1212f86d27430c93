package dev.seqnet.consensus.core;

import dev.seqnet.consensus.Certificate;

/**
 * Votes of one kind for one (view, block): which members signed, their summed stake, and one
 * signature per signer, ready to become a certificate. Indexed by member so iteration is ascending
 * and deterministic.
 */
final class Tally
{
    private final byte[][] signatures;
    private long stake;

    Tally(final int members)
    {
        this.signatures = new byte[members][];
    }

    /** Adds {@code signer}'s signature; false if it was already counted. */
    boolean add(final int signer, final long signerStake, final byte[] signature)
    {
        if (signatures[signer] != null)
        {
            return false;
        }
        signatures[signer] = signature;
        stake += signerStake;
        return true;
    }

    boolean has(final int signer)
    {
        return signatures[signer] != null;
    }

    byte[] signature(final int signer)
    {
        return signatures[signer];
    }

    long stake()
    {
        return stake;
    }

    int members()
    {
        return signatures.length;
    }

    /** The signer bitmap, LSB-first as in the certificate layout. */
    byte[] bitmap()
    {
        final byte[] bits = new byte[Certificate.BITMAP_LENGTH];
        for (int i = 0; i < signatures.length; i++)
        {
            if (signatures[i] != null)
            {
                bits[i >>> 3] |= (byte)(1 << (i & 7));
            }
        }
        return bits;
    }

    /** The signatures in ascending signer order. */
    byte[][] signaturesInOrder()
    {
        int count = 0;
        for (final byte[] s : signatures)
        {
            if (s != null)
            {
                count++;
            }
        }
        final byte[][] out = new byte[count][];
        int k = 0;
        for (final byte[] s : signatures)
        {
            if (s != null)
            {
                out[k++] = s;
            }
        }
        return out;
    }
}
