package dev.seqnet.consensus.core;

/**
 * How a block became final (PROTOCOL.md R13): by its own fast certificate (n − p {@code Notarize}),
 * its own slow certificate (Q {@code Finalize}), or indirectly as the ancestor of a certified block.
 */
public enum FinalizationPath
{
    FAST(1), SLOW(2), INDIRECT(3);

    private static final FinalizationPath[] BY_CODE = {null, FAST, SLOW, INDIRECT};

    private final int code;

    FinalizationPath(final int code)
    {
        this.code = code;
    }

    /** The journal and RPC code. */
    public int code()
    {
        return code;
    }

    /** The path for a code, or null. */
    public static FinalizationPath fromCode(final int code)
    {
        return code >= 1 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
