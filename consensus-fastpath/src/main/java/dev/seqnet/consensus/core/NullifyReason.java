package dev.seqnet.consensus.core;

/** Why a member sent {@code Nullify} (PROTOCOL.md R6); journaled in {@link OwnVote}. */
public enum NullifyReason
{
    TIMEOUT(1), SKIP(2), INVALID(3), CONTRADICTION(4),
    /** R6e: members with at least f + 1 stake nullified the view and this member has not notarized. */
    JOIN(5);

    private static final NullifyReason[] BY_CODE = {null, TIMEOUT, SKIP, INVALID, CONTRADICTION, JOIN};

    private final int code;

    NullifyReason(final int code)
    {
        this.code = code;
    }

    /** The journal code. */
    public int code()
    {
        return code;
    }

    /** The reason for a journal code, or null. */
    public static NullifyReason fromCode(final int code)
    {
        return code >= 1 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
