package dev.seqnet.transport;

import org.agrona.DirectBuffer;

/**
 * Receives whole frames (reassembled if Aeron fragmented them) from {@link Transport#poll}. The buffer is only
 * valid during the call: copy what must outlive it.
 */
@FunctionalInterface
public interface FrameHandler
{
    /**
     * One frame from another member.
     *
     * @param fromMember index of the sending member, taken from the Aeron session id. Anyone able to reach the
     *                   channel can forge it, so it routes but does not authenticate: trust the signature in
     *                   the frame.
     * @param buffer     holding the frame.
     * @param offset     of the frame in the buffer.
     * @param length     of the frame.
     */
    void onFrame(int fromMember, DirectBuffer buffer, int offset, int length);
}
