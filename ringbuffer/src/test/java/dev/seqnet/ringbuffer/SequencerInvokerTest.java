package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequencer stage run by another component's duty cycle ({@code useSequencerInvoker}): no thread of the
 * pipeline's own, ring order, ticks from the duty cycle, wake-ups from producers, the batch limit, and a close
 * that drains whether or not the duty cycle still runs.
 */
class SequencerInvokerTest
{
    private final List<IngressPipeline> pipelines = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<Thread> created = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closeAll()
    {
        pipelines.forEach(IngressPipeline::close);
        runners.forEach(AgentRunner::close);
    }

    private IngressPipeline create(final IngressPipeline.Context ctx, final SequencerStage stage)
    {
        final IngressPipeline pipeline = new IngressPipeline(ctx.useSequencerInvoker(true).recoveryThreads(0).threadFactory(task ->
        {
            final Thread t = new Thread(task);
            t.setDaemon(true);
            created.add(t);
            return t;
        }), new TestTxFormat(0), stage);
        pipelines.add(pipeline);
        pipeline.start();
        return pipeline;
    }

    private AgentRunner run(final IngressPipeline pipeline, final IdleStrategy idle)
    {
        final AgentRunner runner = new AgentRunner(idle, Throwable::printStackTrace, null, pipeline.sequencerInvoker());
        runners.add(runner);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    @Test
    void theInvokingThreadRecoversAndSequencesInRingOrderAndTicksWithNoThreadOfThePipeline() throws Exception
    {
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = create(new IngressPipeline.Context().ringSize(128).tickIntervalMs(1), stage);
        final AgentRunner runner = run(pipeline, new BackoffIdleStrategy(10, 20, 1_000, 100_000));

        final int producers = 2;
        final int perProducer = 2_000;
        final Answer[][] answers = new Answer[producers][perProducer];
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            final Thread thread = new Thread(() ->
            {
                for (int n = 0; n < perProducer; n++)
                {
                    answers[producer][n] = new Answer();
                    while (!pipeline.submit(TestTxFormat.encode(producer, n), answers[producer][n]))
                    {
                        Thread.yield(); // a full ring of 128 slots
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        IngressPipelineLifecycleTest.awaitTrue(() -> stage.tickCount.get() >= 3, "ticks published by the invoker itself");
        pipeline.close();

        assertTrue(created.isEmpty(), "the pipeline started no thread: " + created);
        assertEquals(1, stage.threads.size());
        assertSame(pipeline.sequencerInvoker().invokingThread(), stage.threads.iterator().next(), "all on the runner's thread");
        final long[] last = {-1, -1};
        for (final EthTransaction tx : stage.offered)
        {
            final int producer = TestTxFormat.producerOf(tx);
            assertEquals(last[producer] + 1, tx.nonce(), "producer " + producer + " in submission order");
            last[producer] = tx.nonce();
        }
        for (int p = 0; p < producers; p++)
        {
            for (int n = 0; n < perProducer; n++)
            {
                assertEquals(1, answers[p][n].calls.get(), "one answer for " + p + "/" + n);
            }
        }
        assertEquals((long)producers * perProducer, pipeline.admitted());
        assertEquals(stage.tickCount.get(), pipeline.ticks());
        assertEquals(0, pipeline.stageExceptions());
        runner.close();
    }

    @Test
    void aSubmissionWakesTheInvokerFromItsIdlePark()
    {
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = create(new IngressPipeline.Context().ringSize(64).tickIntervalMs(0), stage);
        final AtomicInteger parks = new AtomicInteger();
        final ParkUntilStopped idle = new ParkUntilStopped(parks);
        run(pipeline, idle);
        IngressPipelineLifecycleTest.awaitTrue(() -> parks.get() >= 1, "the invoker parked with nothing to do");

        // Parked for an hour: only the producer's unpark can get this answered within the wait below.
        final Answer answer = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 0), answer));
        IngressPipelineLifecycleTest.awaitTrue(() -> 1 == answer.calls.get(), "answered without waiting out the park");
        assertNotNull(answer.admitted);

        idle.stop(pipeline.sequencerInvoker().invokingThread());
    }

    @Test
    void eachDutyCycleHandlesAtMostTheBatchLimitAndEndsItsBatch() throws Exception
    {
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = create(
            new IngressPipeline.Context().ringSize(64).tickIntervalMs(0).invokerBatchLimit(4), stage);
        for (int n = 0; n < 10; n++)
        {
            assertTrue(pipeline.submit(TestTxFormat.encode(0, n), new Answer()));
        }
        final SequencerInvoker invoker = pipeline.sequencerInvoker();
        assertEquals(4, invoker.doWork());
        assertEquals(1, stage.endOfBatchCount.get(), "a limited cycle still ends the stage's batch");
        assertEquals(4, invoker.doWork());
        assertEquals(2, invoker.doWork());
        assertEquals(0, invoker.doWork());
        assertEquals(3, stage.endOfBatchCount.get());
        assertEquals(10, stage.offered.size());

        pipeline.close(); // by the thread that invoked it, outside a duty cycle: allowed
    }

    @Test
    void aStageCallbackThatClosesThePipelineFailsThatCallOnly() throws Exception
    {
        final IngressPipeline[] self = new IngressPipeline[1];
        final RecordingStage stage = new RecordingStage(tx ->
        {
            if (0 == tx.nonce())
            {
                self[0].close(); // inside the duty cycle: it would wait for itself
            }
            return null;
        });
        self[0] = create(new IngressPipeline.Context().ringSize(64).tickIntervalMs(0), stage);
        final Answer closer = new Answer();
        final Answer next = new Answer();
        assertTrue(self[0].submit(TestTxFormat.encode(0, 0), closer));
        assertTrue(self[0].submit(TestTxFormat.encode(0, 1), next));
        CompletableFuture.runAsync(() -> self[0].sequencerInvoker().doWork()).get(10, TimeUnit.SECONDS);

        assertEquals(IngressPipeline.INTERNAL_ERROR, closer.reason, "the closing call failed, and was answered");
        assertEquals(1, self[0].stageExceptions());
        assertNotNull(next.admitted, "the next slot is sequenced as usual");
        assertTrue(!self[0].isClosed());
    }

    @Test
    void closeDrainsOnTheClosingThreadWhenNothingRunsTheInvoker()
    {
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = create(new IngressPipeline.Context().ringSize(64).tickIntervalMs(1), stage);
        final Answer[] answers = new Answer[20];
        for (int n = 0; n < answers.length; n++)
        {
            answers[n] = new Answer();
            assertTrue(pipeline.submit(TestTxFormat.encode(0, n), answers[n]));
        }
        pipeline.close();

        for (final Answer answer : answers)
        {
            assertEquals(1, answer.calls.get(), "an accepted transaction is answered even with no duty cycle running");
        }
        assertEquals(Thread.currentThread(), stage.threads.iterator().next());
        assertTrue(created.isEmpty());
        assertTrue(!pipeline.submit(TestTxFormat.encode(0, 99), new Answer()), "closed: refused");
    }

    @Test
    void closeDrainsAfterTheDutyCycleStopped()
    {
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = create(new IngressPipeline.Context().ringSize(64).tickIntervalMs(0), stage);
        final AgentRunner runner = run(pipeline, new BackoffIdleStrategy(10, 20, 1_000, 100_000));
        final Answer first = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 0), first));
        IngressPipelineLifecycleTest.awaitTrue(() -> 1 == first.calls.get(), "answered by the runner");
        runner.close();

