package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngressPipelineTest
{
    private final List<IngressPipeline> pipelines = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        pipelines.forEach(IngressPipeline::close);
    }

    private IngressPipeline start(final IngressPipeline.Context ctx, final TxRecovery recovery, final SequencerStage stage)
    {
        final IngressPipeline pipeline = new IngressPipeline(ctx, recovery, stage);
        pipelines.add(pipeline);
        pipeline.start();
        return pipeline;
    }

    @Test
    void concurrentSubmittersEachGetExactlyOneAnswerInSingleWriterOrder() throws Exception
    {
        final int producers = 4;
        final int perProducer = 5_000;
        final List<EthTransaction> answeredOrder = Collections.synchronizedList(new ArrayList<>());
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = start(
            new IngressPipeline.Context().ringSize(256).recoveryThreads(2).tickIntervalMs(1),
            new TestTxFormat(0),
            stage);

        final Answer[][] answers = new Answer[producers][perProducer];
        final AtomicInteger refusedByFullRing = new AtomicInteger();
        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            final Thread thread = new Thread(() ->
            {
                awaitQuietly(go);
                for (int n = 0; n < perProducer; n++)
                {
                    final Answer answer = new Answer()
                    {
                        @Override
                        public void onAdmitted(final EthTransaction tx)
                        {
                            answeredOrder.add(tx);
                            super.onAdmitted(tx);
                        }
                    };
                    answers[producer][n] = answer;
                    final byte[] raw = TestTxFormat.encode(producer, n);
                    while (!pipeline.submit(raw, answer))
                    {
                        refusedByFullRing.incrementAndGet();
                        Thread.yield();
                    }
                }
            }, "producer-" + p);
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        pipeline.close();

        for (int p = 0; p < producers; p++)
        {
            for (int n = 0; n < perProducer; n++)
            {
                final Answer answer = answers[p][n];
                assertEquals(1, answer.calls.get(), "answers for producer " + p + " nonce " + n);
                assertNotNull(answer.admitted);
                assertEquals(n, answer.admitted.nonce());
                assertEquals(p, TestTxFormat.producerOf(answer.admitted));
            }
        }

        // The callbacks ran in exactly the order the single writer admitted.
        assertEquals(stage.offered.size(), answeredOrder.size());
        for (int i = 0; i < stage.offered.size(); i++)
        {
            assertSame(stage.offered.get(i), answeredOrder.get(i), "position " + i);
        }

        // The stage was only ever called from the one sequencer thread.
        assertEquals(1, stage.threads.size());
        assertEquals(IngressPipeline.SEQUENCER_THREAD_NAME, stage.threads.iterator().next().getName());

        // Each producer's transactions were admitted in its submission order.
        final long[] lastNonce = new long[producers];
        java.util.Arrays.fill(lastNonce, -1);
        for (final EthTransaction tx : stage.offered)
        {
            final int producer = TestTxFormat.producerOf(tx);
            assertEquals(lastNonce[producer] + 1, tx.nonce(), "producer " + producer + " order");
            lastNonce[producer] = tx.nonce();
        }

        assertEquals((long)producers * perProducer, pipeline.submitted());
        assertEquals((long)producers * perProducer, pipeline.admitted());
        assertEquals(0, pipeline.rejected());
        assertEquals(refusedByFullRing.get(), pipeline.overloaded());
        assertEquals(0, pipeline.stageExceptions());
    }

    @Test
    void inlineRecoveryRecoversEachTransactionOnceOnTheSequencerThreadInOrder() throws Exception
    {
        final int count = 300;
        final List<String> recoveredOn = Collections.synchronizedList(new ArrayList<>());
        final TestTxFormat format = new TestTxFormat(0);
        final TxRecovery recording = raw ->
        {
            recoveredOn.add(Thread.currentThread().getName());
            return format.recover(raw);
        };
        final List<Thread> created = Collections.synchronizedList(new ArrayList<>());
        final RecordingStage stage = new RecordingStage();
        final IngressPipeline pipeline = start(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(0).tickIntervalMs(0).threadFactory(task ->
            {
                final Thread t = new Thread(task);
                t.setDaemon(true);
                created.add(t);
                return t;
            }),
            recording,
            stage);

        final Answer[] answers = new Answer[count + 1];
        for (int n = 0; n < count; n++)
        {
            answers[n] = new Answer();
            while (!pipeline.submit(TestTxFormat.encode(0, n), answers[n]))
            {
                Thread.yield();
            }
        }
        // A transaction recovery refuses is answered with its reason, inline as on a shard.
        answers[count] = new Answer();
        assertTrue(pipeline.submit(new byte[] {1}, answers[count]));
        pipeline.close();

        assertEquals(List.of(IngressPipeline.SEQUENCER_THREAD_NAME), created.stream().map(Thread::getName).toList(),
            "one stage thread, no recovery thread");
        assertEquals(count + 1, recoveredOn.size());
        assertTrue(recoveredOn.stream().allMatch(IngressPipeline.SEQUENCER_THREAD_NAME::equals));
        for (int n = 0; n < count; n++)
        {
            assertEquals(1, answers[n].calls.get());
            assertEquals(n, stage.offered.get(n).nonce(), "ring order");
        }
        assertEquals(1, answers[count].calls.get());
        assertEquals(count, pipeline.admitted());
        assertEquals(1, pipeline.rejected());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void shardingRecoversEverySequenceExactlyOnceOnItsOwnShard(final int shards) throws Exception
    {
        final int count = 300;
        final Map<Long, List<String>> recoveredBy = new ConcurrentHashMap<>();
        final TestTxFormat format = new TestTxFormat(0);
        final TxRecovery recording = raw ->
        {
            final EthTransaction tx = format.recover(raw);
            recoveredBy.computeIfAbsent(tx.nonce(), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(Thread.currentThread().getName());
            return tx;
        };
        // No ticks: with one producer, transaction n then sits at ring sequence n.
        final IngressPipeline pipeline = start(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(shards).tickIntervalMs(0),
            recording,
            new RecordingStage());

        final Answer[] answers = new Answer[count];
        for (int n = 0; n < count; n++)
        {
            answers[n] = new Answer();
            while (!pipeline.submit(TestTxFormat.encode(0, n), answers[n]))
            {
                Thread.yield();
            }
        }
        pipeline.close();

        assertEquals(count, recoveredBy.size());
        final Map<String, Integer> perThread = new ConcurrentHashMap<>();
        for (long n = 0; n < count; n++)
        {
            final List<String> threads = recoveredBy.get(n);
            assertEquals(1, threads.size(), "recoveries of sequence " + n);
            assertEquals(IngressPipeline.RECOVERY_THREAD_PREFIX + (n % shards), threads.get(0));
            perThread.merge(threads.get(0), 1, Integer::sum);
            assertEquals(1, answers[(int)n].calls.get());
        }
        assertEquals(shards, perThread.size());
        perThread.values().forEach(v -> assertEquals(count / shards, v));
    }

    @Test
    void rejectionsFromBothStagesReachTheCallbackWithReasonAndDetail() throws Exception
    {
        final RecordingStage stage = new RecordingStage(tx -> tx.nonce() == 0 ? TxRejection.NONCE_TOO_LOW : null);
        final IngressPipeline pipeline = start(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(2).tickIntervalMs(0),
            new TestTxFormat(0),
            stage);

        final Answer malformed = new Answer();
        final Answer wrongChain = new Answer();
        final Answer nonceTooLow = new Answer();
        final Answer admitted = new Answer();
        assertTrue(pipeline.submit(new byte[] {1, 2, 3}, malformed));
        assertTrue(pipeline.submit(new byte[] {TestTxFormat.WRONG_CHAIN}, wrongChain));
        assertTrue(pipeline.submit(TestTxFormat.encode(9, 0), nonceTooLow));
        assertTrue(pipeline.submit(TestTxFormat.encode(9, 1), admitted));
        malformed.await();
        wrongChain.await();
        nonceTooLow.await();
        admitted.await();

        assertEquals(TxRejection.MALFORMED_RLP, malformed.reason);
        assertEquals("malformed transaction: 3 bytes", malformed.detail);
        assertNull(malformed.admitted);
        assertEquals(TxRejection.WRONG_CHAIN_ID, wrongChain.reason);
        assertEquals("invalid chain id for signer: have 7 want 5115", wrongChain.detail);
        assertEquals(TxRejection.NONCE_TOO_LOW, nonceTooLow.reason);
        assertEquals(TxRejection.NONCE_TOO_LOW.message(), nonceTooLow.detail);
        assertNull(admitted.reason);
        assertEquals(1, admitted.admitted.nonce());
        for (final Answer answer : List.of(malformed, wrongChain, nonceTooLow, admitted))
        {
            assertEquals(IngressPipeline.SEQUENCER_THREAD_NAME, answer.thread.getName());
        }

        pipeline.close();
        // Stage-1 rejections never reach the stage.
        assertEquals(2, stage.offered.size());
        assertEquals(1, pipeline.rejected(TxRejection.MALFORMED_RLP));
        assertEquals(1, pipeline.rejected(TxRejection.WRONG_CHAIN_ID));
        assertEquals(1, pipeline.rejected(TxRejection.NONCE_TOO_LOW));
        assertEquals(3, pipeline.rejected());
        assertEquals(1, pipeline.admitted());
        assertEquals(4, pipeline.submitted());
    }

    @Test
    void fullRingRefusesWithoutBlockingAndCountsOverload() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingStage stage = new RecordingStage(tx ->
        {
            awaitQuietly(release);
            return null;
        });
        final IngressPipeline pipeline = start(
            new IngressPipeline.Context().ringSize(4).recoveryThreads(1).tickIntervalMs(0),
            new TestTxFormat(0),
            stage);

        final Answer[] answers = new Answer[4];
        for (int n = 0; n < 4; n++)
        {
            answers[n] = new Answer();
            assertTrue(pipeline.submit(TestTxFormat.encode(0, n), answers[n]), "slot " + n);
        }
        // The stage is stuck on the first slot, so the fifth claim would wrap: refused, not blocked.
        final Answer refused = new Answer();
        assertFalse(pipeline.submit(TestTxFormat.encode(0, 4), refused));
        assertFalse(pipeline.submit(TestTxFormat.encode(0, 5), refused));
        assertEquals(2, pipeline.overloaded());
        assertEquals(4, pipeline.submitted());
        assertFalse(pipeline.tick(), "a tick cannot be published into a full ring either");
        assertEquals(0, pipeline.remainingCapacity());

        release.countDown();
        for (final Answer answer : answers)
        {
            answer.await();
            assertEquals(1, answer.calls.get());
            assertNotNull(answer.admitted);
        }
        // Callbacks run inside the batch; the slots are released when the batch ends.
        IngressPipelineLifecycleTest.awaitTrue(() -> pipeline.remainingCapacity() == 4, "slots released");
        final Answer later = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 4), later));
        later.await();
        pipeline.close();
        assertEquals(0, refused.calls.get(), "a refused submission gets no callback");
        assertEquals(5, pipeline.admitted());
        assertEquals(2, pipeline.overloaded());
    }

    @Test
    void stageAndCallbackExceptionsAreCountedAndThePipelineKeepsWorking() throws Exception
    {
        final AtomicInteger endOfBatchCalls = new AtomicInteger();
        final RecordingStage stage = new RecordingStage(tx ->
        {
            if (tx.nonce() % 2 == 1)
            {
                throw new IllegalStateException("mempool bug on nonce " + tx.nonce());
            }
            return null;
        })
        {
            @Override
            public void onEndOfBatch(final long nowMs)
            {
                super.onEndOfBatch(nowMs);
                if (endOfBatchCalls.incrementAndGet() == 1)
                {
                    throw new IllegalStateException("block builder bug");
                }
            }
        };
        final TestTxFormat format = new TestTxFormat(0);
        final TxRecovery flakyRecovery = raw ->
        {
            if (raw.length == 2)
            {
                throw new ArrayIndexOutOfBoundsException("decoder bug");
            }
            return format.recover(raw);
        };
        final IngressPipeline pipeline = start(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(2).tickIntervalMs(0),
            flakyRecovery,
            stage);

        final int count = 10;
        final Answer[] answers = new Answer[count];
        for (int n = 0; n < count; n++)
        {
            final boolean throwingCallback = n == 2;
            answers[n] = new Answer()
            {
                @Override
                public void onAdmitted(final EthTransaction tx)
                {
                    super.onAdmitted(tx);
                    if (throwingCallback)
                    {
                        throw new IllegalStateException("RPC layer bug");
                    }
                }
            };
            assertTrue(pipeline.submit(TestTxFormat.encode(0, n), answers[n]));
        }
        final Answer decoderBug = new Answer();
        assertTrue(pipeline.submit(new byte[2], decoderBug));
        for (final Answer answer : answers)
        {
            answer.await();
        }
        decoderBug.await();

        // Still working after all of that.
        final Answer after = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(1, 100), after));
        after.await();
        pipeline.close();

        for (int n = 0; n < count; n++)
        {
            assertEquals(1, answers[n].calls.get());
            if (n % 2 == 1)
            {
                assertEquals(IngressPipeline.INTERNAL_ERROR, answers[n].reason);
                assertTrue(answers[n].detail.contains("mempool bug on nonce " + n), answers[n].detail);
            }
            else
            {
                assertEquals(n, answers[n].admitted.nonce());
            }
        }
        assertEquals(IngressPipeline.INTERNAL_ERROR, decoderBug.reason);
        assertTrue(decoderBug.detail.contains("decoder bug"), decoderBug.detail);
        assertNotNull(after.admitted);

        // 5 stage throws + 1 callback + 1 onEndOfBatch + 1 recovery.
        assertEquals(8, pipeline.stageExceptions());
        assertEquals(6, pipeline.admitted());
        assertEquals(6, pipeline.rejected(IngressPipeline.INTERNAL_ERROR));
        assertTrue(endOfBatchCalls.get() >= 2, "onEndOfBatch kept being called after it threw");
    }

    @Test
    void sequencerClearsEverySlotReferenceOnceAnswered()
    {
        final RecordingStage stage = new RecordingStage();
        final IngressCounters counters = new IngressCounters();
        final SequencerHandler handler = new SequencerHandler(
            stage, () -> 42L, counters, new StageFaults(), new java.util.concurrent.atomic.AtomicBoolean());
        final RecoveryHandler recovery = new RecoveryHandler(0, 1, new TestTxFormat(0), null, new StageFaults(),
            WaitStrategies.create(WaitStrategies.BACKOFF));

        final IngressEvent event = new IngressEvent();
        final Answer answer = new Answer();
        event.kind = IngressEvent.TX;
        event.raw = TestTxFormat.encode(3, 7);
        event.callback = answer;
        recovery.onEvent(event, 0, true);
        assertNotNull(event.tx);
        handler.onEvent(event, 0, true);

        assertEquals(7, answer.admitted.nonce());
        assertEquals(IngressEvent.EMPTY, event.kind);
        assertNull(event.raw);
        assertNull(event.callback);
        assertNull(event.tx);
        assertNull(event.rejection);
        assertNull(event.detail);
        assertEquals(List.of(42L), stage.endOfBatchTimes);
        assertEquals(1, counters.admitted());

        event.kind = IngressEvent.TX;
        event.raw = new byte[] {0};
        event.callback = answer;
        recovery.onEvent(event, 1, true);
        assertEquals(TxRejection.MALFORMED_RLP, event.rejection);
        handler.onEvent(event, 1, true);
        assertNull(event.rejection);
        assertNull(event.detail);
        assertNull(event.raw);
        assertEquals(1, stage.endOfBatchTimes.size(), "no onEndOfBatch for a batch that offered nothing");
    }

    @Test
    void recoveryShardSkipsSequencesItDoesNotOwnAndTicks() throws Exception
    {
        final AtomicInteger calls = new AtomicInteger();
        final TestTxFormat format = new TestTxFormat(0);
        final RecoveryHandler shard = new RecoveryHandler(1, 3, raw ->
        {
            calls.incrementAndGet();
            return format.recover(raw);
        }, null, new StageFaults(), WaitStrategies.create(WaitStrategies.BACKOFF));
        final IngressEvent event = new IngressEvent();
        for (long sequence = 0; sequence < 9; sequence++)
        {
            event.clear();
            event.kind = IngressEvent.TX;
            event.raw = TestTxFormat.encode(0, sequence);
            shard.onEvent(event, sequence, false);
            assertEquals(sequence % 3 == 1, event.tx != null, "sequence " + sequence);
        }
        event.clear();
        event.kind = IngressEvent.TICK;
        shard.onEvent(event, 4, false);
        assertEquals(3, calls.get());
        assertNull(event.tx);
    }

    static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            if (!latch.await(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("latch not released within 30 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
