package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                .frameRecovery((frame, offset, length, origin, holder) ->
                {
                    recoveryThreads.add(Thread.currentThread().getName());
                    if (length == 0)
                    {
                        return null; // dropped by the recovery, never seen by the stage
                    }
                    if (frame.getByte(offset) == 'x')
                    {
                        throw new IllegalStateException("hostile frame");
                    }
                    return "f" + frame.getStringWithoutLengthAscii(offset, length);
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

    /** A recovery that returns the frame as text and counts the holders it makes. */
    private static final class TextRecovery implements FrameRecovery
    {
        final List<StringBuilder> holders = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Object recover(
            final org.agrona.DirectBuffer frame, final int offset, final int length, final int origin, final Object holder)
        {
            final StringBuilder text = (StringBuilder)holder;
            text.setLength(0);
            text.append(frame.getStringWithoutLengthAscii(offset, length));
            return text;
        }

        @Override
        public Object newHolder()
        {
            final StringBuilder holder = new StringBuilder();
            holders.add(holder);
            return holder;
        }
    }

    @Test
    void framesAreCopiedIntoTheSlotOversizeOnesAreCountedDropsAndHoldersAreMadeOncePerSlot() throws Exception
    {
        final OrderStage stage = new OrderStage();
        final TextRecovery recovery = new TextRecovery();
        pipeline = new IngressPipeline(
            new IngressPipeline.Context().ringSize(4).recoveryThreads(1).tickIntervalMs(0)
                .frameSlotLength(8).maxFrameLength(16).frameRecovery(recovery),
            new TestTxFormat(0), stage);
        pipeline.start();
        final UnsafeBuffer source = new UnsafeBuffer(new byte[64]);
        final List<String> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++)
        {
            // Short frames fit the slot's 8 bytes; every third one needs 12 (a one-off array).
            final String text = i % 3 == 2 ? "large-" + (100_000 + i) : "f" + i;
            source.putStringWithoutLengthAscii(10, text);
            while (!pipeline.submitFrame(source, 10, text.length(), i))
            {
                Thread.sleep(1); // ring of 4: wait for the writer
            }
            source.setMemory(0, 64, (byte)'?'); // the caller's buffer is free again as soon as submitFrame returns
            sent.add(text + "@" + i);
        }
        assertFalse(pipeline.submitFrame(source, 0, 17, 0), "longer than maxFrameLength");
        assertFalse(pipeline.submitFrame(new byte[17], 0), "longer than maxFrameLength, array form");
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (stage.order.size() < sent.size() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        final long refusedWhileFull = pipeline.framesRefused(); // the retries above, when the ring of 4 was full
        pipeline.close();
        assertEquals(sent, stage.order, "every frame intact, in order; the holders' text as the stage saw it");
        assertEquals(2, pipeline.framesOversize());
        assertEquals(4, pipeline.largeFrames());
        assertEquals(4, recovery.holders.size(), "one holder per slot, made once, then reused");
        assertFalse(pipeline.submitFrame(source, 0, 1, 0), "closed");
        assertEquals(refusedWhileFull + 1, pipeline.framesRefused());
    }

    @Test
    void aFrameCopyThatFailsStillPublishesItsSlotSoTheRingMovesOn() throws Exception
    {
        final OrderStage stage = new OrderStage();
        pipeline = new IngressPipeline(
            new IngressPipeline.Context().ringSize(8).recoveryThreads(1).tickIntervalMs(0).frameRecovery(new TextRecovery()),
            new TestTxFormat(0), stage);
        pipeline.start();
        final UnsafeBuffer small = new UnsafeBuffer(new byte[4]);
        for (int i = 0; i < 4; i++)
        {
            final int attempt = i;
            assertThrows(IndexOutOfBoundsException.class, () -> pipeline.submitFrame(small, 0, 8, attempt));
        }
        final byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
        assertTrue(pipeline.submitFrame(new UnsafeBuffer(ok), 0, 2, 7));
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (stage.order.isEmpty() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(List.of("ok@7"), stage.order);
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
