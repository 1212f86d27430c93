package dev.seqnet.node.bench;

import dev.seqnet.codecs.client.ClientConnectDecoder;
import dev.seqnet.codecs.client.MessageHeaderDecoder;
import dev.seqnet.codecs.client.MessageHeaderEncoder;
import dev.seqnet.codecs.client.SubmitReplyEncoder;
import dev.seqnet.codecs.client.SubmitStatus;
import dev.seqnet.codecs.client.SubmitTransactionDecoder;
import dev.seqnet.codecs.client.TxFinalizedEncoder;
import dev.seqnet.transport.LoopbackPorts;
import dev.seqnet.transport.MediaDriverLauncher;
import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AeronSender} against two stand-in members speaking the client schema over real Aeron: one answers every
 * submit, one swallows them as a killed member's endpoint would. What the swallower never answered must come back
 * as a failure when it is excluded, so the pacer sends it again elsewhere; answers reach the pacer as the RPC's would.
 */
class AeronSenderTest
{
    /** Replies for tests that look at what the stand-in received, not at the answers. */
    private static final TxSender.Replies IGNORE_REPLIES = new TxSender.Replies()
    {
        @Override
        public void replied(final int index, final String error)
        {
        }

        @Override
        public void failed(final int index, final Throwable cause)
        {
        }
    };

