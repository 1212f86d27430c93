package dev.seqnet.transport;

/**
 * What a {@link Transport} counts. Send-side counters are written by the sending thread, receive-side ones by
 * the polling thread; any thread may read them through {@link TransportCounters}.
 */
public enum TransportCounter
{
    /** Frames Aeron accepted, one per publication: a UNICAST broadcast to three peers counts three. */
    FRAMES_SENT("frames sent"),
    /** Bytes of the frames counted in {@link #FRAMES_SENT}. */
    BYTES_SENT("bytes sent"),
    /** Every BACK_PRESSURED answer of an offer, retries included. */
    BACK_PRESSURE_EVENTS("back-pressure events"),
    /** Every ADMIN_ACTION answer of an offer, retries included. */
    ADMIN_ACTION_EVENTS("admin-action events"),
    /** Frames given up on a path still back-pressured when the retry budget ran out. */
    BACK_PRESSURED_DROPS("back-pressured drops"),
    /** Frames given up on a path still in admin action when the retry budget ran out. */
    ADMIN_ACTION_DROPS("admin-action drops"),
    /** Frames not sent on a path because no receiver was connected. */
    NOT_CONNECTED_DROPS("not-connected drops"),
    /** Frames not sent because the transport or a publication was closed. */
    CLOSED_DROPS("closed drops"),
    /** Frames not sent because a publication reached its maximum position. */
    MAX_POSITION_DROPS("max-position drops"),
    /** Frames refused for being longer than the maximum message length. */
    OVERSIZED_REFUSALS("oversized refusals"),
    /** {@code sendTo} calls naming this member or no member. */
    INVALID_MEMBER_REFUSALS("invalid-member refusals"),
    /** Whole frames delivered to a {@link FrameHandler}. */
    FRAMES_RECEIVED("frames received"),
    /** Bytes of the frames counted in {@link #FRAMES_RECEIVED}. */
    BYTES_RECEIVED("bytes received"),
    /** This member's own frames looped back by multicast or IPC and not delivered. */
    OWN_FRAMES_FILTERED("own frames filtered"),
    /** Frames from a session naming no member, or of the wrong kind for their stream, not delivered. */
    FOREIGN_FRAMES_DROPPED("foreign frames dropped");

    private final String label;

    TransportCounter(final String label)
    {
        this.label = label;
    }

    /** Human-readable name. */
    public String label()
    {
        return label;
    }
}
