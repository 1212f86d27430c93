package dev.seqnet.transport;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Carries opaque frames (SBE messages up to a block) between the members of a sequencer network over Aeron,
 * without interpreting them: {@link #send} to every other member, {@link #sendTo} one member (block sync),
 * {@link #poll} to receive whole frames, each tagged with its sender's index. Frames from one sender on one path
 * arrive reliably, once and in order; a member's own frames are never delivered to it.
 * <p>
 * Paths per {@link Mode}: broadcasts go on one multicast publication (MULTICAST), one multi-destination-cast
 * publication with a destination per peer (MDC), one unicast publication per peer (UNICAST) or one IPC
 * publication (IPC). {@code sendTo} goes on a per-peer publication of its own, except in UNICAST where it shares
 * the per-peer publication, so only there is it ordered with the broadcasts.
 * <p>
 * <b>Threads.</b> One thread sends ({@code send}, {@code sendTo}) and one thread polls; they may be the same.
 * Close after both have stopped. {@link #connected}, {@link #receivingFrom} and {@link #counters} may be read
 * from any thread.
 * <p>
 * <b>Back-pressure.</b> Every Aeron offer result is handled: BACK_PRESSURED and ADMIN_ACTION are retried with an
 * idle strategy up to {@link Context#offerRetryBudgetNs()}, then reported; nothing spins forever, and every
 * outcome is counted in {@link TransportCounters}.
 */
public final class Transport implements AutoCloseable
{
    /** How the members reach each other. */
    public enum Mode
    {
        /** One UDP multicast group shared by all members; {@code sendTo} over unicast. */
        MULTICAST,
        /** Multi-destination-cast: one publication sending to each peer's unicast endpoint. */
        MDC,
        /** One unicast publication per peer; broadcasts are N - 1 offers. */
        UNICAST,
        /** All members in one process on one media driver ({@code aeron:ipc}); for tests and tools. */
        IPC
    }

    private static final int UNAVAILABLE_IMAGE_QUEUE_CAPACITY = 256;

    private final Context ctx;
    private final Mode mode;
    private final int memberIndex;
    private final int memberCount;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final int incarnation;
    private final NanoClock nanoClock;
    private final long offerRetryBudgetNs;
    private final IdleStrategy offerIdleStrategy;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker conductorInvoker;
    private volatile Thread pollingThread;
    private final TransportCounters counters = new TransportCounters();

    private ExclusivePublication broadcastPublication;
    private final ExclusivePublication[] peerPublications;
    private Subscription broadcastSubscription;
    private Subscription directSubscription;
    private final int[] lastSendResults;
    private final int maxMessageLength;

    private final Delivery delivery = new Delivery();
    private final FragmentAssembler broadcastAssembler;
    private final FragmentAssembler directAssembler;
    private final Filter broadcastFilter;
    private final Filter directFilter;
    private final ManyToOneConcurrentArrayQueue<Image> unavailableImages =
        new ManyToOneConcurrentArrayQueue<>(UNAVAILABLE_IMAGE_QUEUE_CAPACITY);
    private FrameHandler frameHandler;
    private int fragmentLimit = 1;
    private boolean inPoll;
    private long offerDeadlineNs;
    private volatile boolean closed;

    private Transport(final Context ctx)
    {
        this.ctx = ctx;
        this.mode = ctx.mode();
        this.memberIndex = ctx.memberIndex();
        this.memberCount = ctx.memberCount();
        this.nanoClock = ctx.nanoClock();
        this.offerRetryBudgetNs = ctx.offerRetryBudgetNs();
        this.offerIdleStrategy = ctx.offerIdleStrategy();
        this.incarnation = ThreadLocalRandom.current().nextInt();
        this.peerPublications = new ExclusivePublication[memberCount];
        this.lastSendResults = new int[memberCount];

        final int assemblerLength = Math.min(ctx.maxMessageLength(), 64 * 1024);
        broadcastAssembler = new FragmentAssembler(delivery, assemblerLength);
        directAssembler = new FragmentAssembler(delivery, assemblerLength);
        broadcastFilter = new Filter(MemberSessionId.BROADCAST, broadcastAssembler);
        directFilter = new Filter(MemberSessionId.DIRECT, directAssembler);

        if (null != ctx.aeron())
        {
            aeron = ctx.aeron();
            ownsAeron = false;
        }
        else
        {
            final Aeron.Context aeronCtx = new Aeron.Context()
                .aeronDirectoryName(ctx.aeronDirectoryName())
                .clientName("seqnet-transport-member-" + memberIndex);
            if (null != ctx.driverAgentInvoker())
            {
                // The driver runs in our duty cycle: so does the client conductor, and while the client awaits a
                // driver response (adding publications below) it invokes the driver itself.
                aeronCtx.useConductorAgentInvoker(true).driverAgentInvoker(ctx.driverAgentInvoker());
            }
            if (null != ctx.errorHandler())
            {
                aeronCtx.errorHandler(ctx.errorHandler()).subscriberErrorHandler(ctx.errorHandler());
            }
            aeron = Aeron.connect(aeronCtx);
            ownsAeron = true;
        }
        driverInvoker = null != ctx.aeron() ? null : ctx.driverAgentInvoker();
        conductorInvoker = null != driverInvoker ? aeron.conductorAgentInvoker() : null;

        try
        {
            connect(new Channels(ctx));
        }
        catch (final Throwable t)
        {
            closeResources();
            throw t;
        }

        int maxLength = ctx.maxMessageLength();
        if (null != broadcastPublication)
        {
            maxLength = Math.min(maxLength, broadcastPublication.maxMessageLength());
        }
        for (final ExclusivePublication publication : peerPublications)
        {
            if (null != publication)
            {
                maxLength = Math.min(maxLength, publication.maxMessageLength());
            }
        }
        this.maxMessageLength = maxLength;
    }

    /**
     * Creates the publications and subscriptions of the context's mode. Returns at once: peers connect in the
     * background (see {@link #connected} and {@link #receivingFrom}).
     *
     * @param ctx configuration; concluded here.
     * @return the transport, to be closed by the caller.
     */
    public static Transport launch(final Context ctx)
    {
        ctx.conclude();
        return new Transport(ctx);
    }

    private void connect(final Channels channels)
    {
        final int broadcastStream = ctx.broadcastStreamId();
        final int directStream = ctx.directStreamId();
        final int broadcastSession = MemberSessionId.sessionId(incarnation, MemberSessionId.BROADCAST, memberIndex);
        final int directSession = MemberSessionId.sessionId(incarnation, MemberSessionId.DIRECT, memberIndex);

        switch (mode)
        {
            case MULTICAST:
                broadcastSubscription = subscribe(channels.multicastSubscription(), broadcastStream);
                directSubscription = subscribe(channels.unicastSubscription(memberIndex), directStream);
                broadcastPublication = aeron.addExclusivePublication(
                    channels.multicastPublication(broadcastSession), broadcastStream);
                forEachPeer((peer) -> peerPublications[peer] = aeron.addExclusivePublication(
                    channels.unicastPublication(peer, ctx.directTermLength(), directSession), directStream));
                break;

            case MDC:
                broadcastSubscription = subscribe(channels.unicastSubscription(memberIndex), broadcastStream);
                directSubscription = subscribe(channels.unicastSubscription(memberIndex), directStream);
                broadcastPublication = aeron.addExclusivePublication(
                    channels.mdcPublication(broadcastSession), broadcastStream);
                forEachPeer((peer) -> broadcastPublication.addDestination(channels.mdcDestination(peer)));
                forEachPeer((peer) -> peerPublications[peer] = aeron.addExclusivePublication(
                    channels.unicastPublication(peer, ctx.directTermLength(), directSession), directStream));
                break;

            case UNICAST:
                broadcastSubscription = subscribe(channels.unicastSubscription(memberIndex), broadcastStream);
                forEachPeer((peer) -> peerPublications[peer] = aeron.addExclusivePublication(
                    channels.unicastPublication(peer, ctx.termLength(), broadcastSession), broadcastStream));
                break;

            case IPC:
                broadcastSubscription = subscribe(channels.ipcSubscription(), broadcastStream);
                directSubscription = subscribe(channels.ipcSubscription(), directStream + memberIndex);
                broadcastPublication = aeron.addExclusivePublication(
                    channels.ipcPublication(ctx.termLength(), broadcastSession), broadcastStream);
                forEachPeer((peer) -> peerPublications[peer] = aeron.addExclusivePublication(
                    channels.ipcPublication(ctx.directTermLength(), directSession), directStream + peer));
                break;

            default:
                throw new IllegalStateException("unknown mode " + mode);
        }
    }

    private Subscription subscribe(final String channel, final int streamId)
    {
        return aeron.addSubscription(channel, streamId, null, this::onUnavailableImage);
    }

    private void forEachPeer(final IntConsumer action)
    {
        for (int peer = 0; peer < memberCount; peer++)
        {
            if (peer != memberIndex)
            {
                action.accept(peer);
            }
        }
    }

    /**
     * Sends a frame to every other member. In UNICAST mode this is one offer per peer: peers not connected are
     * skipped (counted in {@link TransportCounter#NOT_CONNECTED_DROPS}), and {@link #lastSendResult} tells which
     * peers a failed broadcast still reached.
     *
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame, at most {@link #maxMessageLength()}.
     * @return {@link SendResult#SENT} if every connected destination accepted it; {@link SendResult#NOT_CONNECTED}
     *         if none is connected; otherwise the failure ({@link SendResult#BACK_PRESSURED},
     *         {@link SendResult#ADMIN_ACTION}, {@link SendResult#MAX_POSITION_EXCEEDED}, {@link SendResult#CLOSED},
     *         {@link SendResult#OVERSIZED}).
     */
    public int send(final DirectBuffer buffer, final int offset, final int length)
    {
        final int refusal = refusal(buffer, offset, length);
        if (SendResult.SENT != refusal)
        {
            Arrays.fill(lastSendResults, refusal);
            return refusal;
        }

        offerDeadlineNs = 0L;
        if (null != broadcastPublication)
        {
            final int result = offer(broadcastPublication, buffer, offset, length);
            Arrays.fill(lastSendResults, result);
            lastSendResults[memberIndex] = SendResult.INVALID_MEMBER;
            return result;
        }

        // One retry budget for the whole broadcast: a back-pressured peer cannot stall it N - 1 times over.
        int worst = SendResult.SENT;
        int connected = 0;
        for (int peer = 0; peer < memberCount; peer++)
        {
            if (peer == memberIndex)
            {
                lastSendResults[peer] = SendResult.INVALID_MEMBER;
                continue;
            }
            final int result = offer(peerPublications[peer], buffer, offset, length);
            lastSendResults[peer] = result;
            if (SendResult.NOT_CONNECTED != result)
            {
                connected++;
                if (SendResult.SENT != result && severity(result) > severity(worst))
                {
                    worst = result;
                }
            }
        }
        return 0 == connected ? SendResult.NOT_CONNECTED : worst;
    }

    /**
     * Sends a frame to one member.
     *
     * @param member the receiver's index (not this member).
     * @param buffer holding the frame.
     * @param offset of the frame.
     * @param length of the frame, at most {@link #maxMessageLength()}.
     * @return {@link SendResult#SENT}, {@link SendResult#INVALID_MEMBER} or a failure as for {@link #send}.
     */
    public int sendTo(final int member, final DirectBuffer buffer, final int offset, final int length)
    {
        final int refusal = refusal(buffer, offset, length);
        if (SendResult.SENT != refusal)
        {
            return refusal;
        }
        if (member < 0 || member >= memberCount || member == memberIndex)
        {
            counters.increment(TransportCounter.INVALID_MEMBER_REFUSALS);
            return SendResult.INVALID_MEMBER;
        }
        offerDeadlineNs = 0L;
        return offer(peerPublications[member], buffer, offset, length);
    }

    private int refusal(final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed)
        {
            counters.increment(TransportCounter.CLOSED_DROPS);
            return SendResult.CLOSED;
        }
        if (length < 0)
        {
            throw new IllegalArgumentException("negative frame length " + length);
        }
        buffer.boundsCheck(offset, length);
        if (length > maxMessageLength)
        {
            counters.increment(TransportCounter.OVERSIZED_REFUSALS);
            return SendResult.OVERSIZED;
        }
        return SendResult.SENT;
    }

    /**
     * One frame on one publication: retries BACK_PRESSURED and ADMIN_ACTION until {@link #offerDeadlineNs} (set
     * from the budget on the call's first failure), counting every answer.
     */
    private int offer(
        final ExclusivePublication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        boolean idled = false;
        while (true)
        {
            final long position = publication.offer(buffer, offset, length);
            if (position >= 0)
            {
                counters.increment(TransportCounter.FRAMES_SENT);
                counters.add(TransportCounter.BYTES_SENT, length);
                return SendResult.SENT;
            }

            if (Publication.BACK_PRESSURED == position)
            {
                counters.increment(TransportCounter.BACK_PRESSURE_EVENTS);
            }
            else if (Publication.ADMIN_ACTION == position)
            {
                counters.increment(TransportCounter.ADMIN_ACTION_EVENTS);
            }
            else
            {
                return terminal(position);
            }

            final long nowNs = nanoClock.nanoTime();
            if (0L == offerDeadlineNs)
            {
                offerDeadlineNs = nowNs + offerRetryBudgetNs;
            }
            if (nowNs - offerDeadlineNs >= 0)
            {
                if (Publication.BACK_PRESSURED == position)
                {
                    counters.increment(TransportCounter.BACK_PRESSURED_DROPS);
                    return SendResult.BACK_PRESSURED;
                }
                counters.increment(TransportCounter.ADMIN_ACTION_DROPS);
                return SendResult.ADMIN_ACTION;
            }

            if (null != driverInvoker && Thread.currentThread() == pollingThread)
            {
                // The sender is also the driver's thread (a sequencer run in the transport's duty cycle):
                // idling here would wait for itself. Run the driver so its sender drains the term, and (unless
                // this send comes from inside a poll) read this member's own images: a multicast member is a
                // receiver of its own broadcasts, and flow control waits for the slowest receiver.
                driverInvoker.invoke();
                conductorInvoker.invoke();
                if (!inPoll && null != frameHandler)
                {
                    pollSubscriptions(frameHandler, fragmentLimit);
                }
                continue;
            }
            if (!idled)
            {
                offerIdleStrategy.reset();
                idled = true;
            }
            offerIdleStrategy.idle();
        }
    }

    private int terminal(final long position)
    {
        if (Publication.NOT_CONNECTED == position)
        {
            counters.increment(TransportCounter.NOT_CONNECTED_DROPS);
            return SendResult.NOT_CONNECTED;
        }
        if (Publication.MAX_POSITION_EXCEEDED == position)
        {
            counters.increment(TransportCounter.MAX_POSITION_DROPS);
            return SendResult.MAX_POSITION_EXCEEDED;
        }
        counters.increment(TransportCounter.CLOSED_DROPS);
        return SendResult.CLOSED;
    }

    private static int severity(final int result)
    {
        switch (result)
        {
            case SendResult.CLOSED:
                return 4;
            case SendResult.MAX_POSITION_EXCEEDED:
                return 3;
            case SendResult.BACK_PRESSURED:
                return 2;
            case SendResult.ADMIN_ACTION:
                return 1;
            default:
                return 0;
        }
    }

    /**
     * Delivers the frames waiting on this member's subscriptions. An exception thrown by the handler goes to the
     * Aeron client's subscriber error handler ({@link Context#errorHandler}) and the frame counts as consumed:
     * it is not delivered again.
     *
     * @param handler       receives each whole frame from another member.
     * @param fragmentLimit most Aeron fragments to read from each subscription (own and foreign fragments count).
     * @return fragments read, 0 when idle or closed: the work count for an {@code Agent.doWork()}.
     */
    public int poll(final FrameHandler handler, final int fragmentLimit)
    {
        if (closed)
        {
            return 0;
        }
        Image image;
        while (null != (image = unavailableImages.poll()))
        {
            assemblerOf(image.subscription()).freeSessionBuffer(image.sessionId());
        }

        int fragments = 0;
        if (null != driverInvoker)
        {
            if (null == pollingThread)
            {
                pollingThread = Thread.currentThread();
            }
            // Invoker mode: this duty cycle is also the media driver's and the Aeron client conductor's.
            fragments += driverInvoker.invoke();
            fragments += conductorInvoker.invoke();
        }
        return fragments + pollSubscriptions(handler, fragmentLimit);
    }

    private int pollSubscriptions(final FrameHandler handler, final int fragmentLimit)
    {
        frameHandler = handler;
        this.fragmentLimit = fragmentLimit;
        inPoll = true;
        try
        {
            int fragments = broadcastSubscription.poll(broadcastFilter, fragmentLimit);
            if (null != directSubscription)
            {
                fragments += directSubscription.poll(directFilter, fragmentLimit);
            }
            return fragments;
        }
        finally
        {
            inPoll = false;
        }
    }

    private void onUnavailableImage(final Image image)
    {
        // Called on the Aeron client conductor thread; the assemblers belong to the polling thread.
        unavailableImages.offer(image);
    }

    private FragmentAssembler assemblerOf(final Subscription subscription)
    {
        return subscription == broadcastSubscription ? broadcastAssembler : directAssembler;
    }

    /**
     * Whether frames sent to {@code member} have a receiver: its {@code sendTo} publication is connected (in
     * UNICAST, the one publication to it), and so is the broadcast publication, if the mode has one (Aeron
     * tells whether a group publication has receivers, not which). False for this member itself.
     */
    public boolean connected(final int member)
    {
        checkMember(member);
        final ExclusivePublication publication = peerPublications[member];
        return null != publication && publication.isConnected() &&
            (null == broadcastPublication || broadcastPublication.isConnected());
    }

    /** Number of other members {@link #connected} to. */
    public int connectedPeerCount()
    {
        int count = 0;
        for (int peer = 0; peer < memberCount; peer++)
        {
            if (peer != memberIndex && connected(peer))
            {
                count++;
            }
        }
        return count;
    }

    /**
     * Whether this member has joined {@code member}'s streams: an open image of its broadcast session and, in the
     * modes where {@code sendTo} has a stream of its own, of its {@code sendTo} session. Aeron delivers a stream
     * to a receiver from the position at which it joined, so a frame sent before then is not delivered to it:
     * wait for this (or tolerate the loss) after a member starts. Allocates: not for hot paths.
     */
    public boolean receivingFrom(final int member)
    {
        checkMember(member);
        if (closed)
        {
            return false;
        }
        return hasImage(broadcastSubscription, member, MemberSessionId.BROADCAST) &&
            (null == directSubscription || hasImage(directSubscription, member, MemberSessionId.DIRECT));
    }

    private static boolean hasImage(final Subscription subscription, final int member, final int kind)
    {
        final List<Image> images = subscription.images();
        for (int i = 0, size = images.size(); i < size; i++)
        {
            final Image image = images.get(i);
            final int sessionId = image.sessionId();
            if (MemberSessionId.member(sessionId) == member && kind == MemberSessionId.kind(sessionId) &&
                !image.isClosed() && !image.isEndOfStream())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Result of the last {@link #send} on the path to {@code member}: per peer in UNICAST mode; the shared
     * publication's result in the others. {@link SendResult#INVALID_MEMBER} for this member. Sending thread only.
     */
    public int lastSendResult(final int member)
    {
        checkMember(member);
        return lastSendResults[member];
    }

    /**
     * The Aeron client this transport sends and receives with. Another component on the polling thread may add its
     * own publications and subscriptions to it (the node's binary client ingress does): with the invoker driver, the
     * transport's {@link #poll} is what runs the client's conductor and the driver for them too.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /** Longest frame {@code send} and {@code sendTo} accept: the context's limit, capped at term length / 8. */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    public int memberIndex()
    {
        return memberIndex;
    }

    public int memberCount()
    {
        return memberCount;
    }

    public Mode mode()
    {
        return mode;
    }

    /** What this transport counted so far. */
    public TransportCounters counters()
    {
        return counters;
    }

    /** The concluded configuration. */
    public Context context()
    {
        return ctx;
    }

    public boolean isClosed()
    {
        return closed;
    }

    /** Closes the publications and subscriptions (and the Aeron client, if this transport opened it). Idempotent. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            closeResources();
        }
    }

    private void closeResources()
    {
        if (ownsAeron)
        {
            CloseHelper.close(aeron);
        }
        else
        {
            CloseHelper.closeAll(peerPublications);
            CloseHelper.closeAll(broadcastPublication, broadcastSubscription, directSubscription);
        }
    }

    public String toString()
    {
        return "Transport{mode=" + mode + ", member=" + memberIndex + "/" + memberCount +
            ", maxMessageLength=" + maxMessageLength + ", closed=" + closed + '}';
    }

    private void checkMember(final int member)
    {
        if (member < 0 || member >= memberCount)
        {
            throw new IllegalArgumentException("member " + member + " not in [0, " + memberCount + ")");
        }
    }

    /** Drops own and foreign fragments before reassembly; passes the others to the subscription's assembler. */
    private final class Filter implements FragmentHandler
    {
        private final int expectedKind;
        private final FragmentAssembler assembler;

        Filter(final int expectedKind, final FragmentAssembler assembler)
        {
            this.expectedKind = expectedKind;
            this.assembler = assembler;
        }

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            final int sessionId = header.sessionId();
            final int member = MemberSessionId.member(sessionId);
            if (member == memberIndex)
            {
                if (0 != (header.flags() & FrameDescriptor.BEGIN_FRAG_FLAG))
                {
                    counters.increment(TransportCounter.OWN_FRAMES_FILTERED);
                }
            }
            else if (member >= memberCount || MemberSessionId.kind(sessionId) != expectedKind)
            {
                if (0 != (header.flags() & FrameDescriptor.BEGIN_FRAG_FLAG))
                {
                    counters.increment(TransportCounter.FOREIGN_FRAMES_DROPPED);
                }
            }
            else
            {
                assembler.onFragment(buffer, offset, length, header);
            }
        }
    }

    /** Hands whole frames to the handler of the current {@link #poll}. */
    private final class Delivery implements FragmentHandler
    {
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            counters.increment(TransportCounter.FRAMES_RECEIVED);
            counters.add(TransportCounter.BYTES_RECEIVED, length);
            frameHandler.onFrame(MemberSessionId.member(header.sessionId()), buffer, offset, length);
        }
    }

    /**
     * Transport configuration, Aeron style: fluent setters, then {@link #conclude()} validates and applies
     * defaults (called by {@link Transport#launch}). Member {@code i} listens for unicast and MDC traffic on
     * {@code host:(basePort + i)} unless {@link #memberEndpoints} names the endpoints.
     */
    public static final class Context
    {
        /** Default multicast group and port (the data address must be odd: Aeron uses the next one for control). */
        public static final String DEFAULT_MULTICAST_ENDPOINT = "239.255.0.1:40456";

        /** Default multicast interface: loopback, for members colocated on one host. */
        public static final String DEFAULT_MULTICAST_INTERFACE = "127.0.0.1";

        /** Default host of member endpoints. */
        public static final String DEFAULT_HOST = "127.0.0.1";

        /** Default port of member 0's endpoint; member i uses {@code basePort + i}. */
        public static final int DEFAULT_BASE_PORT = 40460;

        /** Default stream id of broadcasts. */
        public static final int DEFAULT_BROADCAST_STREAM_ID = 1001;

        /** Default stream id of {@code sendTo} frames (in IPC mode, member i's is this + i). */
        public static final int DEFAULT_DIRECT_STREAM_ID = 2001;

        /** Default term length: 16 MiB, so a 2 MiB frame fits (Aeron's max message is term / 8); see docs/TRANSPORT.md. */
        public static final int DEFAULT_TERM_LENGTH = 16 * 1024 * 1024;

        /** Default time a multicast or MDC receiver may stay silent before min flow control stops waiting for it. */
        public static final long DEFAULT_FLOW_CONTROL_RECEIVER_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);

        /** Default time a send may retry BACK_PRESSURED or ADMIN_ACTION before reporting it. */
        public static final long DEFAULT_OFFER_RETRY_BUDGET_NS = TimeUnit.MICROSECONDS.toNanos(500);

        private int memberIndex = -1;
        private int memberCount;
        private Mode mode;
        private Aeron aeron;
        private String aeronDirectoryName;
        private String host = DEFAULT_HOST;
        private int basePort = DEFAULT_BASE_PORT;
        private String[] memberEndpoints;
        private String multicastEndpoint = DEFAULT_MULTICAST_ENDPOINT;
        private String multicastInterface = DEFAULT_MULTICAST_INTERFACE;
        private int multicastTtl = 0;
        private int broadcastStreamId = DEFAULT_BROADCAST_STREAM_ID;
        private int directStreamId = DEFAULT_DIRECT_STREAM_ID;
        private int termLength = DEFAULT_TERM_LENGTH;
        private int directTermLength;
        private int mtuLength;
        private int maxMessageLength;
        private long flowControlReceiverTimeoutNs = DEFAULT_FLOW_CONTROL_RECEIVER_TIMEOUT_NS;
        private long offerRetryBudgetNs = DEFAULT_OFFER_RETRY_BUDGET_NS;
        private IdleStrategy offerIdleStrategy;
        private AgentInvoker driverAgentInvoker;
        private long timerSlackNs;
        private NanoClock nanoClock;
        private ErrorHandler errorHandler;
        private boolean concluded;

        /**
         * Validates the configuration and applies defaults.
         *
         * @throws IllegalStateException if concluded twice, or a value is missing or out of range.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            if (null == mode)
            {
                throw new IllegalStateException("mode not set");
            }
            if (memberCount < 2 || memberCount > MemberSessionId.MAX_MEMBERS)
            {
                throw new IllegalStateException(
                    "memberCount " + memberCount + " not in [2, " + MemberSessionId.MAX_MEMBERS + "]");
            }
            if (memberIndex < 0 || memberIndex >= memberCount)
            {
                throw new IllegalStateException("memberIndex " + memberIndex + " not in [0, " + memberCount + ")");
            }
            if ((null == aeron) == (null == aeronDirectoryName))
            {
                throw new IllegalStateException("set exactly one of aeron and aeronDirectoryName");
            }
            if (null != aeron && null != driverAgentInvoker)
            {
                throw new IllegalStateException("driverAgentInvoker goes with aeronDirectoryName: a given client is the caller's to drive");
            }
            if (0 == directTermLength)
            {
                directTermLength = termLength;
            }
            checkTermLength("termLength", termLength);
            checkTermLength("directTermLength", directTermLength);
            final int aeronMax = FrameDescriptor.computeMaxMessageLength(Math.min(termLength, directTermLength));
            if (0 == maxMessageLength)
            {
                maxMessageLength = aeronMax;
            }
            if (maxMessageLength < 0 || maxMessageLength > aeronMax)
            {
                throw new IllegalStateException("maxMessageLength " + maxMessageLength +
                    " not in [0, " + aeronMax + "] (term length / 8 of the smaller term)");
            }
            if (null != memberEndpoints && memberEndpoints.length != memberCount)
            {
                throw new IllegalStateException(
                    memberEndpoints.length + " memberEndpoints for " + memberCount + " members");
            }
            if (null == memberEndpoints && (basePort <= 0 || basePort + memberCount - 1 > 65535))
            {
                throw new IllegalStateException("basePort " + basePort + " leaves no room for " + memberCount + " members");
            }
            if (Mode.MULTICAST == mode && (null == multicastEndpoint || null == multicastInterface))
            {
                throw new IllegalStateException("MULTICAST needs multicastEndpoint and an explicit multicastInterface");
            }
            final int directStreamLimit = directStreamId + (Mode.IPC == mode ? memberCount : 1);
            if (broadcastStreamId >= directStreamId && broadcastStreamId < directStreamLimit)
            {
                throw new IllegalStateException("broadcastStreamId " + broadcastStreamId +
                    " collides with the direct streams [" + directStreamId + ", " + directStreamLimit + ")");
            }
            if (flowControlReceiverTimeoutNs <= 0 || offerRetryBudgetNs < 0)
            {
                throw new IllegalStateException("flowControlReceiverTimeoutNs must be > 0 and offerRetryBudgetNs >= 0");
            }
            if (timerSlackNs < 0)
            {
                throw new IllegalArgumentException("timerSlackNs must be >= 0: " + timerSlackNs);
            }
            if (null == offerIdleStrategy)
            {
                offerIdleStrategy = new BackoffIdleStrategy(10, 20, 1_000, 50_000);
            }
            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }
            concluded = true;
            return this;
        }

        private static void checkTermLength(final String name, final int length)
        {
            try
            {
                LogBufferDescriptor.checkTermLength(length);
            }
            catch (final IllegalStateException ex)
            {
                throw new IllegalStateException(name + ": " + ex.getMessage(), ex);
            }
        }

        /** Endpoint ({@code host:port}) member {@code member} receives unicast and MDC traffic on. */
        public String memberEndpoint(final int member)
        {
            return null != memberEndpoints ? memberEndpoints[member] : host + ":" + (basePort + member);
        }

        /** This member's index in [0, memberCount). */
        public Context memberIndex(final int memberIndex)
        {
            this.memberIndex = memberIndex;
            return this;
        }

        public int memberIndex()
        {
            return memberIndex;
        }

        /** Number of members, 2 to 256. */
        public Context memberCount(final int memberCount)
        {
            this.memberCount = memberCount;
            return this;
        }

        public int memberCount()
        {
            return memberCount;
        }

        /** How members reach each other. */
        public Context mode(final Mode mode)
        {
            this.mode = mode;
            return this;
        }

        public Mode mode()
        {
            return mode;
        }

        /**
         * The duty cycle of a media driver launched with {@code MediaDriverLauncher.Profile.INVOKER}: the
         * transport's own Aeron client then runs its conductor as an invoker too, and {@link Transport#poll}
         * invokes both, so one polling thread is the member's whole Aeron stack. Only with
         * {@link #aeronDirectoryName}: a client given through {@link #aeron} is the caller's to drive.
         */
        public Context driverAgentInvoker(final AgentInvoker driverAgentInvoker)
        {
            this.driverAgentInvoker = driverAgentInvoker;
            return this;
        }

        public AgentInvoker driverAgentInvoker()
        {
            return driverAgentInvoker;
        }

        /** An Aeron client to use (not closed by the transport); or set {@link #aeronDirectoryName} instead. */
        public Context aeron(final Aeron aeron)
        {
            this.aeron = aeron;
            return this;
        }

        public Aeron aeron()
        {
            return aeron;
        }

        /** Directory of the media driver to connect a client of the transport's own to (closed with it). */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /** Host of the default member endpoints; default loopback. */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        public String host()
        {
            return host;
        }

        /** Port of member 0's default endpoint; member i uses basePort + i. */
        public Context basePort(final int basePort)
        {
            this.basePort = basePort;
            return this;
        }

        public int basePort()
        {
            return basePort;
        }

        /** Explicit {@code host:port} endpoint of every member, by index; overrides host and basePort. */
        public Context memberEndpoints(final String... memberEndpoints)
        {
            this.memberEndpoints = null == memberEndpoints ? null : memberEndpoints.clone();
            return this;
        }

        public String[] memberEndpoints()
        {
            return null == memberEndpoints ? null : memberEndpoints.clone();
        }

        /** Multicast group {@code address:port} (MULTICAST mode); the address must be odd. */
        public Context multicastEndpoint(final String multicastEndpoint)
        {
            this.multicastEndpoint = multicastEndpoint;
            return this;
        }

        public String multicastEndpoint()
        {
            return multicastEndpoint;
        }

        /** Interface address multicast is sent and joined on; never leave it to the OS. */
        public Context multicastInterface(final String multicastInterface)
        {
            this.multicastInterface = multicastInterface;
            return this;
        }

        public String multicastInterface()
        {
            return multicastInterface;
        }

        /** Multicast TTL; default 0, which keeps datagrams on this host. */
        public Context multicastTtl(final int multicastTtl)
        {
            this.multicastTtl = multicastTtl;
            return this;
        }

        public int multicastTtl()
        {
            return multicastTtl;
        }

        /** Stream id of broadcasts. */
        public Context broadcastStreamId(final int broadcastStreamId)
        {
            this.broadcastStreamId = broadcastStreamId;
            return this;
        }

        public int broadcastStreamId()
        {
            return broadcastStreamId;
        }

        /** Stream id of {@code sendTo} frames; in IPC mode member i receives on this + i. */
        public Context directStreamId(final int directStreamId)
        {
            this.directStreamId = directStreamId;
            return this;
        }

        public int directStreamId()
        {
            return directStreamId;
        }

        /**
         * Term length of the broadcast publications (power of two, 64 KiB to 1 GiB): the largest frame is a
         * term / 8. Each publication and each image maps three terms (sparse: pages are used as touched).
         */
        public Context termLength(final int termLength)
        {
            this.termLength = termLength;
            return this;
        }

        public int termLength()
        {
            return termLength;
        }

        /** Term length of the per-peer {@code sendTo} publications; default the broadcast term length. */
        public Context directTermLength(final int directTermLength)
        {
            this.directTermLength = directTermLength;
            return this;
        }

        public int directTermLength()
        {
            return directTermLength;
        }

        /** MTU of the publications; 0 (default) leaves it to the driver's setting. */
        public Context mtuLength(final int mtuLength)
        {
            this.mtuLength = mtuLength;
            return this;
        }

        public int mtuLength()
        {
            return mtuLength;
        }

        /**
         * Linux timer slack in ns for the thread that runs this transport's {@link TransportAgent} (0, the default,
         * keeps the system's, usually 50 µs): every idle park of that thread lasts at least about the slack.
         */
        public Context timerSlackNs(final long timerSlackNs)
        {
            this.timerSlackNs = timerSlackNs;
            return this;
        }

        public long timerSlackNs()
        {
            return timerSlackNs;
        }

        /** Longest frame accepted; 0 (default) is the most Aeron allows, term length / 8. */
        public Context maxMessageLength(final int maxMessageLength)
        {
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        public int maxMessageLength()
        {
            return maxMessageLength;
        }

        /**
         * How long a multicast or MDC receiver may send no status message before min flow control stops holding
         * the sender back for it (a crashed member); must be well above the drivers' status message interval.
         */
        public Context flowControlReceiverTimeoutNs(final long flowControlReceiverTimeoutNs)
        {
            this.flowControlReceiverTimeoutNs = flowControlReceiverTimeoutNs;
            return this;
        }

        public long flowControlReceiverTimeoutNs()
        {
            return flowControlReceiverTimeoutNs;
        }

        /** How long one send may retry BACK_PRESSURED or ADMIN_ACTION; 0 means a single attempt. */
        public Context offerRetryBudgetNs(final long offerRetryBudgetNs)
        {
            this.offerRetryBudgetNs = offerRetryBudgetNs;
            return this;
        }

        public long offerRetryBudgetNs()
        {
            return offerRetryBudgetNs;
        }

        /** Idle strategy between retries; default a backoff parking at most 50 us. Used by the sending thread only. */
        public Context offerIdleStrategy(final IdleStrategy offerIdleStrategy)
        {
            this.offerIdleStrategy = offerIdleStrategy;
            return this;
        }

        public IdleStrategy offerIdleStrategy()
        {
            return offerIdleStrategy;
        }

        /**
         * Receives the errors of the transport's own Aeron client (driver gone, a {@link FrameHandler} that threw);
         * null (default) keeps Aeron's, which prints them. Not used with an external {@link #aeron}.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /** Clock of the retry budget. */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        public String toString()
        {
            return "Transport.Context{mode=" + mode + ", memberIndex=" + memberIndex + ", memberCount=" + memberCount +
                ", aeronDirectoryName=" + aeronDirectoryName + ", host=" + host + ", basePort=" + basePort +
                ", memberEndpoints=" + Arrays.toString(memberEndpoints) + ", multicastEndpoint=" + multicastEndpoint +
                ", multicastInterface=" + multicastInterface + ", multicastTtl=" + multicastTtl +
                ", broadcastStreamId=" + broadcastStreamId + ", directStreamId=" + directStreamId +
                ", termLength=" + termLength + ", directTermLength=" + directTermLength + ", mtuLength=" + mtuLength +
                ", maxMessageLength=" + maxMessageLength +
                ", flowControlReceiverTimeoutNs=" + flowControlReceiverTimeoutNs +
                ", offerRetryBudgetNs=" + offerRetryBudgetNs + '}';
        }
    }
}
