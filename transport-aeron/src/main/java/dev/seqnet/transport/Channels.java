package dev.seqnet.transport;

import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;

/**
 * Builds the Aeron channel URIs of each {@link Transport.Mode} from a concluded {@link Transport.Context}.
 * Publications always carry their term length and session id, so every member agrees on sizes whatever its
 * driver's defaults, and receivers can tell senders apart.
 */
final class Channels
{
    private final Transport.Context ctx;

    Channels(final Transport.Context ctx)
    {
        this.ctx = ctx;
    }

    /** The shared multicast group, with its explicit interface (without one the traffic leaves on eth0). */
    String multicastPublication(final int sessionId)
    {
        return publication(new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .endpoint(ctx.multicastEndpoint())
            .networkInterface(ctx.multicastInterface())
            .ttl(ctx.multicastTtl())
            .flowControl(minFlowControl()), ctx.termLength(), sessionId);
    }

    String multicastSubscription()
    {
        return new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .endpoint(ctx.multicastEndpoint())
            .networkInterface(ctx.multicastInterface())
            .build();
    }

    /** Multi-destination-cast with destinations added by hand, one per peer endpoint. */
    String mdcPublication(final int sessionId)
    {
        return publication(new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .controlMode(CommonContext.MDC_CONTROL_MODE_MANUAL)
            .flowControl(minFlowControl()), ctx.termLength(), sessionId);
    }

    String mdcDestination(final int member)
    {
        return new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .endpoint(ctx.memberEndpoint(member))
            .build();
    }

    String unicastPublication(final int member, final int termLength, final int sessionId)
    {
        return publication(new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .endpoint(ctx.memberEndpoint(member)), termLength, sessionId);
    }

    String unicastSubscription(final int member)
    {
        return new ChannelUriStringBuilder()
            .media(CommonContext.UDP_MEDIA)
            .endpoint(ctx.memberEndpoint(member))
            .build();
    }

    String ipcPublication(final int termLength, final int sessionId)
    {
        return publication(new ChannelUriStringBuilder().media(CommonContext.IPC_MEDIA), termLength, sessionId);
    }

    String ipcSubscription()
    {
        return new ChannelUriStringBuilder().media(CommonContext.IPC_MEDIA).build();
    }

    private String publication(final ChannelUriStringBuilder builder, final int termLength, final int sessionId)
    {
        builder.termLength(termLength).sessionId(sessionId);
        if (0 != ctx.mtuLength())
        {
            builder.mtu(ctx.mtuLength());
        }
        return builder.build();
    }

    /**
     * Min flow control: a group publication goes at the pace of its slowest live receiver, so no member
     * silently loses frames (max flow control, Aeron's multicast default, lets the fastest run ahead and the
     * slow ones fall off the retransmit window). A receiver silent for the timeout (a crashed member) stops
     * holding the group back.
     */
    private String minFlowControl()
    {
        return "min,t:" + ctx.flowControlReceiverTimeoutNs() + "ns";
    }
}
