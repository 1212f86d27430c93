package dev.seqnet.node.ingress;

import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * Reassembles fragmented messages per client session, as Aeron's {@code FragmentAssembler} does, but refuses any
 * message longer than a cap while it arrives, and lets a session's buffer go when its image does. Written here
 * because a client chooses its own term length, so Aeron's assembler would buffer whatever a client sends (up to
 * a term / 8, 128 MiB), for as long as the member runs.
 */
final class CappedAssembler implements FragmentHandler
{
    private final FragmentHandler delegate;
    private final int maxMessageLength;
    private final Runnable onOversize;
    private final Int2ObjectHashMap<Partial> partials = new Int2ObjectHashMap<>();

    /**
     * @param onOversize called once for each message dropped for being over {@code maxMessageLength}.
     */
    CappedAssembler(final FragmentHandler delegate, final int maxMessageLength, final Runnable onOversize)
    {
        this.delegate = delegate;
        this.maxMessageLength = maxMessageLength;
        this.onOversize = onOversize;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            if (length > maxMessageLength)
            {
                onOversize.run();
                return;
            }
            delegate.onFragment(buffer, offset, length, header);
            return;
        }
        final int sessionId = header.sessionId();
        Partial partial = partials.get(sessionId);
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
        {
            if (null == partial)
            {
                partial = new Partial();
                partials.put(sessionId, partial);
            }
            partial.length = 0;
            partial.dropped = false;
            partial.active = true;
        }
        else if (null == partial || !partial.active)
        {
            return; // a middle or end without its beginning (joined mid-message): nothing to assemble
        }
        if (!partial.dropped)
        {
            if (partial.length + length > maxMessageLength)
            {
                partial.dropped = true;
                onOversize.run();
            }
            else
            {
                partial.buffer.putBytes(partial.length, buffer, offset, length);
                partial.length += length;
            }
        }
        if ((flags & FrameDescriptor.END_FRAG_FLAG) != 0)
        {
            partial.active = false;
            if (!partial.dropped)
            {
                delegate.onFragment(partial.buffer, 0, partial.length, header);
            }
        }
    }

    /** Lets go of what a session had buffered: its image is gone. */
    void freeSession(final int sessionId)
    {
        partials.remove(sessionId);
    }

    /** A session's message in the making. */
    private static final class Partial
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        int length;
        boolean dropped;
        boolean active;
    }
}
