package dev.seqnet.consensus.core;

import dev.seqnet.consensus.Certificate;

import java.util.Arrays;

/**
 * Votes of one kind for one (view, block): which members signed, their summed stake, and where in
 * its view's signature store each signer's signature is, ready to become a certificate. Indexed by
 * member so iteration is ascending and deterministic; adding a vote allocates nothing.
 */
final class Tally
{
    private static final int NONE = -1;

    /** Per member: the signature's slot in {@link ViewState}'s store, or {@link #NONE}. */
    private final int[] slots;
    private long stake;
    private int count;

    Tally(final int members)
    {
        this.slots = new int[members];
        Arrays.fill(slots, NONE);
    }

    /** Empties the tally for reuse in another view. */
    void reset()
    {
        Arrays.fill(slots, NONE);
        stake = 0;
        count = 0;
    }

    /** Adds {@code signer}'s vote, its signature at {@code slot}; false if it was already counted. */
    boolean add(final int signer, final long signerStake, final int slot)
    {
        if (slots[signer] != NONE)
        {
            return false;
        }
        slots[signer] = slot;
        stake += signerStake;
        count++;
        return true;
    }

    boolean has(final int signer)
    {
        return slots[signer] != NONE;
    }

    /** The signature slot of {@code signer}, who must have voted. */
    int slot(final int signer)
    {
        return slots[signer];
    }

    long stake()
    {
        return stake;
    }

    int members()
    {
        return slots.length;
    }

    /** The signer bitmap, LSB-first as in the certificate layout. */
    byte[] bitmap()
    {
        final byte[] bits = new byte[Certificate.BITMAP_LENGTH];
        for (int i = 0; i < slots.length; i++)
        {
            if (slots[i] != NONE)
            {
                bits[i >>> 3] |= (byte)(1 << (i & 7));
            }
        }
        return bits;
    }

    /** Copies of the signatures in ascending signer order, read from {@code store}. */
    byte[][] signaturesInOrder(final ViewState store)
    {
        final byte[][] out = new byte[count][];
        int k = 0;
        for (int i = 0; i < slots.length; i++)
        {
            if (slots[i] != NONE)
            {
                out[k++] = store.signature(slots[i]);
            }
        }
        return out;
    }
}