        final Answer second = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 1), second));
        pipeline.close();
        assertEquals(1, second.calls.get(), "drained by close() on this thread once the runner was gone");
        assertNull(second.reason);
    }

    @Test
    void anInvokerNeedsInlineRecovery()
    {
        final IngressPipeline.Context ctx = new IngressPipeline.Context().useSequencerInvoker(true).recoveryThreads(2);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, ctx::conclude);
        assertTrue(ex.getMessage().contains("recoveryThreads"), ex.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> new IngressPipeline.Context().recoveryThreads(0).useSequencerInvoker(true).invokerBatchLimit(0).conclude());
        assertNull(new IngressPipeline(new IngressPipeline.Context().recoveryThreads(1), new TestTxFormat(0),
            new RecordingStage()).sequencerInvoker(), "a pipeline with its own sequencer thread has no invoker");
    }

    /** Parks an hour per idle call until stopped; counts the parks. */
    private static final class ParkUntilStopped implements IdleStrategy
    {
        private final AtomicInteger parks;
        private volatile boolean stopped;

        ParkUntilStopped(final AtomicInteger parks)
        {
            this.parks = parks;
        }

        void stop(final Thread thread)
        {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        @Override
        public void idle()
        {
            if (!stopped)
            {
                parks.incrementAndGet();
                LockSupport.parkNanos(TimeUnit.HOURS.toNanos(1));
            }
        }

        @Override
        public void reset()
        {
        }
    }
}
