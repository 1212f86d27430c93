package dev.seqnet.consensus;

import java.math.BigInteger;

/**
 * The stake-weighted round-robin leader schedule of PROTOCOL.md §4.2: stakes reduced by their gcd
 * (and scaled down to a period of at most 65,536 when larger), then smooth weighted round robin over
 * one period. Pure and identical at every member; {@link #leader(long)} is O(1).
 */
public final class LeaderSchedule
{
    /** Longest schedule period before weights are scaled down. */
    public static final int MAX_PERIOD = 65_536;

    private final int[] schedule;

    /** The schedule for members with these positive stakes (index order). */
    public LeaderSchedule(final long[] stakes)
    {
        final long[] w = weights(stakes);
        long period = 0;
        for (final long wi : w)
        {
            period += wi;
        }
        final int p = (int)period;
        final long[] cur = new long[w.length];
        schedule = new int[p];
        for (int k = 0; k < p; k++)
        {
            int best = 0;
            for (int i = 0; i < w.length; i++)
            {
                cur[i] += w[i];
                if (cur[i] > cur[best])
                {
                    best = i;
                }
            }
            cur[best] -= p;
            schedule[k] = best;
        }
    }

    /** w_i: stakes divided by their gcd, scaled to a period ≤ 65,536 (each at least 1) if needed. */
    static long[] weights(final long[] stakes)
    {
        if (stakes.length == 0)
        {
            throw new IllegalArgumentException("no stakes");
        }
        long g = 0;
        for (final long s : stakes)
        {
            if (s <= 0)
            {
                throw new IllegalArgumentException("stake must be positive: " + s);
            }
            g = gcd(g, s);
        }
        final long[] w = new long[stakes.length];
        long sum = 0;
        for (int i = 0; i < w.length; i++)
        {
            w[i] = stakes[i] / g;
            sum += w[i];
        }
        if (sum > MAX_PERIOD)
        {
            // w_i · 65536 overflows a long once w_i ≥ 2^47 (S < 2^62 allows that), so the product
            // is taken exactly; this runs once at genesis.
            final BigInteger total = BigInteger.valueOf(sum);
            for (int i = 0; i < w.length; i++)
            {
                final long scaled = BigInteger.valueOf(w[i]).shiftLeft(16).divide(total).longValueExact();
                w[i] = Math.max(1, scaled);
            }
        }
        return w;
    }

    private static long gcd(final long a, final long b)
    {
        long x = a;
        long y = b;
        while (y != 0)
        {
            final long t = x % y;
            x = y;
            y = t;
        }
        return x;
    }

    /** P, the schedule's period in views. */
    public int period()
    {
        return schedule.length;
    }

    /**
     * {@code leader(v) = sched[(v − 1) mod P]} for view v ≥ 1 (views are u64; values above
     * {@code Long.MAX_VALUE} arrive as negative longs and are handled as unsigned).
     *
     * @throws IllegalArgumentException for view 0, the genesis pseudo-view, which has no leader.
     */
    public int leader(final long view)
    {
        if (view == 0)
        {
            throw new IllegalArgumentException("view 0 has no leader");
        }
        return schedule[(int)Long.remainderUnsigned(view - 1, schedule.length)];
    }
}
