package dev.seqnet.consensus.message;

/**
 * A request for the certificates a member holds for views {@code fromView..toView} (span at most
 * {@link #MAX_SPAN}, PROTOCOL.md R11). Unsigned: the answers prove themselves.
 */
public record CertificateRequest(int requester, long fromView, long toView) implements ConsensusMessage
{
    /** The most views one request may span. */
    public static final int MAX_SPAN = 64;

    /** Checks the range. */
    public CertificateRequest
    {
        if (fromView < 1 || toView < fromView || toView - fromView >= MAX_SPAN)
        {
            throw new IllegalArgumentException("bad certificate request range " + fromView + ".." + toView);
        }
    }

    @Override
    public long view()
    {
        return fromView;
    }
}
