package dev.seqnet.transport;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The {@link TransportCounter} values of one transport. Each counter has a single writer (the sending or the
 * polling thread), so an increment is a plain read and a release store; readers on any thread see recent values.
 * Plain Java memory rather than Aeron counters in the CnC file: those are unmapped when the client closes,
 * so a late increment would crash the JVM instead of being lost.
 */
public final class TransportCounters
{
    // One counter per 64-byte line, so the sender's and the poller's counters do not false-share.
    private static final int STRIDE = 8;
    private static final TransportCounter[] ALL = TransportCounter.values();

    private final AtomicLongArray values = new AtomicLongArray((ALL.length + 1) * STRIDE);

    /** Current value of a counter. */
    public long get(final TransportCounter counter)
    {
        return values.get(index(counter));
    }

    void increment(final TransportCounter counter)
    {
        final int index = index(counter);
        values.setRelease(index, values.getPlain(index) + 1);
    }

    void add(final TransportCounter counter, final long delta)
    {
        final int index = index(counter);
        values.setRelease(index, values.getPlain(index) + delta);
    }

    public String toString()
    {
        final StringBuilder sb = new StringBuilder("TransportCounters{");
        for (int i = 0; i < ALL.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(ALL[i].label()).append('=').append(get(ALL[i]));
        }
        return sb.append('}').toString();
    }

    private static int index(final TransportCounter counter)
    {
        return (counter.ordinal() + 1) * STRIDE;
    }
}
