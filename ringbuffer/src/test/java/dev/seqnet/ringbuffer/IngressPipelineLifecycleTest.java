package dev.seqnet.ringbuffer;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngressPipelineLifecycleTest
{
    private final List<IngressPipeline> pipelines = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        pipelines.forEach(IngressPipeline::close);
    }

    private IngressPipeline create(final IngressPipeline.Context ctx, final SequencerStage stage)
    {
        final IngressPipeline pipeline = new IngressPipeline(ctx, new TestTxFormat(0), stage);
        pipelines.add(pipeline);
        return pipeline;
    }

    @Test
    void ticksReachTheStageWhenIdleWithTheInjectedClock()
    {
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(1).tickIntervalMs(1).clock(clock::get),
            stage);
        pipeline.start();

        awaitTrue(() -> stage.tickCount.get() >= 5, "five ticks with no traffic");
        clock.set(1_700_000_000_500L);
        final long ticksBefore = stage.tickCount.get();
        awaitTrue(() -> stage.tickCount.get() >= ticksBefore + 2, "ticks after the clock moved");
        pipeline.close();

        assertTrue(stage.tickTimes.contains(1_700_000_000_000L));
        assertEquals(1_700_000_000_500L, stage.tickTimes.get(stage.tickTimes.size() - 1), "clock is read when the tick is handled");
        assertTrue(stage.tickTimes.stream().allMatch(t -> t == 1_700_000_000_000L || t == 1_700_000_000_500L));
        assertEquals(0, stage.endOfBatchCount.get(), "no transactions, no end-of-batch");
        assertEquals(stage.tickTimes.size(), pipeline.ticks());
        assertEquals(1, stage.threads.size());
        assertEquals(IngressPipeline.SEQUENCER_THREAD_NAME, stage.threads.iterator().next().getName());
    }

    @Test
    void ticksCoalesceWhileOneIsWaiting() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingStage stage = new RecordingStage(tx ->
        {
            IngressPipelineTest.awaitQuietly(release);
            return null;
        });
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(1).tickIntervalMs(0), stage);
        pipeline.start();

        final Answer blocker = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 0), blocker));
        assertTrue(pipeline.tick());
        assertFalse(pipeline.tick(), "a second tick while the first is unhandled is dropped");
        assertFalse(pipeline.tick());
        release.countDown();
        blocker.await();
        awaitTrue(() -> pipeline.ticks() == 1, "the one tick handled");
        assertTrue(pipeline.tick(), "once handled, a new tick can be published");
        awaitTrue(() -> pipeline.ticks() == 2, "second tick handled");
    }

    @Test
    void tickThreadCannotFillTheRingWhileTheStageIsStuck() throws Exception
    {
        final CountDownLatch inTick = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingStage stage = new RecordingStage()
        {
            @Override
            public void onTick(final long nowMs)
            {
                super.onTick(nowMs);
                inTick.countDown();
                IngressPipelineTest.awaitQuietly(release);
            }
        };
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(4).recoveryThreads(1).tickIntervalMs(1), stage);
        pipeline.start();
        IngressPipelineTest.awaitQuietly(inTick);
        Thread.sleep(30); // ~30 tick periods: without coalescing they would take every free slot

        // Slot of the stuck tick + at most one queued tick: two of the four slots stay free.
        final Answer first = new Answer();
        final Answer second = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 0), first));
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 1), second));
        release.countDown();
        first.await();
        second.await();
    }

    @Test
    void closeDrainsEveryAcceptedSubmissionAndStopsItsThreads() throws Exception
    {
        final List<Thread> created = new CopyOnWriteArrayList<>();
        final ThreadFactory recordingFactory = task ->
        {
            final Thread thread = new Thread(task);
            thread.setDaemon(true);
            created.add(thread);
            return thread;
        };
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingStage stage = new RecordingStage(tx ->
        {
            if (tx.nonce() == 0)
            {
                entered.countDown();
                IngressPipelineTest.awaitQuietly(release);
            }
            return null;
        });
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(1024).recoveryThreads(2).tickIntervalMs(1).threadFactory(recordingFactory),
            stage);
        pipeline.start();

        final Set<String> names = new HashSet<>();
        created.forEach(t -> names.add(t.getName()));
        assertEquals(Set.of("seqnet-ingress-recovery-0", "seqnet-ingress-recovery-1",
            "seqnet-ingress-sequencer", "seqnet-ingress-tick"), names);

        // The sequencer is held inside a one-transaction batch, so the rest form a backlog that
        // only a real drain answers (halting alone would stop after the current batch).
        final int count = 500;
        final Answer[] answers = new Answer[count];
        answers[0] = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 0), answers[0]));
        IngressPipelineTest.awaitQuietly(entered);
        for (int n = 1; n < count; n++)
        {
            answers[n] = new Answer();
            assertTrue(pipeline.submit(TestTxFormat.encode(0, n), answers[n]));
        }
        final Thread closer = new Thread(pipeline::close);
        closer.start();
        // Wait until close() has stopped the ticks and is itself waiting (draining, or, if it did
        // not drain, joining halted threads); a broken drain has then halted the sequencer.
        final Thread tickThread = created.stream()
            .filter(t -> IngressPipeline.TICK_THREAD_NAME.equals(t.getName())).findFirst().orElseThrow();
        awaitTrue(() -> !tickThread.isAlive() && closer.getState() == Thread.State.TIMED_WAITING, "close() waiting");
        Thread.sleep(20);
        assertTrue(closer.isAlive(), "close() waits for the backlog");
        release.countDown();
        closer.join();

        assertTrue(pipeline.isClosed());
        for (int n = 0; n < count; n++)
        {
            assertEquals(1, answers[n].calls.get(), "answer " + n + " arrived before close() returned");
        }
        assertEquals(count, pipeline.admitted());
        for (final Thread thread : created)
        {
            assertFalse(thread.isAlive(), thread.getName() + " still alive");
        }

        final Answer late = new Answer();
        assertFalse(pipeline.submit(TestTxFormat.encode(0, count), late));
        assertFalse(pipeline.tick());
        assertEquals(1, pipeline.refused());
        assertEquals(0, pipeline.overloaded());
        assertEquals(0, late.calls.get());
        pipeline.close(); // idempotent
    }

    @Test
    void closeRacingWithSubmittersAnswersEveryAcceptedSubmission() throws Exception
    {
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(128).recoveryThreads(1).tickIntervalMs(1), new RecordingStage());
        pipeline.start();

        final int producers = 3;
        final List<List<Answer>> accepted = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final List<Answer> mine = new ArrayList<>();
            accepted.add(mine);
            final int producer = p;
            final Thread thread = new Thread(() ->
            {
                long nonce = 0;
                while (true)
                {
                    final Answer answer = new Answer();
                    if (pipeline.submit(TestTxFormat.encode(producer, nonce), answer))
                    {
                        mine.add(answer);
                        nonce++;
                    }
                    else if (pipeline.isClosed())
                    {
                        return;
                    }
                    else
                    {
                        Thread.yield();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        awaitTrue(() -> pipeline.admitted() > 1000, "traffic flowing");
        pipeline.close();
        for (final Thread thread : threads)
        {
            thread.join();
        }

        long total = 0;
        for (final List<Answer> mine : accepted)
        {
            for (final Answer answer : mine)
            {
                assertEquals(1, answer.calls.get());
                assertNotNull(answer.admitted);
            }
            total += mine.size();
        }
        assertEquals(total, pipeline.submitted());
        assertEquals(total, pipeline.admitted());
        assertTrue(pipeline.refused() + pipeline.overloaded() >= producers, "each producer stopped on a refusal");
    }

    @Test
    void lifecycleMisuseIsRefused() throws Exception
    {
        final AtomicReference<Throwable> closeFromCallback = new AtomicReference<>();
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(16).recoveryThreads(1).tickIntervalMs(0), new RecordingStage());

        assertFalse(pipeline.submit(TestTxFormat.encode(0, 0), new Answer()), "not started yet");
        assertEquals(1, pipeline.refused());
        pipeline.start();
        assertThrows(IllegalStateException.class, pipeline::start);

        final Answer answer = new Answer()
        {
            @Override
            public void onAdmitted(final EthTransaction tx)
            {
                try
                {
                    pipeline.close();
                }
                catch (final Throwable ex)
                {
                    closeFromCallback.set(ex);
                }
                super.onAdmitted(tx);
            }
        };
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 0), answer));
        answer.await();
        assertInstanceOf(IllegalStateException.class, closeFromCallback.get());
        assertFalse(pipeline.isClosed());

        pipeline.close();
        assertThrows(IllegalStateException.class, pipeline::start);

        final IngressPipeline neverStarted = create(new IngressPipeline.Context().ringSize(16), new RecordingStage());
        neverStarted.close();
        assertTrue(neverStarted.isClosed());
        assertFalse(neverStarted.submit(TestTxFormat.encode(0, 0), new Answer()));
    }

    @Test
    void failingThreadFactoryLeavesNothingRunning() throws Exception
    {
        final List<Thread> created = new CopyOnWriteArrayList<>();
        final ThreadFactory failsOnThird = task ->
        {
            if (created.size() == 2)
            {
                throw new IllegalStateException("unable to create native thread");
            }
            final Thread thread = new Thread(task);
            thread.setDaemon(true);
            created.add(thread);
            return thread;
        };
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(16).recoveryThreads(2).threadFactory(failsOnThird), new RecordingStage());

        assertThrows(IllegalStateException.class, pipeline::start);
        assertTrue(pipeline.isClosed());
        assertFalse(pipeline.submit(TestTxFormat.encode(0, 0), new Answer()));
        for (final Thread thread : created)
        {
            assertEquals(Thread.State.NEW, thread.getState(), "no thread started before all were created");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"yielding", "sleeping", "blocking"})
    void everyWaitStrategyCarriesTraffic(final String waitStrategy) throws Exception
    {
        final RecordingStage stage = new RecordingStage(tx -> tx.nonce() % 10 == 0 ? TxRejection.ALREADY_KNOWN : null);
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(2).waitStrategy(waitStrategy), stage);
        pipeline.start();
        final List<Answer> answers = new ArrayList<>();
        for (int n = 0; n < 200; n++)
        {
            final Answer answer = new Answer();
            while (!pipeline.submit(TestTxFormat.encode(0, n), answer))
            {
                Thread.yield();
            }
            answers.add(answer);
        }
        for (final Answer answer : answers)
        {
            answer.await();
        }
        assertEquals(180, pipeline.admitted());
        assertEquals(20, pipeline.rejected(TxRejection.ALREADY_KNOWN));
    }

    @Test
    void contextAndWaitStrategyNamesAreValidated()
    {
        assertThrows(IllegalArgumentException.class, () -> new IngressPipeline.Context().ringSize(3).conclude());
        assertThrows(IllegalArgumentException.class, () -> new IngressPipeline.Context().ringSize(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> new IngressPipeline.Context().recoveryThreads(-1).conclude());
        assertEquals(0, new IngressPipeline.Context().recoveryThreads(0).conclude().recoveryThreads(), "0: inline");
        assertThrows(IllegalArgumentException.class, () -> new IngressPipeline.Context().waitStrategy("spin").conclude());
        assertThrows(IllegalArgumentException.class, () -> new IngressPipeline.Context().tickIntervalMs(-1).conclude());
        assertThrows(NullPointerException.class, () -> new IngressPipeline.Context().clock(null).conclude());

        final IngressPipeline.Context defaults = new IngressPipeline.Context().conclude();
        assertEquals(65536, defaults.ringSize());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), defaults.recoveryThreads());
        assertEquals("yielding", defaults.waitStrategy());
        assertEquals(1, defaults.tickIntervalMs());

        assertInstanceOf(YieldingWaitStrategy.class, WaitStrategies.create("yielding"));
        assertInstanceOf(SleepingWaitStrategy.class, WaitStrategies.create("sleeping"));
        assertInstanceOf(StagedBlockingWaitStrategy.class, WaitStrategies.create("blocking"));
        assertInstanceOf(StagedBlockingWaitStrategy.class, WaitStrategies.create("backoff"));
        assertInstanceOf(BusySpinWaitStrategy.class, WaitStrategies.create("busy-spin"));
        assertThrows(IllegalArgumentException.class, () -> WaitStrategies.create("busyspin"));
    }

    static void awaitTrue(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