    private StandIn answering;
    private StandIn swallowing;
    private AeronSender sender;

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(sender, answering, swallowing);
    }

    @Test
    @Timeout(60)
    void answersArePassedOnAndWhatAnExcludedMemberSwallowedIsReportedFailed() throws Exception
    {
        answering = new StandIn(true, false);
        swallowing = new StandIn(false, false);
        // A reply timeout far beyond the test's waits: the failures below must come from the exclusion alone.
        sender = new AeronSender(List.of(answering.endpoint, swallowing.endpoint), 3001, TimeUnit.SECONDS.toNanos(120));
        assertEquals(2, sender.targets());

        final SignedLoad load = SignedLoad.sign(BenchAccounts.derived(2), 4, 5115);
        final Map<Integer, String> replied = new ConcurrentHashMap<>();
        final Map<Integer, String> failed = new ConcurrentHashMap<>();
        final TxSender.Replies replies = new TxSender.Replies()
        {
            @Override
            public void replied(final int index, final String error)
            {
                replied.put(index, null == error ? "ok" : error);
            }

            @Override
            public void failed(final int index, final Throwable cause)
            {
                failed.put(index, cause.getMessage());
            }
        };
        // Round-robin by index: 0 and 2 to the answering member, 1 and 3 to the swallowing one.
        sender.onLoop(() ->
        {
            for (int i = 0; i < 4; i++)
            {
                sender.send(load, i, 0, replies);
            }
        });
        await(() -> replied.size() == 2 && swallowing.submits.get() == 2);
        assertEquals("ok", replied.get(0));
        assertEquals("nonce too low", replied.get(2), "a refusal's reason reaches the pacer as the RPC's error message");
        assertTrue(failed.isEmpty(), "nothing failed before the exclusion: " + failed);

        sender.exclude(1);
        await(() -> failed.size() == 2);
        assertTrue(failed.get(1).contains("excluded") && failed.get(3).contains("excluded"), failed::toString);
        assertNull(replied.get(1));

        // Attempt 0 of transaction 1 is meant for member 1 (1 mod 2), which is excluded: it goes to member 0.
        sender.onLoop(() -> sender.send(load, 1, 0, replies));
        await(() -> replied.containsKey(1));
        assertEquals(2, swallowing.submits.get(), "nothing more sent to the excluded member");
    }

    @Test
    @Timeout(60)
    void finalityNoticesReachTheFollowerOfTheirLoadOnly() throws Exception
    {
        startWithANotifyingMember();
        final SignedLoad first = SignedLoad.sign(BenchAccounts.derived(2), 3, 5115);
        final SignedLoad second = SignedLoad.sign(BenchAccounts.derived(2), 3, 5115);
        final TxSender.Replies ignore = IGNORE_REPLIES;
        final List<Integer> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Long> toldAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        sender.follow(first, (i, nanos) ->
        {
            told.add(i);
            toldAt.add(nanos);
        });
        final long before = System.nanoTime();
        sender.onLoop(() ->
        {
            for (int i = 0; i < 3; i++)
            {
                sender.send(first, i, 0, ignore);
            }
        });
        await(() -> told.size() >= 3);
        assertEquals(List.of(0, 1, 2), told, "each finalized submit told once, by its index");
        assertTrue(toldAt.get(0) - before > 0, "the arrival time is taken when the notice comes");

        // The next load: the stand-in now also repeats the first load's notices, which must not count for this one.
        final List<Integer> toldSecond = new java.util.concurrent.CopyOnWriteArrayList<>();
        sender.follow(second, (i, nanos) -> toldSecond.add(i));
        answering.repeatEarlierNotices = true;
        sender.onLoop(() -> sender.send(second, 2, 0, ignore));
        await(() -> !toldSecond.isEmpty());
        Thread.sleep(100);
        assertEquals(List.of(2), toldSecond, "a notice for an earlier load's transaction 0 or 1 is not this load's");
        assertEquals(3, told.size(), "the first load's follower was replaced");

        sender.follow(second, null);
        sender.onLoop(() -> sender.send(second, 0, 1, ignore));
        await(() -> answering.submits.get() == 5);
        Thread.sleep(100);
        assertEquals(List.of(2), toldSecond, "nobody is told once the follower stopped");
        assertNull(sender.failure());
    }

    @Test
    @Timeout(60)
    void theLoopSendsOnTheScheduleItRuns() throws Exception
    {
        startWithANotifyingMember();
        final SignedLoad load = SignedLoad.sign(BenchAccounts.derived(3), 3, 5115);
        final TxSender.Replies ignore = IGNORE_REPLIES;
        final long period = TimeUnit.MILLISECONDS.toNanos(30);
        final long start = System.nanoTime() + period;
        final List<long[]> calls = new java.util.concurrent.CopyOnWriteArrayList<>(); // {now, sent so far}
        final int[] next = {0};
        assertTrue(sender.pace(now ->
        {
            while (next[0] < 3 && start + next[0] * period <= now)
            {
                sender.send(load, next[0]++, 0, ignore);
            }
            calls.add(new long[] {now, next[0]});
            return next[0] < 3 ? start + next[0] * period : Long.MAX_VALUE;
        }), "the Aeron sender paces on its loop");
        await(() -> answering.submits.get() == 3);
        Thread.sleep(50);
        for (int k = 0; k < 3; k++)
        {
            // Received (so sent) no earlier than due: the loop did not send ahead of the schedule it was given.
            assertTrue(answering.arrivals.get(k) - (start + k * period) >= 0, "submit " + k + " arrived before it was due");
        }
        assertEquals(3, calls.get(calls.size() - 1)[1]);
        assertTrue(calls.size() <= 3 + 3, "the loop is called when a send is due, not on every duty cycle: " + calls.size());
    }

    @Test
    @Timeout(60)
    void aScheduleStopsWhenTheRunStopsIt() throws Exception
    {
        startWithANotifyingMember();
        final SignedLoad load = SignedLoad.sign(BenchAccounts.derived(2), 1000, 5115);
        final int[] next = {0};
        sender.pace(now ->
        {
            sender.send(load, next[0]++, 0, IGNORE_REPLIES);
            return now + TimeUnit.MILLISECONDS.toNanos(5);
        });
        await(() -> answering.submits.get() >= 3);
        sender.pace(null);
        Thread.sleep(200); // what was sent before the stop reached the loop arrives meanwhile
        final int atStop = answering.submits.get();
        Thread.sleep(100);
        assertEquals(atStop, answering.submits.get(), "nothing sent once the schedule was stopped");
        assertTrue(atStop < 100, "the schedule ran at its pace, not flat out: " + atStop);
    }

    /** One stand-in member that admits every submit and tells it finalized at once; a sender to it. */
    private void startWithANotifyingMember() throws Exception
    {
        answering = new StandIn(true, true);
        sender = new AeronSender(List.of(answering.endpoint), 3001, TimeUnit.SECONDS.toNanos(120));
    }

    private static void await(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, "timed out");
            Thread.sleep(2);
        }
    }

    /** A member's ingress in miniature: answers connects, then answers (or swallows) submits. */
    private static final class StandIn implements AutoCloseable
    {
        final String endpoint = "127.0.0.1:" + LoopbackPorts.freeUdpPorts(1)[0];
        final java.util.concurrent.atomic.AtomicInteger submits = new java.util.concurrent.atomic.AtomicInteger();
        private final MediaDriverLauncher driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context()
            .aeronDirectoryName(MediaDriverLauncher.Context.uniqueDirectoryName("seqnet-standin"))
            .termBufferLength(2 * 1024 * 1024));
        private final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        private final Subscription ingress = aeron.addSubscription("aeron:udp?endpoint=" + endpoint, 3001);
        private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private Publication replies;
        private int answered;
        private final List<Long> notified = new java.util.ArrayList<>();
        volatile boolean repeatEarlierNotices;
        /** When each submit arrived ({@link System#nanoTime()}), in order. */
        final List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();

        /** @param notifies follow each admitted submit with a TxFinalized notice for it (and, when asked, the earlier ones). */
        StandIn(final boolean answers, final boolean notifies)
        {
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final FragmentAssembler handler = new FragmentAssembler((b, offset, length, h) ->
            {
                header.wrap(b, offset);
                if (header.templateId() == ClientConnectDecoder.TEMPLATE_ID)
                {
                    final ClientConnectDecoder connect = new ClientConnectDecoder().wrapAndApplyHeader(b, offset, header);
                    final long correlationId = connect.correlationId();
                    final int stream = connect.responseStreamId();
                    replies = aeron.addPublication(connect.responseChannel(), stream);
                    while (!replies.isConnected())
                    {
                        Thread.onSpinWait();
                    }
                    reply(correlationId, SubmitStatus.CONNECTED, "");
                }
                else if (header.templateId() == SubmitTransactionDecoder.TEMPLATE_ID)
                {
                    arrivals.add(System.nanoTime());
                    submits.incrementAndGet();
                    final long correlationId = new SubmitTransactionDecoder().wrapAndApplyHeader(b, offset, header).correlationId();
                    if (notifies)
                    {
                        reply(correlationId, SubmitStatus.ADMITTED, "");
                        if (repeatEarlierNotices)
                        {
                            notified.add(correlationId);
                            notice(notified);
                        }
                        else
                        {
                            notified.add(correlationId);
                            notice(List.of(correlationId));
                        }
                    }
                    else if (answers)
                    {
                        reply(correlationId, answered++ == 0 ? SubmitStatus.ADMITTED : SubmitStatus.REJECTED,
                            answered == 1 ? "" : "nonce too low");
                    }
                }
            });
            thread = new Thread(() ->
            {
                while (running.get())
                {
                    if (ingress.poll(handler, 10) == 0)
                    {
                        Thread.onSpinWait();
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                }
            }, "stand-in");
            thread.start();
        }

        private void reply(final long correlationId, final SubmitStatus status, final String reason)
        {
            final SubmitReplyEncoder encoder = new SubmitReplyEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .correlationId(correlationId)
                .status(status)
                .putTxHash(new byte[32], 0, 32)
                .reason(reason);
            while (replies.offer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()) < 0)
            {
                Thread.onSpinWait();
            }
        }

        private void notice(final List<Long> correlationIds)
        {
            final TxFinalizedEncoder encoder = new TxFinalizedEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .height(7)
                .putBlockHash(new byte[32], 0, 32);
            final TxFinalizedEncoder.TransactionsEncoder txs = encoder.transactionsCount(correlationIds.size());
            for (final long id : correlationIds)
            {
                txs.next().correlationId(id);
            }
            while (replies.offer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()) < 0)
            {
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() throws InterruptedException
        {
            running.set(false);
            thread.join(5_000);
            CloseHelper.closeAll(aeron, driver);
        }
    }
}
