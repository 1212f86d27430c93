package dev.seqnet.node.bench;

import dev.seqnet.codecs.client.ClientConnectEncoder;
import dev.seqnet.codecs.client.MessageHeaderDecoder;
import dev.seqnet.codecs.client.MessageHeaderEncoder;
import dev.seqnet.codecs.client.SubmitReplyDecoder;
import dev.seqnet.codecs.client.SubmitStatus;
import dev.seqnet.codecs.client.SubmitTransactionEncoder;
import dev.seqnet.codecs.client.TxFinalizedDecoder;
import dev.seqnet.transport.LoopbackPorts;
import dev.seqnet.transport.MediaDriverLauncher;
import dev.seqnet.transport.ThreadTimerSlack;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the bench's transactions over the members' binary client ingress (Aeron UDP, seqnet-client-schema.xml)
 * instead of JSON-RPC: one {@code SubmitTransaction} per transaction, answered by a {@code SubmitReply} on this
 * sender's response channel, and followed by a {@code TxFinalized} notice on the same channel when a block finalizes
 * it (the {@link FinalityFeed} this sender also is). It runs its own media driver and Aeron client, both invoked by its
 * one loop thread, which also sends on the run's schedule ({@link #pace}: it wakes for each due send itself), runs
 * the tasks and timers of the {@link AccountPacer} and tells the feed's listener; {@link #onLoop} wakes it at once.
 */
