package dev.seqnet.node.bench;

/**
 * The step search behind {@code --rate 0}: starting from a rate, double while steps are sustained
 * (halve while they are not, if the very first one fails), then bisect between the highest sustained
 * and the lowest failed rate until they are within a relative precision. Pure bookkeeping: the caller
 * runs each step and reports whether it was sustained.
 */
public final class RateSearch
{
    private final double minRate;
    private final double maxRate;
    private final double precision;
    private final int maxSteps;
    private double best;
    private double lowestFailed = Double.POSITIVE_INFINITY;
    private double next;
    private int steps;

    /**
     * @param startRate first rate tried, tx/s.
     * @param minRate   stop halving below this; the search then reports 0 (nothing sustained).
     * @param maxRate   never offer more than this (the generator's own ceiling).
     * @param precision stop when the failed rate is within this fraction above the sustained one.
     * @param maxSteps  stop after this many steps whatever the state.
     */
    public RateSearch(final double startRate, final double minRate, final double maxRate, final double precision, final int maxSteps)
    {
        if (!(minRate > 0 && startRate >= minRate && maxRate >= startRate && precision > 0 && maxSteps > 0))
        {
            throw new IllegalArgumentException("need 0 < min <= start <= max, precision > 0, steps > 0");
        }
        this.minRate = minRate;
        this.maxRate = maxRate;
        this.precision = precision;
        this.maxSteps = maxSteps;
        this.next = round(startRate);
    }

    /** The rate of the next step, or 0 when the search is over. */
    public double next()
    {
        return next;
    }

    /** Records the outcome of the step at {@link #next()} and chooses the one after. */
    public void report(final boolean sustained)
    {
        final double rate = next;
        if (rate <= 0)
        {
            throw new IllegalStateException("the search is over");
        }
        steps++;
        if (sustained)
        {
            best = Math.max(best, rate);
        }
        else
        {
            lowestFailed = Math.min(lowestFailed, rate);
        }
        next = steps >= maxSteps ? 0 : choose();
    }

    private double choose()
    {
        if (lowestFailed == Double.POSITIVE_INFINITY)
        {
            return best >= maxRate ? 0 : Math.min(maxRate, round(best * 2));
        }
        if (best == 0)
        {
            final double half = round(lowestFailed / 2);
            return half < minRate ? 0 : half;
        }
        if (lowestFailed - best <= precision * best)
        {
            return 0;
        }
        final double mid = round((best + lowestFailed) / 2);
        return mid <= best || mid >= lowestFailed ? 0 : mid;
    }

    /** Whole tx/s; above 1,000 tx/s rounded to tens so the rates in a report read cleanly. */
    private static double round(final double rate)
    {
        return rate >= 1000 ? Math.round(rate / 10) * 10.0 : Math.max(1, Math.round(rate));
    }

    /** The highest sustained rate so far (0 if none). */
    public double best()
    {
        return best;
    }

    public int steps()
    {
        return steps;
    }
}
