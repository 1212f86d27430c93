package dev.seqnet.chain.tx;

/**
 * A transaction refused for a {@link TxRejection} reason. Carries no stack trace: rejections are
 * expected traffic on the ingress path, not bugs, and filling a trace costs microseconds.
 */
public final class TxDecodeException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final TxRejection reason;

    public TxDecodeException(final TxRejection reason)
    {
        this(reason, reason.message());
    }

    public TxDecodeException(final TxRejection reason, final String detail)
    {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public TxRejection reason()
    {
        return reason;
    }
}
