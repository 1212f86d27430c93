package dev.seqnet.node.ingress;

import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.codecs.client.ClientConnectDecoder;
import dev.seqnet.codecs.client.MessageHeaderDecoder;
import dev.seqnet.codecs.client.MessageHeaderEncoder;
import dev.seqnet.codecs.client.SubmitReplyEncoder;
import dev.seqnet.codecs.client.SubmitStatus;
import dev.seqnet.codecs.client.SubmitTransactionDecoder;
import dev.seqnet.codecs.client.TxFinalizedEncoder;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ringbuffer.IngressCallback;
import dev.seqnet.ringbuffer.IngressPipeline;
import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The binary client ingress: {@code SubmitTransaction} messages over Aeron into the same ingress pipeline as
 * {@code eth_sendRawTransaction}, each answered by a {@code SubmitReply} on the session's response channel
 * (seqnet-client-schema.xml, docs/RPC.md "Binary ingress"). It is for clients that send many transactions (a
 * load generator, an RPC front end forwarding its users'), which over HTTP/JSON cost a member about as much CPU
 * per transaction as recovering its sender. An Agrona {@link Agent}: with several members on a few cores it runs
 * in the transport thread's duty cycle, so a submit is read, checked and sequenced without waking another thread.
 * <p>
 * A session is one client publication (one Aeron image): its {@code ClientConnect} names a UDP unicast endpoint
 * (an IP literal), the member adds an exclusive publication to it without blocking, and answers {@code CONNECTED}
 * once it is connected; submits before that are dropped. The pipeline answers each submit on its sequencer thread,
 * which may be another thread, so answers go through a many-to-one ring that this agent drains into the sessions'
 * publications. Each block that finalizes a session's admitted transactions is told to that session as a
 * {@code TxFinalized} notice with their correlation ids ({@link FinalityNotices}; {@link #finalityListener()} must be
 * given the node's committed blocks), so a client learns finality on the session it submitted on. Every offer result is handled: a back-pressured reply is dropped and counted (a client that does
 * not keep up loses its own replies, never holds up another's); bad input (a malformed or over-long frame, a
 * submit without a session, an oversized transaction, a channel that is not a unicast IP endpoint, a session over
 * the limit) is a counted drop or a refusal, never an exception. The ingress does not authenticate clients: expose
 * it only to trusted ones (docs/RPC.md).
 */
public final class ClientIngress implements Agent, AutoCloseable
{
    /** The reply ring's message types. */
    private static final int REPLY_MSG = 1;
    private static final int NOTICE_MSG = 2;
    /**
     * Notice record: slot (4), generation (4), height (8), count (4), 4 unused, block hash (32), correlation ids (8
     * each), so that every long is 8-aligned (records start 8-aligned).
     */
    private static final int NOTICE_HEIGHT_OFFSET = 8;
    private static final int NOTICE_COUNT_OFFSET = 16;
    private static final int NOTICE_HASH_OFFSET = 24;
    private static final int NOTICE_IDS_OFFSET = 56;
    /** The first client schema version that has {@code TxFinalized}: older sessions get no notices. */
    private static final int NOTICES_SINCE_VERSION = 2;
    /** Reply record: slot (4), generation (4), correlationId (8), status (1), hash (32), reason length (4), reason. */
    private static final int SLOT_OFFSET = 0;
    private static final int GENERATION_OFFSET = 4;
    private static final int CORRELATION_OFFSET = 8;
    private static final int STATUS_OFFSET = 16;
    private static final int HASH_OFFSET = 17;
    private static final int REASON_LENGTH_OFFSET = 49;
    private static final int REASON_OFFSET = 53;
    /** Longest reason kept, in bytes: longer ones are cut (the clients' reasons are TxRejection messages). */
    public static final int MAX_REASON_LENGTH = 256;
    /** Longest response channel accepted. */
    public static final int MAX_CHANNEL_LENGTH = 256;
    private static final byte[] NO_HASH = new byte[32];
    private static final UnsafeBuffer NO_BYTES = new UnsafeBuffer(NO_HASH);
    /**
     * Largest client message reassembled: a SubmitTransaction with a 128 KiB transaction, and 1 KiB more so that a
     * transaction a little over the limit still gets its refusal. Longer messages are dropped as malformed.
     */
    static final int MAX_MESSAGE_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH + SubmitTransactionDecoder.BLOCK_LENGTH + 4 +
        ChainConstants.MAX_TX_SIZE + 1024;

    private final Context ctx;
    private final Aeron aeron;
    private final IngressPipeline pipeline;
    private final NanoClock clock;
    private final ClientIngressCounters counters = new ClientIngressCounters();
    private final Subscription subscription;
    private final CappedAssembler assembler;
    private final Int2ObjectHashMap<Session> sessionsByImage = new Int2ObjectHashMap<>();
    private final Session[] slots;
    private final ManyToOneRingBuffer replies;
    private final ManyToOneConcurrentLinkedQueue<Integer> goneImages = new ManyToOneConcurrentLinkedQueue<>();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ClientConnectDecoder connectDecoder = new ClientConnectDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SubmitReplyEncoder replyEncoder = new SubmitReplyEncoder();
    private final TxFinalizedEncoder noticeEncoder = new TxFinalizedEncoder();
    /** Holds the longest message sent: a SubmitReply with the longest reason, or a notice with the most ids. */
    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(
        MessageHeaderEncoder.ENCODED_LENGTH + SubmitReplyEncoder.BLOCK_LENGTH + 4 + MAX_REASON_LENGTH,
        MessageHeaderEncoder.ENCODED_LENGTH + TxFinalizedEncoder.BLOCK_LENGTH +
            TxFinalizedEncoder.TransactionsEncoder.sbeHeaderSize() +
            FinalityNotices.MAX_IDS_PER_NOTICE * TxFinalizedEncoder.TransactionsEncoder.sbeBlockLength())));
    /** Sequencer thread only (admissions and committed blocks); null when notices are off. */
    private final FinalityNotices notices;
    private final FinalityNotices.Sink noticeSink = this::enqueueNotice;
    private final ChainView.BlockListener finalityListener = this::onBlock;
    private final ControlledMessageHandler replyHandler = this::onReply;
    private int pendingSessions;
    private int generations;
    private boolean closed;

    /**
     * Subscribes to {@link Context#channel()} on {@code aeron}; nothing is read until {@link #doWork()}.
     *
     * @param aeron    the client to use, not closed here; its conductor must run (the transport's poll runs it, or
     *                 {@link Context#conductorInvoker()}).
     * @param pipeline where submits go.
     */
    public ClientIngress(final Context ctx, final Aeron aeron, final IngressPipeline pipeline)
    {
        this.ctx = ctx.conclude();
        this.aeron = Objects.requireNonNull(aeron, "aeron");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.clock = ctx.nanoClock();
        this.assembler = new CappedAssembler(this::onFragment, MAX_MESSAGE_LENGTH, counters.malformed::incrementAndGet);
        this.slots = new Session[ctx.maxSessions()];
        this.replies = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ctx.replyQueueBytes() + RingBufferDescriptor.TRAILER_LENGTH)));
        this.notices = ctx.finalityTracked() > 0 ? new FinalityNotices(ctx.finalityTracked()) : null;
        this.subscription = aeron.addSubscription(ctx.channel(), ctx.streamId(), null,
            image -> goneImages.offer(image.sessionId()));
    }

    /**
     * What the node's {@link ChainView} must tell about each committed block, on the sequencer thread (the thread
     * that admits transactions), for the sessions' {@code TxFinalized} notices.
     */
    public ChainView.BlockListener finalityListener()
    {
        return finalityListener;
    }

    public ClientIngressCounters counters()
    {
        return counters;
    }

    /** Sets this thread's timer slack when the context asks (its own thread, in a one-member node). */
    @Override
    public void onStart()
    {
        if (ctx.timerSlackNs() > 0)
        {
            dev.seqnet.transport.ThreadTimerSlack.apply(ctx.timerSlackNs());
        }
    }

    @Override
    public String roleName()
    {
        return "client-ingress";
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (null != ctx.driverInvoker())
        {
            work += ctx.driverInvoker().invoke();
        }
        if (null != ctx.conductorInvoker())
        {
            work += ctx.conductorInvoker().invoke();
        }
        work += subscription.poll(assembler, ctx.fragmentLimit());
        Integer gone;
        while (null != (gone = goneImages.poll()))
        {
            assembler.freeSession(gone.intValue());
            closeSession(sessionsByImage.get(gone.intValue()));
            work++;
        }
        if (pendingSessions > 0)
        {
            work += connectPending();
        }
        work += replies.controlledRead(replyHandler, ctx.replyLimit());
        return work;
    }

    @Override
    public void onClose()
    {
        close();
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Session session : slots)
        {
            if (null != session)
            {
                closeSession(session);
            }
        }
        if (!aeron.isClosed())
        {
            CloseHelper.quietClose(subscription);
        }
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        counters.frames.incrementAndGet();
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            counters.malformed.incrementAndGet();
            return;
        }
        headerDecoder.wrap(buffer, offset);
        // Version 2 only added a message the member sends, so version 1 clients are served unchanged.
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID || headerDecoder.version() < 1 ||
            headerDecoder.version() > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            counters.malformed.incrementAndGet();
            return;
        }
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int end = offset + length;
        switch (headerDecoder.templateId())
        {
            case ClientConnectDecoder.TEMPLATE_ID:
                onConnect(buffer, body, end, header.sessionId(), headerDecoder.version());
                break;
            case SubmitTransactionDecoder.TEMPLATE_ID:
                onSubmit(buffer, body, end, header.sessionId());
                break;
            default:
                counters.malformed.incrementAndGet();
        }
    }

    private void onConnect(
        final DirectBuffer buffer, final int body, final int end, final int imageSessionId, final int clientVersion)
    {
        // Bounds first: a var-data length must lie inside the frame before anything is read through it.
        final int lengthAt = body + ClientConnectDecoder.BLOCK_LENGTH;
        if (lengthAt + 4 > end)
        {
            counters.malformed.incrementAndGet();
            return;
        }
        final long channelLength = buffer.getInt(lengthAt, ClientConnectDecoder.BYTE_ORDER) & 0xFFFF_FFFFL;
        if (channelLength > MAX_CHANNEL_LENGTH || lengthAt + 4 + channelLength > end)
        {
            counters.badChannel.incrementAndGet();
            return;
        }
        connectDecoder.wrap(buffer, body, ClientConnectDecoder.BLOCK_LENGTH, ClientConnectDecoder.SCHEMA_VERSION);
        final long correlationId = connectDecoder.correlationId();
        final int streamId = connectDecoder.responseStreamId();
        final String channel = responseChannel(connectDecoder.responseChannel(), ctx.responseTermLength());
        if (null == channel)
        {
            counters.badChannel.incrementAndGet();
            return;
        }
        final Session existing = sessionsByImage.get(imageSessionId);
        if (null != existing && !existing.replied)
        {
            counters.connectsIgnored.incrementAndGet(); // one publication at a time per client, however often it asks
            return;
        }
        closeSession(existing); // a connect on an open session replaces it (a client that lost its CONNECTED)
        int slot = -1;
        for (int i = 0; i < slots.length; i++)
        {
            if (null == slots[i])
            {
                slot = i;
                break;
            }
        }
        if (slot < 0)
        {
            counters.sessionsRefused.incrementAndGet();
            return;
        }
        // Answered in the client's own schema version; only a client of version 2 or later knows TxFinalized.
        final Session session = new Session(imageSessionId, slot, ++generations, correlationId, clientVersion);
        try
        {
            session.registrationId = aeron.asyncAddExclusivePublication(channel, streamId);
        }
        catch (final RuntimeException e)
        {
            counters.badChannel.incrementAndGet();
            return;
        }
        session.connectDeadlineNs = clock.nanoTime() + ctx.connectTimeoutNs();
        slots[slot] = session;
        sessionsByImage.put(imageSessionId, session);
        pendingSessions++;
        counters.connects.incrementAndGet();
    }

    /**
     * The channel to answer a client on: a fresh URI with only the client's {@code endpoint} and this member's term
     * length (a client does not get to size the member's buffers or set any other parameter), or null unless the
     * request is {@code aeron:udp} with an endpoint that is a unicast IP literal. A host name is refused: resolving
     * it would block the thread that runs the media driver, which on a network member is the consensus thread.
     */
    static String responseChannel(final String requested, final int termLength)
    {
        try
        {
            final ChannelUri uri = ChannelUri.parse(requested);
            final String endpoint = uri.get(CommonContext.ENDPOINT_PARAM_NAME);
            if (!CommonContext.UDP_MEDIA.equals(uri.media()) || null == endpoint)
            {
                return null;
            }
            final int colon = endpoint.lastIndexOf(':');
            if (colon <= 0)
            {
                return null;
            }
            final String host = endpoint.substring(0, colon);
            final int port = Integer.parseInt(endpoint.substring(colon + 1));
            final boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            final boolean v6 = host.startsWith("[") && host.endsWith("]") && host.matches("\\[[0-9A-Fa-f:.]+\\]");
            if (port < 1 || port > 65535 || !(v4 || v6))
            {
                return null;
            }
            // A literal: no name lookup happens here.
            final java.net.InetAddress address = java.net.InetAddress.getByName(v6 ? host.substring(1, host.length() - 1) : host);
            if (address.isMulticastAddress() || address.isAnyLocalAddress())
            {
                return null;
            }
            return "aeron:udp?endpoint=" + endpoint + "|term-length=" + termLength;
        }
        catch (final RuntimeException | java.net.UnknownHostException e)
        {
            return null;
        }
    }

    private void onSubmit(final DirectBuffer buffer, final int body, final int end, final int imageSessionId)
    {
        final Session session = sessionsByImage.get(imageSessionId);
        if (null == session || !session.replied)
        {
            counters.noSession.incrementAndGet(); // no connect yet, or not yet CONNECTED: nowhere to answer
            return;
        }
        final int lengthAt = body + SubmitTransactionDecoder.BLOCK_LENGTH;
        if (lengthAt + 4 > end)
        {
            counters.malformed.incrementAndGet();
            return;
        }
        final long correlationId = buffer.getLong(body, SubmitTransactionDecoder.BYTE_ORDER);
        final long rawLength = buffer.getInt(lengthAt, SubmitTransactionDecoder.BYTE_ORDER) & 0xFFFF_FFFFL;
        if (lengthAt + 4 + rawLength > end)
        {
            counters.malformed.incrementAndGet();
            enqueue(session.slot, session.generation, correlationId, SubmitStatus.REJECTED, NO_HASH,
                TxRejection.MALFORMED_RLP.message());
            return;
        }
        counters.submits.incrementAndGet();
        if (rawLength > ChainConstants.MAX_TX_SIZE)
        {
            enqueue(session.slot, session.generation, correlationId, SubmitStatus.REJECTED, NO_HASH,
                TxRejection.OVERSIZED.message());
            return;
        }
        // The raw bytes are kept by the mempool with the transaction: one array per transaction is inherent,
        // as is the answer's small callback (the RPC path makes a future and a JSON tree instead).
        final byte[] raw = new byte[(int)rawLength];
        buffer.getBytes(lengthAt + 4, raw);
        final Pending pending = new Pending(this, session.slot, session.generation, correlationId,
            session.clientVersion >= NOTICES_SINCE_VERSION);
        if (!pipeline.submit(raw, pending))
        {
            enqueue(session.slot, session.generation, correlationId, SubmitStatus.OVERLOADED, NO_HASH,
                TxRejection.OVERLOADED.message());
        }
    }

    /**
     * Queues a reply for the agent to send. Called by this agent and by the pipeline's sequencer thread; a full
     * queue is a counted drop (the client's request then times out, as a lost HTTP reply would).
     */
    void enqueue(
        final int slot, final int generation, final long correlationId, final SubmitStatus status, final byte[] hash,
        final String reason)
    {
        final int reasonLength = null == reason ? 0 : Math.min(reason.length(), MAX_REASON_LENGTH);
        final int index = claim(REPLY_MSG, REASON_OFFSET + reasonLength, slot, generation, counters.repliesDropped);
        if (index <= 0)
        {
            return;
        }
        final MutableDirectBuffer buffer = replies.buffer();
        buffer.putLong(index + CORRELATION_OFFSET, correlationId);
        buffer.putByte(index + STATUS_OFFSET, (byte)status.value());
        buffer.putBytes(index + HASH_OFFSET, hash, 0, 32);
        buffer.putInt(index + REASON_LENGTH_OFFSET, reasonLength);
        for (int i = 0; i < reasonLength; i++)
        {
            final char c = reason.charAt(i);
            buffer.putByte(index + REASON_OFFSET + i, (byte)(c < 0x80 ? c : '?'));
        }
        replies.commit(index);
    }

    /**
     * Claims a record of the reply queue for session {@code slot} of {@code generation} and writes those two; a full
     * queue is counted in {@code dropped}.
     *
     * @return the record's index, or 0 or less when the queue is full.
     */
    private int claim(
        final int msgTypeId, final int length, final int slot, final int generation, final AtomicLong dropped)
    {
        final int index = replies.tryClaim(msgTypeId, length);
        if (index <= 0)
        {
            dropped.incrementAndGet();
            return index;
        }
        replies.buffer().putInt(index + SLOT_OFFSET, slot);
        replies.buffer().putInt(index + GENERATION_OFFSET, generation);
        return index;
    }

    /**
     * Queues one {@code TxFinalized} notice: called on the sequencer thread by {@link FinalityNotices} for each
     * session with transactions in a committed block. A full queue is a counted drop (the client can still ask for
     * the receipt).
     */
    private void enqueueNotice(
        final int slot, final int generation, final long height, final byte[] blockHash, final long[] ids,
        final int offset, final int count)
    {
        final int index = claim(NOTICE_MSG, NOTICE_IDS_OFFSET + count * 8, slot, generation, counters.noticesDropped);
        if (index <= 0)
        {
            return;
        }
        final MutableDirectBuffer buffer = replies.buffer();
        buffer.putLong(index + NOTICE_HEIGHT_OFFSET, height);
        buffer.putBytes(index + NOTICE_HASH_OFFSET, blockHash, 0, 32);
        buffer.putInt(index + NOTICE_COUNT_OFFSET, count);
        for (int i = 0; i < count; i++)
        {
            buffer.putLong(index + NOTICE_IDS_OFFSET + i * 8, ids[offset + i]);
        }
        replies.commit(index);
    }

    /** Encodes and offers a queued notice; the same back-pressure rules as a reply ({@link #offerReply}). */
    private ControlledMessageHandler.Action offerNotice(final Session session, final MutableDirectBuffer source, final int index)
    {
        final int count = source.getInt(index + NOTICE_COUNT_OFFSET);
        final TxFinalizedEncoder.TransactionsEncoder txs = noticeEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .height(source.getLong(index + NOTICE_HEIGHT_OFFSET))
            .putBlockHash(source, index + NOTICE_HASH_OFFSET, 32)
            .transactionsCount(count);
        for (int i = 0; i < count; i++)
        {
            txs.next().correlationId(source.getLong(index + NOTICE_IDS_OFFSET + i * 8));
        }
        return offer(session, MessageHeaderEncoder.ENCODED_LENGTH + noticeEncoder.encodedLength(), counters.notices,
            counters.noticesDropped) ? ControlledMessageHandler.Action.CONTINUE : ControlledMessageHandler.Action.ABORT;
    }

    /** {@link #finalityListener()}: on the sequencer thread. */
    private void onBlock(final L2Block block, final List<EthTransaction> txs)
    {
        if (null != notices)
        {
            notices.onBlock(block, txs, noticeSink);
        }
    }

    private ControlledMessageHandler.Action onReply(
        final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int slot = buffer.getInt(index + SLOT_OFFSET);
        final Session session = slot >= 0 && slot < slots.length ? slots[slot] : null;
        if (null == session || session.generation != buffer.getInt(index + GENERATION_OFFSET) || null == session.publication)
        {
            // the session closed meanwhile
            (msgTypeId == NOTICE_MSG ? counters.noticesDropped : counters.repliesDropped).incrementAndGet();
            return ControlledMessageHandler.Action.CONTINUE;
        }
        if (msgTypeId == NOTICE_MSG)
        {
            return offerNotice(session, buffer, index);
        }
        final int replyLength = encodeReply(session.clientVersion, buffer.getLong(index + CORRELATION_OFFSET),
            SubmitStatus.get(buffer.getByte(index + STATUS_OFFSET)), buffer, index + HASH_OFFSET,
            index + REASON_OFFSET, buffer.getInt(index + REASON_LENGTH_OFFSET));
        return offerReply(session, replyLength) ?
            ControlledMessageHandler.Action.CONTINUE : ControlledMessageHandler.Action.ABORT;
    }

    /**
     * Encodes a {@code SubmitReply} into {@link #replyBuffer}: the hash's 32 bytes at {@code hashAt} and the reason's
     * {@code reasonLength} bytes at {@code reasonAt}, both in {@code source}.
     *
     * @return the encoded length, header included.
     */
    private int encodeReply(
        final int clientVersion, final long correlationId, final SubmitStatus status, final DirectBuffer source,
        final int hashAt, final int reasonAt, final int reasonLength)
    {
        replyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder);
        headerEncoder.version(clientVersion); // SubmitReply is the same in every version so far
        replyEncoder
            .correlationId(correlationId)
            .status(status)
            .putTxHash(source, hashAt, 32)
            .putReason(source, reasonAt, reasonLength);
        return MessageHeaderEncoder.ENCODED_LENGTH + replyEncoder.encodedLength();
    }

    /**
     * Offers one reply. A back-pressured reply is dropped and counted at once: a client that does not keep up with
     * its replies loses them, rather than holding up every other client's (the queue is shared).
     *
     * @return false to stop draining and retry this reply on the next duty cycle (ADMIN_ACTION only).
     */
    private boolean offerReply(final Session session, final int length)
    {
        return offer(session, length, counters.replies, counters.repliesDropped);
    }

    /** {@link #offerReply} for any message in {@link #replyBuffer}, counted as {@code sent} or {@code dropped}. */
    private boolean offer(
        final Session session, final int length, final AtomicLong sent,
        final AtomicLong dropped)
    {
        final long result = session.publication.offer(replyBuffer, 0, length);
        if (result > 0)
        {
            sent.incrementAndGet();
            return true;
        }
        if (result == Publication.ADMIN_ACTION)
        {
            counters.replyRetries.incrementAndGet();
            return false;
        }
        dropped.incrementAndGet();
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
        {
            closeSession(session);
        }
        return true; // BACK_PRESSURED, or NOT_CONNECTED (the client's response subscription is gone; its image going closes the session)
    }

    private int connectPending()
    {
        int work = 0;
        final long now = clock.nanoTime();
        for (final Session session : slots)
        {
            if (null == session || session.replied)
            {
                continue;
            }
            if (null == session.publication)
            {
                try
                {
                    session.publication = aeron.getExclusivePublication(session.registrationId);
                }
                catch (final RegistrationException e)
                {
                    counters.badChannel.incrementAndGet();
                    closeSession(session);
                    work++;
                    continue;
                }
            }
            if (null != session.publication && session.publication.isConnected())
            {
                final long result = session.publication.offer(
                    replyBuffer, 0, encodeReply(session.clientVersion, session.connectCorrelationId, SubmitStatus.CONNECTED, NO_BYTES, 0, 0, 0));
                if (result > 0)
                {
                    session.replied = true;
                    pendingSessions--;
                    counters.sessionsOpened.incrementAndGet();
                    counters.replies.incrementAndGet();
                    work++;
                    continue;
                }
            }
            if (now - session.connectDeadlineNs > 0)
            {
                counters.connectTimeouts.incrementAndGet(); // nobody listens on the response channel
                closeSession(session);
                work++;
            }
        }
        return work;
    }

    private void closeSession(final Session session)
    {
        if (null == session || slots[session.slot] != session)
        {
            return;
        }
        slots[session.slot] = null;
        sessionsByImage.remove(session.imageSessionId);
        if (!session.replied)
        {
            pendingSessions--;
        }
        if (null != session.publication)
        {
            CloseHelper.quietClose(session.publication);
        }
        else if (Aeron.NULL_VALUE != session.registrationId && !aeron.isClosed())
        {
            try
            {
                aeron.asyncRemovePublication(session.registrationId);
            }
            catch (final RuntimeException ignore)
            {
                // the registration failed or is already gone: nothing to remove
            }
        }
        counters.sessionsClosed.incrementAndGet();
    }

    /** One client: its image on the ingress subscription and its response publication. Agent thread only. */
    private static final class Session
    {
        final int imageSessionId;
        final int slot;
        final int generation;
        final long connectCorrelationId;
        /** The schema version of the client's connect: its replies carry it, and notices go only from version 2. */
        final int clientVersion;
        long registrationId = Aeron.NULL_VALUE;
        ExclusivePublication publication;
        boolean replied;
        long connectDeadlineNs;

        Session(
            final int imageSessionId, final int slot, final int generation, final long connectCorrelationId,
            final int clientVersion)
        {
            this.clientVersion = clientVersion;
            this.imageSessionId = imageSessionId;
            this.slot = slot;
            this.generation = generation;
            this.connectCorrelationId = connectCorrelationId;
        }
    }

    /** The pipeline's answer for one submit, turned into a queued reply (runs on the sequencer thread). */
    private static final class Pending implements IngressCallback
    {
        private final ClientIngress ingress;
        private final int slot;
        private final int generation;
        private final long correlationId;
        private final boolean notify;

        Pending(
            final ClientIngress ingress, final int slot, final int generation, final long correlationId,
            final boolean notify)
        {
            this.notify = notify;
            this.ingress = ingress;
            this.slot = slot;
            this.generation = generation;
            this.correlationId = correlationId;
        }

        @Override
        public void onAdmitted(final EthTransaction tx)
        {
            ingress.enqueue(slot, generation, correlationId, SubmitStatus.ADMITTED, tx.hash(), null);
            final FinalityNotices notices = ingress.notices;
            if (notify && null != notices)
            {
                notices.track(tx.hash(), slot, generation, correlationId);
                ingress.counters.noticesUntracked.lazySet(notices.untracked());
            }
        }

        @Override
        public void onRejected(final TxRejection reason, final String detail)
        {
            ingress.enqueue(slot, generation, correlationId,
                reason == TxRejection.OVERLOADED ? SubmitStatus.OVERLOADED : SubmitStatus.REJECTED, NO_HASH,
                reason.message(detail));
        }
    }

    /** Where the ingress listens and its limits; fluent setters, checked by {@link #conclude()}. */
    public static final class Context
    {
        /** Default stream id of the ingress subscription. */
        public static final int DEFAULT_STREAM_ID = 3001;
        /** Default most sessions at once. */
        public static final int DEFAULT_MAX_SESSIONS = 64;
        /** Default reply queue: 1 MiB, about 12,000 admitted replies. */
        public static final int DEFAULT_REPLY_QUEUE_BYTES = 1024 * 1024;
        /**
         * Smallest reply queue: Agrona's ring takes records up to an eighth of its capacity, and the longest record, a
         * notice of 160 ids (1,336 bytes and an 8-byte header), must fit.
         */
        public static final int MIN_REPLY_QUEUE_BYTES = 16 * 1024;

        /** Default most admitted transactions per table waiting for their {@code TxFinalized} notice (two tables). */
        public static final int DEFAULT_FINALITY_TRACKED = 16_384;

        /** Default term of a session's response publication: 256 KiB, about 2,500 replies; three terms per session. */
        public static final int DEFAULT_RESPONSE_TERM_LENGTH = 256 * 1024;

        private String channel;
        private int streamId = DEFAULT_STREAM_ID;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private int replyQueueBytes = DEFAULT_REPLY_QUEUE_BYTES;
        private int fragmentLimit = 64;
        private int replyLimit = 256;
        private long connectTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        private int responseTermLength = DEFAULT_RESPONSE_TERM_LENGTH;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private AgentInvoker driverInvoker;
        private AgentInvoker conductorInvoker;
        private long timerSlackNs;
        private int finalityTracked = DEFAULT_FINALITY_TRACKED;

        Context conclude()
        {
            if (null == channel || !channel.startsWith("aeron:"))
            {
                throw new IllegalArgumentException("client ingress needs an aeron: channel, got " + channel);
            }
            if (Integer.bitCount(responseTermLength) != 1 || responseTermLength < 64 * 1024 ||
                responseTermLength > 16 * 1024 * 1024)
            {
                throw new IllegalArgumentException("client ingress: responseTermLength must be a power of two in [64 KiB, 16 MiB]");
            }
            if (maxSessions < 1 || Integer.bitCount(replyQueueBytes) != 1 || replyQueueBytes < MIN_REPLY_QUEUE_BYTES ||
                fragmentLimit < 1 || replyLimit < 1)
            {
                throw new IllegalArgumentException("client ingress: maxSessions, fragmentLimit and replyLimit must be " +
                    "positive and replyQueueBytes a power of two of at least " + MIN_REPLY_QUEUE_BYTES);
            }
            if (finalityTracked < 0 || finalityTracked > 1 << 24)
            {
                throw new IllegalArgumentException("client ingress: finalityTracked must be in [0, 2^24], got " + finalityTracked);
            }
            return this;
        }

        /**
         * How many admitted transactions wait for their {@code TxFinalized} notice, per table (two tables, each of
         * the next power of two at or above 2 × this many 48-byte slots: 96 bytes per tracked transaction for a power
         * of two, up to twice that otherwise): when that many are waiting, those admitted before the previous turn get
         * no notice ({@code client.noticesUntracked}). 0 turns notices off.
         */
        public Context finalityTracked(final int finalityTracked)
        {
            this.finalityTracked = finalityTracked;
            return this;
        }

        public int finalityTracked()
        {
            return finalityTracked;
        }

        /** The channel clients publish to, e.g. {@code aeron:udp?endpoint=127.0.0.1:40700}. */
        public Context channel(final String channel)
        {
            this.channel = channel;
            return this;
        }

        public String channel()
        {
            return channel;
        }

        public Context streamId(final int streamId)
        {
            this.streamId = streamId;
            return this;
        }

        public int streamId()
        {
            return streamId;
        }

        /** Most sessions at once; a connect over it is refused (counted). */
        public Context maxSessions(final int maxSessions)
        {
            this.maxSessions = maxSessions;
            return this;
        }

        public int maxSessions()
        {
            return maxSessions;
        }

        /** Bytes of the queue between the pipeline's answers and the sessions' publications; a power of two. */
        public Context replyQueueBytes(final int replyQueueBytes)
        {
            this.replyQueueBytes = replyQueueBytes;
            return this;
        }

        public int replyQueueBytes()
        {
            return replyQueueBytes;
        }

        public Context fragmentLimit(final int fragmentLimit)
        {
            this.fragmentLimit = fragmentLimit;
            return this;
        }

        public int fragmentLimit()
        {
            return fragmentLimit;
        }

        /** Most replies sent per duty cycle. */
        public Context replyLimit(final int replyLimit)
        {
            this.replyLimit = replyLimit;
            return this;
        }

        public int replyLimit()
        {
            return replyLimit;
        }

        /** How long a new session's response publication may take to connect before the session is closed. */
        public Context connectTimeoutNs(final long connectTimeoutNs)
        {
            this.connectTimeoutNs = connectTimeoutNs;
            return this;
        }

        public long connectTimeoutNs()
        {
            return connectTimeoutNs;
        }

        /** Term length of each session's response publication, a power of two in [64 KiB, 16 MiB]. */
        public Context responseTermLength(final int responseTermLength)
        {
            this.responseTermLength = responseTermLength;
            return this;
        }

        public int responseTermLength()
        {
            return responseTermLength;
        }

        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /** Linux timer slack for the thread that runs this agent, set in {@link #onStart()}; 0 (default) leaves it. */
        public Context timerSlackNs(final long timerSlackNs)
        {
            this.timerSlackNs = timerSlackNs;
            return this;
        }

        public long timerSlackNs()
        {
            return timerSlackNs;
        }

        /** A media driver to run in this agent's duty cycle: set when no transport runs it (a one-member node). */
        public Context driverInvoker(final AgentInvoker driverInvoker)
        {
            this.driverInvoker = driverInvoker;
            return this;
        }

        public AgentInvoker driverInvoker()
        {
            return driverInvoker;
        }

        /** The Aeron client's conductor to run in this agent's duty cycle, when the client uses an invoker. */
        public Context conductorInvoker(final AgentInvoker conductorInvoker)
        {
            this.conductorInvoker = conductorInvoker;
            return this;
        }

        public AgentInvoker conductorInvoker()
        {
            return conductorInvoker;
        }
    }
}
