package dev.seqnet.transport;

import io.aeron.Publication;

/**
 * Outcomes of {@link Transport#send} and {@link Transport#sendTo}: {@link #SENT} or a negative reason. The Aeron
 * outcomes keep {@link Publication}'s values so logs read the same; the transport's own refusals follow them.
 */
public final class SendResult
{
    /** Accepted by Aeron for every connected destination; Aeron delivers it reliably and in order from here. */
    public static final int SENT = 0;

    /** No destination is connected (peer down or not yet joined); nothing was sent. */
    public static final int NOT_CONNECTED = (int)Publication.NOT_CONNECTED;

    /** A receiver is behind by a full flow-control window and stayed there through the retry budget. */
    public static final int BACK_PRESSURED = (int)Publication.BACK_PRESSURED;

    /** Aeron kept needing administrative work (term rotation, unblocking) through the retry budget. */
    public static final int ADMIN_ACTION = (int)Publication.ADMIN_ACTION;

    /** The transport or its publication is closed (e.g. the media driver went away); it will not recover. */
    public static final int CLOSED = (int)Publication.CLOSED;

    /** The publication reached its maximum position (term length x 2^31); a new publication is needed. */
    public static final int MAX_POSITION_EXCEEDED = (int)Publication.MAX_POSITION_EXCEEDED;

    /** Longer than {@link Transport#maxMessageLength()}; refused before reaching Aeron. */
    public static final int OVERSIZED = -10;

    /** {@code sendTo} named this member itself or an index outside the member set. */
    public static final int INVALID_MEMBER = -11;

    private SendResult()
    {
    }

    /** Name of a result code, for logs; {@code "UNKNOWN(code)"} for any other value. */
    public static String name(final int result)
    {
        switch (result)
        {
            case SENT:
                return "SENT";
            case NOT_CONNECTED:
                return "NOT_CONNECTED";
            case BACK_PRESSURED:
                return "BACK_PRESSURED";
            case ADMIN_ACTION:
                return "ADMIN_ACTION";
            case CLOSED:
                return "CLOSED";
            case MAX_POSITION_EXCEEDED:
                return "MAX_POSITION_EXCEEDED";
            case OVERSIZED:
                return "OVERSIZED";
            case INVALID_MEMBER:
                return "INVALID_MEMBER";
            default:
                return "UNKNOWN(" + result + ")";
        }
    }
}
