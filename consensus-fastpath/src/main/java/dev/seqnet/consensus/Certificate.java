package dev.seqnet.consensus;

import java.util.Arrays;

/**
 * A certificate as PROTOCOL.md §3.4 lays it out: kind, view, block hash, a 256-bit signer bitmap, a
 * fallback bitmap (NOTARIZATION only) and one 64-byte signature per signer in ascending member
 * index. It is a plain value: nothing is checked here, {@link FinalityVerifier} decides validity.
 */
public final class Certificate implements dev.seqnet.consensus.message.ConsensusMessage
{
    /** Bytes in each bitmap: one bit for each of at most 256 members. */
    public static final int BITMAP_LENGTH = 32;

    private final CertificateKind kind;
    private final long view;
    private final byte[] blockHash;
    private final byte[] signers;
    private final byte[] fallback;
    private final byte[][] signatures;

    /**
     * @throws IllegalArgumentException if the hash is not 32 bytes, a bitmap not 32 bytes or a
     *                                  signature not 64 bytes (shapes the wire format cannot carry).
     */
    public Certificate(
        final CertificateKind kind, final long view, final byte[] blockHash, final byte[] signers,
        final byte[] fallback, final byte[][] signatures)
    {
        this(kind, view, blockHash, signers, fallback, signatures, true);
    }

    private Certificate(
        final CertificateKind kind, final long view, final byte[] blockHash, final byte[] signers,
        final byte[] fallback, final byte[][] signatures, final boolean copy)
    {
        if (kind == null || blockHash == null || blockHash.length != SigningDomain.HASH_LENGTH ||
            signers == null || signers.length != BITMAP_LENGTH || fallback == null || fallback.length != BITMAP_LENGTH ||
            signatures == null)
        {
            throw new IllegalArgumentException("certificate needs a kind, a 32-byte hash and two 32-byte bitmaps");
        }
        this.signatures = copy ? new byte[signatures.length][] : signatures;
        for (int i = 0; i < signatures.length; i++)
        {
            if (signatures[i] == null || signatures[i].length != 64)
            {
                throw new IllegalArgumentException("signature " + i + " is not 64 bytes");
            }
            if (copy)
            {
                this.signatures[i] = signatures[i].clone();
            }
        }
        this.kind = kind;
        this.view = view;
        this.blockHash = copy ? blockHash.clone() : blockHash;
        this.signers = copy ? signers.clone() : signers;
        this.fallback = copy ? fallback.clone() : fallback;
    }

    /**
     * The same checks as the constructor, but the arrays are taken over instead of copied: for
     * callers that have just built them and never touch them again (the core forming a certificate,
     * a decoder), which saves a second copy of every signature. The arrays may be shared between
     * certificates only if nobody modifies them (a certificate never does: its accessors copy).
     */
    public static Certificate adopt(
        final CertificateKind kind, final long view, final byte[] blockHash, final byte[] signers,
        final byte[] fallback, final byte[][] signatures)
    {
        return new Certificate(kind, view, blockHash, signers, fallback, signatures, false);
    }

    /** A bitmap with exactly the given member indices (each in [0, 256)) set. */
    public static byte[] bitmap(final int... indices)
    {
        final byte[] bits = new byte[BITMAP_LENGTH];
        for (final int i : indices)
        {
            bits[i >>> 3] |= (byte)(1 << (i & 7));
        }
        return bits;
    }

    /** True when bit {@code index} of {@code bitmap} is set (LSB first within each byte). */
    public static boolean isSet(final byte[] bitmap, final int index)
    {
        return (bitmap[index >>> 3] & (1 << (index & 7))) != 0;
    }

    public CertificateKind kind()
    {
        return kind;
    }

    public long view()
    {
        return view;
    }

    public byte[] blockHash()
    {
        return blockHash.clone();
    }

    public byte[] signers()
    {
        return signers.clone();
    }

    public byte[] fallback()
    {
        return fallback.clone();
    }

    public int signatureCount()
    {
        return signatures.length;
    }

    public byte[] signature(final int i)
    {
        return signatures[i].clone();
    }

    /** The block hash itself, for encoders and comparisons on hot paths. Never modify it. */
    public byte[] unsafeBlockHash()
    {
        return blockHash;
    }

    /** The signer bitmap itself. Never modify it. */
    public byte[] unsafeSigners()
    {
        return signers;
    }

    /** The fallback bitmap itself. Never modify it. */
    public byte[] unsafeFallback()
    {
        return fallback;
    }

    /** Signature {@code i} itself. Never modify it. */
    public byte[] unsafeSignature(final int i)
    {
        return signatures[i];
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof Certificate))
        {
            return false;
        }
        final Certificate c = (Certificate)o;
        return kind == c.kind && view == c.view && Arrays.equals(blockHash, c.blockHash) &&
            Arrays.equals(signers, c.signers) && Arrays.equals(fallback, c.fallback) &&
            Arrays.deepEquals(signatures, c.signatures);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * kind.hashCode() + Long.hashCode(view)) + Arrays.hashCode(blockHash);
    }

    @Override
    public String toString()
    {
        return "Certificate[" + kind + " view=" + view + " signatures=" + signatures.length + "]";
    }
}
