package dev.seqnet.consensus.message;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.MessageKind;

import java.util.Arrays;

/**
 * A reusable holder of one {@link Vote}'s fields, for the allocation-free vote path: a decoder fills
 * it from a frame ({@code ConsensusCodec.decodeVote(buffer, offset, length, into)}), the inbound
 * check reads it and {@code ConsensusCore.onVote} copies what it keeps, so one instance per thread
 * serves every vote. It holds the same shape a {@link Vote} guarantees once {@link #set} or the
 * decoder has accepted it. Not thread-safe.
 */
public final class MutableVote
{
    private final byte[] blockHash = new byte[Hash32.LENGTH];
    private final byte[] signature = new byte[64];
    private MessageKind kind;
    private int signer;
    private long view;

    /**
     * Copies the fields in, with the checks of {@link Vote}'s constructor.
     *
     * @throws IllegalArgumentException for a non-vote kind, a hash that is not 32 bytes, a signature
     *                                  that is not 64 bytes or a NULLIFY with a non-zero hash.
     */
    public MutableVote set(
        final MessageKind kind, final int signer, final long view, final byte[] blockHash, final byte[] signature)
    {
        if (kind == null || kind == MessageKind.PROPOSAL || blockHash == null || blockHash.length != Hash32.LENGTH ||
            signature == null || signature.length != 64)
        {
            throw new IllegalArgumentException("vote needs a vote kind, a 32-byte block hash and a 64-byte signature");
        }
        if (kind == MessageKind.NULLIFY && !isZero(blockHash))
        {
            throw new IllegalArgumentException("a Nullify has a zero block hash");
        }
        System.arraycopy(blockHash, 0, this.blockHash, 0, Hash32.LENGTH);
        System.arraycopy(signature, 0, this.signature, 0, 64);
        this.kind = kind;
        this.signer = signer;
        this.view = view;
        return this;
    }

    /** Copies {@code vote} in. */
    public MutableVote set(final Vote vote)
    {
        return set(vote.kind(), vote.signer(), vote.view(), vote.blockHash().unsafeBytes(), vote.signature());
    }

    /**
     * Sets the fixed fields for a decoder that has written {@link #blockHashBuffer()} and
     * {@link #signatureBuffer()} itself; the caller has checked the shape.
     */
    public MutableVote setDecoded(final MessageKind kind, final int signer, final long view)
    {
        this.kind = kind;
        this.signer = signer;
        this.view = view;
        return this;
    }

    public MessageKind kind()
    {
        return kind;
    }

    public int signer()
    {
        return signer;
    }

    public long view()
    {
        return view;
    }

    /** The block hash bytes themselves (32); valid until the next {@code set}. Never modify them. */
    public byte[] blockHashBuffer()
    {
        return blockHash;
    }

    /** The signature bytes themselves (64); valid until the next {@code set}. Never modify them. */
    public byte[] signatureBuffer()
    {
        return signature;
    }

    /** True when the block hash is 32 zero bytes. */
    public boolean isZeroHash()
    {
        return isZero(blockHash);
    }

    /** A new immutable {@link Vote} with copies of the bytes (for evidence, logs and tests). */
    public Vote toVote()
    {
        return new Vote(kind, signer, view, Hash32.wrap(blockHash.clone()), signature.clone());
    }

    private static boolean isZero(final byte[] hash)
    {
        for (final byte b : hash)
        {
            if (b != 0)
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return kind + "(v" + view + ", " + Hash32.wrap(blockHash.clone()).shortHex() + ", by " + signer + ") [mutable]";
    }

    /** Field-wise equality with {@code vote}, for tests and assertions. */
    public boolean sameAs(final Vote vote)
    {
        return vote != null && vote.kind() == kind && vote.signer() == signer && vote.view() == view &&
            Arrays.equals(vote.blockHash().unsafeBytes(), blockHash) && Arrays.equals(vote.signature(), signature);
    }
}