final class AeronSender implements TxSender, FinalityFeed
{
    /** A reply's correlation id for the connect of target {@code t} is {@code CONNECT_BASE + t}. */
    private static final long CONNECT_BASE = Long.MIN_VALUE;
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** How long a back-pressured submit is retried (running the driver meanwhile) before it is reported failed. */
    private static final long OFFER_BUDGET_NS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int RESPONSE_STREAM_ID = 1;
    /** A submit not answered in this long is reported failed (and sent again by the pacer), as a lost HTTP reply would be. */
    static final long REPLY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    /** Where a correlation id keeps its epoch (bits 56-62), so that answers and notices of an earlier run are told apart. */
    private static final int EPOCH_SHIFT = 56;
    private static final int EPOCH_MASK = 0x7F;
    /** The loop's longest idle park; a send due sooner is slept to exactly ({@link #pace}). */
    private static final long MAX_IDLE_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);
    /** The submit publications' term: the largest message, a 128 KiB transaction, must fit in a term / 8. */
    private static final String TERM = "|term-length=2m";

    private final MediaDriverLauncher driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker conductorInvoker;
    private final ExclusivePublication[] publications;
    private final boolean[] excluded;
    private final boolean[] connected;
    private final Subscription responses;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onReply);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SubmitReplyDecoder replyDecoder = new SubmitReplyDecoder();
    private final TxFinalizedDecoder noticeDecoder = new TxFinalizedDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SubmitTransactionEncoder submitEncoder = new SubmitTransactionEncoder();
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(256 * 1024));
    private final byte[] reasonBytes = new byte[1024];
    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), MAX_IDLE_PARK_NS);
    private final Thread loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable loopFailure;
    private Replies replies;
    /**
     * Loop thread only: the current epoch, in every correlation id sent (a new one for each followed load and each paced
     * run), and whom to tell of finality.
     */
    private int epoch;
    private FinalityFeed.Listener finalityListener;
    /** Loop thread only: the schedule this loop sends on ({@link #pace}), and when its next send is due. */
    private Schedule schedule;
    private long nextDueNs;
    private long timerSeq;
    private final long replyTimeoutNs;
    /**
     * Loop thread only: each unanswered submit's attempt and target ({@code attempt << 8 | target}), and its send time
     * (to tell a resend from the first send). A reply names the attempt it answers, so a late answer to an attempt
     * already reported failed is not taken for the next attempt's.
     */
    private final Int2IntHashMap inflightTarget = new Int2IntHashMap(-1);
    private final Long2LongHashMap inflightSentNs = new Long2LongHashMap(-1);
    /** Unanswered submits in send order, as (send time, index) pairs, for the reply timeout. */
    private final ArrayDeque<long[]> inflightOrder = new ArrayDeque<>();

    /**
     * Starts the driver, the client and the loop thread, connects to every {@code host:port} ingress endpoint and
     * waits until each has answered CONNECTED.
     *
     * @throws IOException when a member does not answer within 10 s.
     */
    AeronSender(final List<String> endpoints, final int streamId) throws IOException
    {
        this(endpoints, streamId, REPLY_TIMEOUT_NS);
    }

    AeronSender(final List<String> endpoints, final int streamId, final long replyTimeoutNs) throws IOException
    {
        this.replyTimeoutNs = replyTimeoutNs;
        driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context()
            .aeronDirectoryName(MediaDriverLauncher.Context.uniqueDirectoryName("seqnet-bench-client"))
            .profile(MediaDriverLauncher.Profile.INVOKER)
            .termBufferLength(2 * 1024 * 1024));
        final String responseChannel;
        try
        {
            driverInvoker = driver.agentInvoker();
            aeron = driver.connectInvokedClient();
            conductorInvoker = aeron.conductorAgentInvoker();
            responseChannel = "aeron:udp?endpoint=127.0.0.1:" + LoopbackPorts.freeUdpPorts(1)[0] + "|term-length=256k";
            responses = aeron.addSubscription(responseChannel, RESPONSE_STREAM_ID);
            publications = new ExclusivePublication[endpoints.size()];
            excluded = new boolean[endpoints.size()];
            connected = new boolean[endpoints.size()];
            for (int t = 0; t < publications.length; t++)
            {
                publications[t] = aeron.addExclusivePublication("aeron:udp?endpoint=" + endpoints.get(t) + TERM, streamId);
            }
        }
        catch (final RuntimeException e)
        {
            close(); // whatever was started (fields not yet set are null)
            throw e;
        }
        try
        {
            connectAll(endpoints, responseChannel);
        }
        catch (final RuntimeException e)
        {
            close();
            throw e;
        }
        loop = new Thread(this::run, "bench-aeron-sender");
        loop.setDaemon(true);
        loop.start();
    }

    /** On the constructing thread, before the loop starts: the driver and client are invoked here meanwhile. */
    private void connectAll(final List<String> endpoints, final String responseChannel) throws IOException
    {
        final long deadline = System.nanoTime() + CONNECT_TIMEOUT_NS;
        final boolean[] sent = new boolean[publications.length];
        final ClientConnectEncoder connect = new ClientConnectEncoder();
        int open = 0;
        while (open < publications.length)
        {
            if (System.nanoTime() - deadline > 0)
            {
                close();
                throw new IOException("binary ingress: no CONNECTED from " + unconnected(endpoints) + " within 10 s " +
                    "(is client_ingress.channel set on the members?)");
            }
            int work = invokeAeron();
            for (int t = 0; t < publications.length; t++)
            {
                if (!sent[t] && publications[t].isConnected())
                {
                    connect.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
                        .correlationId(CONNECT_BASE + t)
                        .responseStreamId(RESPONSE_STREAM_ID)
                        .responseChannel(responseChannel);
                    sent[t] = publications[t].offer(sendBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength()) > 0;
                    work++;
                }
            }
            work += responses.poll(assembler, 16);
            open = 0;
            for (final boolean c : connected)
            {
                open += c ? 1 : 0;
            }
            idle.idle(work);
        }
        idle.reset();
    }

    /** One duty cycle of this sender's media driver and Aeron client conductor, which no other thread runs. */
    private int invokeAeron()
    {
        return driverInvoker.invoke() + conductorInvoker.invoke();
    }

    private String unconnected(final List<String> endpoints)
    {
        final StringBuilder sb = new StringBuilder();
        for (int t = 0; t < connected.length; t++)
        {
            if (!connected[t])
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(endpoints.get(t));
            }
        }
        return sb.toString();
    }

    private void run()
    {
        ThreadTimerSlack.apply(1_000); // its parks end when due: a late wake-up would be charged to the network
        try
        {
            while (running)
            {
                int work = invokeAeron();
                work += responses.poll(assembler, 256);
                Runnable task;
                while (null != (task = tasks.poll()))
                {
                    task.run();
                    work++;
                }
                final long now = System.nanoTime();
                work += expire(now);
                Timer timer;
                while (null != (timer = timers.peek()) && now - timer.dueNs >= 0)
                {
                    timers.poll().task.run();
                    work++;
                }
                final long beforeSends = System.nanoTime(); // the lag counts this cycle's work so far
                if (null != schedule && beforeSends - nextDueNs >= 0)
                {
                    nextDueNs = schedule.due(beforeSends);
                    schedule = Long.MAX_VALUE == nextDueNs ? null : schedule;
                    work++;
                }
                final long untilDue = null == schedule ? Long.MAX_VALUE : nextDueNs - beforeSends;
                if (work == 0 && untilDue < MAX_IDLE_PARK_NS)
                {
                    // The next send is nearer than the longest idle park: sleep exactly until it (1 µs timer slack).
                    LockSupport.parkNanos(untilDue);
                }
                else
                {
                    idle.idle(work);
                }
            }
        }
        catch (final Throwable t)
        {
            loopFailure = t;
            throw t;
        }
        finally
        {
            stopped.countDown();
        }
    }

    /**
     * Stops sending to {@code target}, and reports every submit still unanswered by it as failed, so that the pacer
     * sends it again to another member: a killed member's UDP endpoint swallows what was sent, with no error.
     */
    @Override
    public void exclude(final int target)
    {
        onLoop(() ->
        {
            excluded[target] = true;
            final Replies to = replies;
            final org.agrona.collections.IntArrayList lost = new org.agrona.collections.IntArrayList();
            inflightTarget.forEach((i, attemptAndTarget) ->
            {
                if ((attemptAndTarget & 0xFF) == target)
                {
                    lost.addInt(i);
                }
            });
            for (int k = 0; k < lost.size(); k++)
            {
                final int i = lost.getInt(k);
                inflightTarget.remove(i);
                inflightSentNs.remove(i);
                if (null != to)
                {
                    to.failed(i, new IOException("member " + target + " excluded before it answered"));
                }
            }
        });
    }

    /** Fails the submits unanswered for {@link #REPLY_TIMEOUT_NS}. */
    private int expire(final long now)
    {
        int work = 0;
        long[] head;
        while (null != (head = inflightOrder.peekFirst()) && now - head[0] - replyTimeoutNs >= 0)
        {
            inflightOrder.pollFirst();
            final int i = (int)head[1];
            if (inflightSentNs.get(i) == head[0])
            {
                inflightSentNs.remove(i);
                final int target = inflightTarget.remove(i) & 0xFF;
                replies.failed(i, new IOException("no reply from target " + target + " in " +
                    TimeUnit.NANOSECONDS.toMillis(replyTimeoutNs) + " ms"));
                work++;
            }
        }
        return work;
    }

    @Override
    public int targets()
    {
        return publications.length;
    }

    @Override
    public void onLoop(final Runnable task)
    {
        if (null != loopFailure)
        {
            throw new IllegalStateException("the Aeron sender's loop failed", loopFailure);
        }
        tasks.offer(task);
        LockSupport.unpark(loop);
    }

    @Override
    public void later(final long delayMs, final Runnable task)
    {
        timers.add(new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs), timerSeq++, task));
    }

    @Override
    public void send(final SignedLoad load, final int i, final int attempt, final Replies replies)
    {
        this.replies = replies;
        int t = (int)((i + (long)attempt) % publications.length);
        for (int k = 0; k < publications.length && excluded[t]; k++)
        {
            t = (t + 1) % publications.length;
        }
        final byte[] raw = load.raw(i);
        submitEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .correlationId(correlationId(epoch, i, attempt))
            .putRaw(raw, 0, raw.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + submitEncoder.encodedLength();
        final ExclusivePublication publication = publications[t];
        long result = publication.offer(sendBuffer, 0, length);
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            // This thread runs the driver: let it send what is queued, then try again, within a budget.
            final long deadline = System.nanoTime() + OFFER_BUDGET_NS;
            while ((result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION) &&
                System.nanoTime() - deadline < 0)
            {
                invokeAeron();
                result = publication.offer(sendBuffer, 0, length);
            }
        }
        if (result < 0)
        {
            // Reported from the loop, after this call returns, as an HTTP failure would be.
            final String why = "binary ingress offer to target " + t + ": " + Publication.errorString(result);
            tasks.offer(() -> replies.failed(i, new IOException(why)));
            return;
        }
        final long now = System.nanoTime();
        inflightTarget.put(i, (attempt & 0xFF_FFFF) << 8 | t);
        inflightSentNs.put(i, now);
        inflightOrder.addLast(new long[] {now, i});
    }

    private void onReply(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return;
        }
        if (headerDecoder.templateId() == TxFinalizedDecoder.TEMPLATE_ID)
        {
            onNotice(buffer, offset);
            return;
        }
        if (headerDecoder.templateId() != SubmitReplyDecoder.TEMPLATE_ID)
        {
            return;
        }
        replyDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        final long correlationId = replyDecoder.correlationId();
        final SubmitStatus status = replyDecoder.status();
        if (status == SubmitStatus.CONNECTED)
        {
            final long target = correlationId - CONNECT_BASE;
            if (target >= 0 && target < connected.length)
            {
                connected[(int)target] = true;
            }
            return;
        }
        final Replies to = replies;
        final int i = (int)correlationId;
        final int attempt = (int)(correlationId >>> 32);
        final boolean thisRun = (int)(correlationId >>> EPOCH_SHIFT) == epoch;
        final int inflight = correlationId < 0 || !thisRun ? -1 : inflightTarget.get(i);
        if (null == to || inflight < 0 || inflight >>> 8 != (attempt & 0xFF_FFFF))
        {
            return; // not ours, an earlier run's, or an attempt already reported failed (timed out, or its member excluded)
        }
        inflightTarget.remove(i);
        inflightSentNs.remove(i);
        if (status == SubmitStatus.ADMITTED)
        {
            to.replied(i, null);
            return;
        }
        final int reasonLength = Math.min(replyDecoder.reasonLength(), reasonBytes.length);
        replyDecoder.getReason(reasonBytes, 0, reasonLength);
        to.replied(i, new String(reasonBytes, 0, reasonLength, StandardCharsets.US_ASCII));
    }

    /** A {@code TxFinalized} notice: its transactions of the followed load are told finalized, now. */
    private void onNotice(final DirectBuffer buffer, final int offset)
    {
        final FinalityFeed.Listener listener = finalityListener;
        if (null == listener)
        {
            return;
        }
        final long arrived = System.nanoTime();
        noticeDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        for (final TxFinalizedDecoder.TransactionsDecoder tx : noticeDecoder.transactions())
        {
            final long correlationId = tx.correlationId();
            // Any attempt of the transaction counts; a notice for a load followed earlier (its epoch) does not.
            if (correlationId >= 0 && (int)(correlationId >>> EPOCH_SHIFT) == epoch)
            {
                listener.finalized((int)correlationId, arrived);
            }
        }
    }

    /** Runs the schedule on this sender's loop thread: no other thread wakes for a send; null stops the one running. */
    @Override
    public boolean pace(final Schedule schedule)
    {
        onLoop(() ->
        {
            if (null != schedule)
            {
                // A new run: what the last one left in flight is forgotten, and its late answers (their epoch) ignored.
                epoch = (epoch + 1) & EPOCH_MASK;
                inflightTarget.clear();
                inflightSentNs.clear();
                inflightOrder.clear();
            }
            this.schedule = schedule;
            nextDueNs = System.nanoTime();
        });
        return true;
    }

    @Override
    public void follow(final SignedLoad load, final FinalityFeed.Listener listener)
    {
        onLoop(() ->
        {
            if (null != listener)
            {
                epoch = (epoch + 1) & EPOCH_MASK;
            }
            finalityListener = listener;
        });
    }

    @Override
    public String failure()
    {
        final Throwable failure = loopFailure;
        return null == failure ? null : "the Aeron sender's loop failed: " + failure;
    }

    @Override
    public String name()
    {
        return "notice";
    }

    /**
     * A submit's correlation id: the epoch in bits 56-62 (so a late answer or notice of an earlier run is not taken for
     * this one's), the attempt in bits 32-55, the transaction's index in the low 32; never negative.
     */
    static long correlationId(final int epoch, final int i, final int attempt)
    {
        return (long)(epoch & EPOCH_MASK) << EPOCH_SHIFT | (long)(attempt & 0xFF_FFFF) << 32 | (i & 0xFFFF_FFFFL);
    }

    @Override
    public void close()
    {
        running = false;
        if (null != loop)
        {
            LockSupport.unpark(loop);
            try
            {
                stopped.await(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        CloseHelper.quietClose(aeron);
        CloseHelper.quietClose(driver);
    }

    /** A task due at {@code dueNs}, in order of due time, then of scheduling. */
    private static final class Timer implements Comparable<Timer>
    {
        final long dueNs;
        final long seq;
        final Runnable task;

        Timer(final long dueNs, final long seq, final Runnable task)
        {
            this.dueNs = dueNs;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(final Timer other)
        {
            final int byTime = Long.compare(dueNs - other.dueNs, 0);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }
}
