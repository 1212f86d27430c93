package dev.seqnet.consensus;

/** The kind byte of a signed consensus message (PROTOCOL.md §3.2); it is part of every signed digest. */
public enum MessageKind
{
    PROPOSAL(1),
    NOTARIZE(2),
    NULLIFY(3),
    NOTARIZE_FALLBACK(4),
    FINALIZE(5);

    private final int code;

    MessageKind(final int code)
    {
        this.code = code;
    }

    /** The u8 value on the wire and in {@code SignInput}. */
    public int code()
    {
        return code;
    }
}
