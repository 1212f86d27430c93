package dev.seqnet.consensus.wire;

/**
 * One counter per {@link DropReason}, indexed by ordinal. Single writer (the thread that verifies
 * inbound frames); other threads may read a slightly old value. Allocation-free on increment.
 */
public final class DropCounters
{
    private final long[] counts = new long[DropReason.count()];

    /** Counts one drop for {@code reason}. */
    public void increment(final DropReason reason)
    {
        counts[reason.ordinal()]++;
    }

    /** Drops counted for {@code reason}. */
    public long get(final DropReason reason)
    {
        return counts[reason.ordinal()];
    }

    /** Drops counted over every reason. */
    public long total()
    {
        long total = 0;
        for (final long c : counts)
        {
            total += c;
        }
        return total;
    }

    /** {@code drop.malformed=0, drop.oversize=2, …} in §11 order. */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("DropCounters[");
        for (int i = 0; i < counts.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(DropReason.of(i).counterName()).append('=').append(counts[i]);
        }
        return sb.append(']').toString();
    }
}
