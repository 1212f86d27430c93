package dev.seqnet.consensus;

/**
 * The four certificate kinds of PROTOCOL.md §3.4, with the vote kind their signatures are over and
 * the threshold they need (Q, or F for the fast finalization).
 */
public enum CertificateKind
{
    /** Notarize (or NotarizeFallback where the fallback bit is set), stake ≥ Q. */
    NOTARIZATION(1, MessageKind.NOTARIZE),
    /** Nullify over a zero block hash, stake ≥ Q. */
    NULLIFICATION(2, MessageKind.NULLIFY),
    /** Strict Notarize only, stake ≥ F = S − p. */
    FINALIZATION_FAST(3, MessageKind.NOTARIZE),
    /** Finalize, stake ≥ Q. */
    FINALIZATION_SLOW(4, MessageKind.FINALIZE);

    private static final CertificateKind[] BY_CODE = {null, NOTARIZATION, NULLIFICATION, FINALIZATION_FAST, FINALIZATION_SLOW};

    private final int code;
    private final MessageKind voteKind;

    CertificateKind(final int code, final MessageKind voteKind)
    {
        this.code = code;
        this.voteKind = voteKind;
    }

    /** The u8 {@code kind} on the wire. */
    public int code()
    {
        return code;
    }

    /** The kind of the votes signed, for signers whose fallback bit is clear. */
    public MessageKind voteKind()
    {
        return voteKind;
    }

    /** The stake this kind needs under {@code quorums}. */
    public long threshold(final Quorums quorums)
    {
        return this == FINALIZATION_FAST ? quorums.fastQuorum() : quorums.quorum();
    }

    /** The kind with this wire code, or null when there is none. */
    public static CertificateKind fromCode(final int code)
    {
        return code >= 1 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
