package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peer frames share the ring with transactions: recovered in parallel, handed to the single writer in ring order. */
class PeerFrameTest
{
    private IngressPipeline pipeline;

    @AfterEach
    void close()
    {
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    /** Records transactions and frames in the order the single writer saw them. */
    private static final class OrderStage extends RecordingStage
    {
        final List<String> order = Collections.synchronizedList(new ArrayList<>());
        final List<String> frameThreads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public dev.seqnet.chain.tx.TxRejection onTransaction(final EthTransaction tx)
        {
            order.add("tx" + tx.nonce());
            return super.onTransaction(tx);
        }

        @Override
        public void onFrame(final Object recovered, final int origin)
        {
            frameThreads.add(Thread.currentThread().getName());
            order.add(recovered + "@" + origin);
        }
    }

    @ParameterizedTest(name = "recoveryThreads = {0}")
    @ValueSource(ints = {2, 0})
    void framesAreRecoveredAndDeliveredInRingOrderWithTransactions(final int recoveryThreadCount) throws Exception
    {
        final OrderStage stage = new OrderStage();
        final List<String> recoveryThreads = Collections.synchronizedList(new ArrayList<>());
        pipeline = new IngressPipeline(
            new IngressPipeline.Context().ringSize(64).recoveryThreads(recoveryThreadCount).tickIntervalMs(0)
                .frameRecovery((frame, origin) ->
                {
                    recoveryThreads.add(Thread.currentThread().getName());
                    if (frame.length == 0)
                    {
                        return null; // dropped by the recovery, never seen by the stage
                    }
                    if (frame[0] == 'x')
                    {
                        throw new IllegalStateException("hostile frame");
                    }
                    return "f" + new String(frame);
                }),
            new TestTxFormat(0), stage);
        pipeline.start();
        final Answer a0 = new Answer();
        final Answer a1 = new Answer();
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 0), a0));
        assertTrue(pipeline.submitFrame("1".getBytes(), 3));
        assertTrue(pipeline.submitFrame(new byte[0], 2));
        assertTrue(pipeline.submitFrame("x".getBytes(), 2));
        assertTrue(pipeline.submit(TestTxFormat.encode(0, 1), a1));
        assertTrue(pipeline.submitFrame("2".getBytes(), 1));
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (stage.order.size() < 4 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        pipeline.close();
        assertEquals(List.of("tx0", "f1@3", "tx1", "f2@1"), stage.order);
        assertEquals(4, recoveryThreads.size(), "each frame recovered once");
        // Off the writer with recovery threads; on the sequencer thread itself when inline.
        final String recoveredOn = recoveryThreadCount > 0 ? IngressPipeline.RECOVERY_THREAD_PREFIX : IngressPipeline.SEQUENCER_THREAD_NAME;
        assertTrue(recoveryThreads.stream().allMatch(t -> t.startsWith(recoveredOn)), recoveryThreads::toString);
        assertTrue(stage.frameThreads.stream().allMatch(IngressPipeline.SEQUENCER_THREAD_NAME::equals));
        assertEquals(1, pipeline.stageExceptions(), "the throwing recovery is counted once");
    }

    @Test
    void submitFrameWithoutARecoveryIsRefused()
    {
        pipeline = new IngressPipeline(new IngressPipeline.Context().ringSize(64).recoveryThreads(1), new TestTxFormat(0),
            new RecordingStage());
        pipeline.start();
        assertThrows(IllegalStateException.class, () -> pipeline.submitFrame(new byte[1], 0));
    }
}
