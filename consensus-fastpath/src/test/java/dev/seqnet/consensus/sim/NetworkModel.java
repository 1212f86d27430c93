package dev.seqnet.consensus.sim;

import java.util.SplittableRandom;

/**
 * The simulated network between endpoints (members, and the second instance of a Twin): seeded
 * log-normal one-way delays truncated at {@code Δmax}, loss, duplication, reordering (independent
 * delays), partitions into groups and one-way blocked links. {@link #heal()} is GST: partitions and
 * blocked links go, loss goes to zero; duplication and reordering within {@code Δmax} stay.
 */
final class NetworkModel
{
    private final SplittableRandom rng;
    private final int endpoints;
    private final long medianNs;
    private final double sigma;
    private final long maxDelayNs;
    private double loss;
    private final double duplicate;
    private final int[] group;
    private final boolean[][] blocked;
    private boolean healed;

    NetworkModel(
        final long seed, final int endpoints, final long medianNs, final double sigma, final long maxDelayNs,
        final double loss, final double duplicate)
    {
        if (medianNs <= 0 || maxDelayNs < medianNs || loss < 0 || loss >= 1 || duplicate < 0 || duplicate >= 1)
        {
            throw new IllegalArgumentException("bad network parameters");
        }
        this.rng = new SplittableRandom(seed);
        this.endpoints = endpoints;
        this.medianNs = medianNs;
        this.sigma = sigma;
        this.maxDelayNs = maxDelayNs;
        this.loss = loss;
        this.duplicate = duplicate;
        this.group = new int[endpoints];
        this.blocked = new boolean[endpoints][endpoints];
    }

    /** Splits the endpoints: messages between different group ids are dropped until heal. */
    void partition(final int[] groups)
    {
        if (healed)
        {
            return;
        }
        System.arraycopy(groups, 0, group, 0, endpoints);
    }

    /** Drops everything {@code from} sends to {@code to} (not the reverse) until heal. */
    void blockOneWay(final int from, final int to)
    {
        if (!healed)
        {
            blocked[from][to] = true;
        }
    }

    /** Restores the link {@code from} → {@code to}. */
    void unblockOneWay(final int from, final int to)
    {
        blocked[from][to] = false;
    }

    /** Global stabilization: partitions and blocked links are gone and nothing is lost any more. */
    void heal()
    {
        healed = true;
        loss = 0;
        java.util.Arrays.fill(group, 0);
        for (final boolean[] row : blocked)
        {
            java.util.Arrays.fill(row, false);
        }
    }

    boolean healed()
    {
        return healed;
    }

    long maxDelayNs()
    {
        return maxDelayNs;
    }

    /** True when a message from {@code from} can reach {@code to} at all right now. */
    boolean connected(final int from, final int to)
    {
        return group[from] == group[to] && !blocked[from][to];
    }

    /**
     * Draws the fate of one message: writes its delivery delays into {@code delays} and returns how
     * many copies arrive (0 lost or cut off, 1, or 2 duplicated).
     */
    int send(final int from, final int to, final long[] delays)
    {
        final boolean reachable = connected(from, to);
        // Draw the same number of values either way, so a partition does not shift later draws.
        final double lossDraw = rng.nextDouble();
        final double dupDraw = rng.nextDouble();
        final long d1 = delay();
        final long d2 = delay();
        if (!reachable || lossDraw < loss)
        {
            return 0;
        }
        delays[0] = d1;
        if (dupDraw < duplicate)
        {
            delays[1] = d2;
            return 2;
        }
        return 1;
    }

    /** One log-normal delay (median {@code medianNs}), redrawn above {@code Δmax}, at least 1 µs. */
    long delay()
    {
        for (int i = 0; i < 8; i++)
        {
            final double d = medianNs * Math.exp(sigma * rng.nextGaussian());
            if (d <= maxDelayNs)
            {
                return Math.max(1_000L, (long)d);
            }
        }
        return maxDelayNs;
    }
}
