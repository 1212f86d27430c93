package dev.seqnet.transport;

import org.agrona.concurrent.Agent;

/**
 * An Agrona {@link Agent} whose duty cycle polls a {@link Transport} into a {@link FrameHandler}, to run on an
 * {@code AgentRunner} with a backoff idle strategy (the work count lets the runner idle when nothing arrived).
 * A consumer with its own duty cycle can instead call {@link Transport#poll} from its {@code doWork()}.
 * It does not own the transport: close the runner first, then the transport.
 */
public final class TransportAgent implements Agent
{
    /** Default fragments read per subscription per duty cycle. */
    public static final int DEFAULT_FRAGMENT_LIMIT = 64;

    private final Transport transport;
    private final FrameHandler handler;
    private final int fragmentLimit;
    private final String roleName;

    /**
     * @param transport     to poll.
     * @param handler       receives the frames, on the agent's thread.
     * @param fragmentLimit fragments read per subscription per duty cycle.
     */
    public TransportAgent(final Transport transport, final FrameHandler handler, final int fragmentLimit)
    {
        if (fragmentLimit <= 0)
        {
            throw new IllegalArgumentException("fragmentLimit must be > 0: " + fragmentLimit);
        }
        this.transport = transport;
        this.handler = handler;
        this.fragmentLimit = fragmentLimit;
        this.roleName = "transport-member-" + transport.memberIndex();
    }

    /** With {@link #DEFAULT_FRAGMENT_LIMIT}. */
    public TransportAgent(final Transport transport, final FrameHandler handler)
    {
        this(transport, handler, DEFAULT_FRAGMENT_LIMIT);
    }

    /**
     * Sets this thread's timer slack to the transport context's {@link Transport.Context#timerSlackNs} (when > 0), so
     * the runner's idle parks end when they are due: a frame that arrives while the thread is parked waits for the
     * park to end.
     */
    @Override
    public void onStart()
    {
        final long slackNs = transport.context().timerSlackNs();
        if (slackNs > 0 && !ThreadTimerSlack.apply(slackNs))
        {
            System.getLogger(TransportAgent.class.getName()).log(System.Logger.Level.WARNING,
                "transport: could not set the thread's timer slack to {0} ns; it keeps the system's", slackNs);
        }
    }

    public int doWork()
    {
        return transport.poll(handler, fragmentLimit);
    }

    public String roleName()
    {
        return roleName;
    }
}
