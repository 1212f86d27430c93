package dev.seqnet.consensus;

/**
 * The outcome of {@link FinalityVerifier#verify}: for a valid certificate its kind, view, block hash
 * and signed stake; otherwise the {@link CertificateError} and, for a bad signature, the signer.
 */
public final class CertificateCheck
{
    private static final byte[] NO_HASH = new byte[0];

    private final CertificateError error;
    private final CertificateKind kind;
    private final long view;
    private final byte[] blockHash;
    private final long stake;
    private final int signer;

    private CertificateCheck(
        final CertificateError error, final CertificateKind kind, final long view, final byte[] blockHash,
        final long stake, final int signer)
    {
        this.error = error;
        this.kind = kind;
        this.view = view;
        this.blockHash = blockHash;
        this.stake = stake;
        this.signer = signer;
    }

    static CertificateCheck valid(final CertificateKind kind, final long view, final byte[] blockHash, final long stake)
    {
        return new CertificateCheck(CertificateError.NONE, kind, view, blockHash, stake, -1);
    }

    static CertificateCheck invalid(final CertificateError error)
    {
        return new CertificateCheck(error, null, 0, NO_HASH, 0, -1);
    }

    static CertificateCheck invalid(
        final CertificateError error, final CertificateKind kind, final long view, final byte[] blockHash,
        final long stake, final int signer)
    {
        return new CertificateCheck(error, kind, view, blockHash, stake, signer);
    }

    public boolean isValid()
    {
        return error == CertificateError.NONE;
    }

    /** {@link CertificateError#NONE} when valid, else the first failed check. */
    public CertificateError error()
    {
        return error;
    }

    /** The decoded kind; null when the frame or kind byte was rejected before it was known. */
    public CertificateKind kind()
    {
        return kind;
    }

    public long view()
    {
        return view;
    }

    /** A copy of the decoded block hash (empty when rejected before it was read). */
    public byte[] blockHash()
    {
        return blockHash.clone();
    }

    /** Stake of the signer bits, once counted (valid, INSUFFICIENT_STAKE or BAD_SIGNATURE). */
    public long stake()
    {
        return stake;
    }

    /** For BAD_SIGNATURE the member index whose signature failed; otherwise −1. */
    public int signer()
    {
        return signer;
    }

    @Override
    public String toString()
    {
        return isValid() ?
            "CertificateCheck[valid " + kind + " view=" + view + " stake=" + stake + "]" :
            "CertificateCheck[" + error + (kind == null ? "" : " " + kind + " view=" + view) +
                (signer >= 0 ? " signer=" + signer : "") + "]";
    }
}
