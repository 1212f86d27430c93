package dev.seqnet.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Transport#poll} driven by the caller's own loop (no agent), on one IPC driver. */
@Timeout(30)
class TransportPollTest
{
    private MediaDriverLauncher driver;
    private Transport sender;
    private Transport receiver;

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(receiver, sender, driver);
    }

    @Test
    void handlerExceptionIsReportedAndItsFrameIsNotDeliveredAgain()
    {
        driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context().termBufferLength(64 * 1024));
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        sender = Transport.launch(context(0).errorHandler(errors::add));
        receiver = Transport.launch(context(1).errorHandler(errors::add));
        TestNetwork.awaitCondition("connected", () -> sender.connected(1) && receiver.receivingFrom(0));

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[100]);
        for (int seq = 0; seq < 3; seq++)
        {
            TestFrames.write(buffer, TestFrames.BROADCAST, 0, seq, 100);
            assertEquals(SendResult.SENT, sender.send(buffer, 0, 100));
        }

        final List<Integer> delivered = new ArrayList<>();
        final FrameHandler handler = (from, frame, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            frame.getBytes(offset, bytes);
            final int seq = TestFrames.seq(bytes);
            delivered.add(seq);
            if (1 == seq)
            {
                throw new IllegalStateException("handler failed on seq 1");
            }
        };
        final long deadline = System.nanoTime() + TestNetwork.READY_TIMEOUT_NS;
        while (delivered.size() < 3 && System.nanoTime() < deadline)
        {
            if (0 == receiver.poll(handler, 10))
            {
                Thread.yield();
            }
        }
        for (int i = 0; i < 100; i++)
        {
            receiver.poll(handler, 10);
        }

        assertEquals(List.of(0, 1, 2), delivered, "each frame once, the failed one included");
        assertEquals(1, errors.size());
        assertTrue(errors.peek().getMessage().contains("seq 1"));
        assertEquals(3, receiver.counters().get(TransportCounter.FRAMES_RECEIVED));
    }

    @Test
    void closedTransportRefusesToSendAndPollsNothing()
    {
        driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context().termBufferLength(64 * 1024));
        sender = Transport.launch(context(0));
        sender.close();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        assertEquals(SendResult.CLOSED, sender.send(buffer, 0, 8));
        assertEquals(SendResult.CLOSED, sender.sendTo(1, buffer, 0, 8));
        assertEquals(2, sender.counters().get(TransportCounter.CLOSED_DROPS));
        assertEquals(0, sender.poll((from, frame, offset, length) -> {}, 10));
    }

    private Transport.Context context(final int member)
    {
        return new Transport.Context()
            .mode(Transport.Mode.IPC)
            .memberIndex(member)
            .memberCount(2)
            .termLength(64 * 1024)
            .aeronDirectoryName(driver.aeronDirectoryName());
    }
}
