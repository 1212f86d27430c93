package dev.seqnet.consensus.core;

/** Pairs of signed messages no honest member sends in one view (PROTOCOL.md §8.3). */
public enum EvidenceKind
{
    DOUBLE_PROPOSAL(1),
    DOUBLE_NOTARIZE(2),
    DOUBLE_FINALIZE(3),
    NULLIFY_AND_FINALIZE(4),
    FINALIZE_AND_OTHER_NOTARIZE(5),
    FALLBACK_AND_FINALIZE(6),
    FALLBACK_AND_NOTARIZE_SAME(7);

    private static final EvidenceKind[] BY_CODE = values();

    private final int code;

    EvidenceKind(final int code)
    {
        this.code = code;
    }

    /** The journal and RPC code (E1–E7). */
    public int code()
    {
        return code;
    }

    /** The kind for a code, or null. */
    public static EvidenceKind fromCode(final int code)
    {
        return code >= 1 && code <= BY_CODE.length ? BY_CODE[code - 1] : null;
    }
}
