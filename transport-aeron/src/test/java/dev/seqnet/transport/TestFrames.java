package dev.seqnet.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.MutableDirectBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test frames {@code [kind:1][sender:1][seq:4 LE][pattern...]} whose every byte follows from the header, so a
 * receiver can check a frame arrived whole and unaltered without keeping a copy of what was sent.
 */
final class TestFrames
{
    static final byte BROADCAST = 0;
    static final byte DIRECT = 1;
    static final int HEADER_LENGTH = 6;
    private static final long SEND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private TestFrames()
    {
    }

    static int write(
        final MutableDirectBuffer buffer, final byte kind, final int sender, final int seq, final int length)
    {
        buffer.putByte(0, kind);
        buffer.putByte(1, (byte)sender);
        buffer.putInt(2, seq, java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = HEADER_LENGTH; i < length; i++)
        {
            buffer.putByte(i, pattern(kind, sender, seq, i));
        }
        return length;
    }

    static byte kind(final byte[] frame)
    {
        return frame[0];
    }

    static int sender(final byte[] frame)
    {
        return frame[1] & 0xFF;
    }

    static int seq(final byte[] frame)
    {
        return (frame[2] & 0xFF) | (frame[3] & 0xFF) << 8 | (frame[4] & 0xFF) << 16 | (frame[5] & 0xFF) << 24;
    }

    /** Fails unless every pattern byte matches the header and the sender matches the transport's {@code from}. */
    static void verify(final TestNetwork.Frame frame, final int expectedLength)
    {
        final byte[] bytes = frame.bytes();
        assertEquals(expectedLength, bytes.length, "frame length");
        assertEquals(frame.from(), sender(bytes), "fromMember versus the sender written in the frame");
        for (int i = HEADER_LENGTH; i < bytes.length; i++)
        {
            if (bytes[i] != pattern(kind(bytes), sender(bytes), seq(bytes), i))
            {
                fail("frame from " + frame.from() + " seq " + seq(bytes) + " corrupt at byte " + i);
            }
        }
    }

    /** Sequence numbers of the frames of one kind from one sender, in arrival order. */
    static List<Integer> seqs(final List<TestNetwork.Frame> frames, final int from, final byte kind)
    {
        final List<Integer> seqs = new ArrayList<>();
        for (final TestNetwork.Frame frame : frames)
        {
            if (frame.from() == from && kind(frame.bytes()) == kind)
            {
                seqs.add(seq(frame.bytes()));
            }
        }
        return seqs;
    }

    static List<Integer> range(final int count)
    {
        final List<Integer> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            list.add(i);
        }
        return list;
    }

    /**
     * Broadcasts until every peer has it, as a caller that must not lose a frame would: retries a whole
     * broadcast when its one publication refused it; in UNICAST mode retries only the refused peers with
     * {@code sendTo}, which shares their publication, so nobody gets it twice and per-sender order holds.
     */
    static void sendReliably(final Transport transport, final MutableDirectBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + SEND_TIMEOUT_NS;
        int result = transport.send(buffer, 0, length);
        if (Transport.Mode.UNICAST == transport.mode())
        {
            for (int peer = 0; peer < transport.memberCount() && SendResult.SENT != result; peer++)
            {
                if (peer != transport.memberIndex() && SendResult.SENT != transport.lastSendResult(peer))
                {
                    sendToReliably(transport, peer, buffer, length);
                }
            }
            return;
        }
        while (SendResult.SENT != result)
        {
            checkRetryable(result, deadline);
            result = transport.send(buffer, 0, length);
        }
    }

    static void sendToReliably(
        final Transport transport, final int member, final MutableDirectBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + SEND_TIMEOUT_NS;
        int result;
        while (SendResult.SENT != (result = transport.sendTo(member, buffer, 0, length)))
        {
            checkRetryable(result, deadline);
        }
    }

    private static void checkRetryable(final int result, final long deadline)
    {
        if (SendResult.BACK_PRESSURED != result && SendResult.ADMIN_ACTION != result)
        {
            fail("send failed: " + SendResult.name(result));
        }
        if (System.nanoTime() - deadline > 0)
        {
            fail("still " + SendResult.name(result) + " after 5 s");
        }
        Thread.onSpinWait();
    }

    private static byte pattern(final byte kind, final int sender, final int seq, final int index)
    {
        return (byte)(kind * 101 + sender * 31 + seq * 7 + index * 13 + (index >> 8));
    }
}
