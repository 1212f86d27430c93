package dev.seqnet.consensus;

/**
 * The stake thresholds of PROTOCOL.md §1.1, derived from the total stake S and the fast-path slack
 * p: f, Q, F = S − p, T and K. All arithmetic is in {@code long} because genesis keeps S below 2^62.
 */
public final class Quorums
{
    /** Genesis {@code consensus.fast_path_slack = "auto"}: p chosen so that f is as large as possible. */
    public static final long AUTO_SLACK = -1;

    /** Exclusive upper bound on the total stake S (§1.1). */
    public static final long MAX_TOTAL_STAKE = 1L << 62;

    private final long totalStake;
    private final long f;
    private final long p;
    private final long quorum;
    private final long fastQuorum;
    private final long contradiction;
    private final long fallbackTrigger;

    private Quorums(final long totalStake, final long p)
    {
        this.totalStake = totalStake;
        this.p = p;
        this.f = Math.floorDiv(totalStake - 1 - 2 * p, 3);
        this.quorum = (totalStake + f) / 2 + 1;
        this.fastQuorum = totalStake - p;
        this.contradiction = f + p + 1;
        this.fallbackTrigger = f + 1;
    }

    /**
     * The thresholds for total stake {@code totalStake} and slack {@code fastPathSlack} (stake units,
     * or {@link #AUTO_SLACK}).
     *
     * @throws IllegalArgumentException if S is not in [1, 2^62), p is negative (other than AUTO), or
     *                                  p is so large that f = ⌊(S − 1 − 2p)/3⌋ would be negative.
     */
    public static Quorums of(final long totalStake, final long fastPathSlack)
    {
        if (totalStake < 1 || totalStake >= MAX_TOTAL_STAKE)
        {
            throw new IllegalArgumentException("total stake must be in [1, 2^62): " + totalStake);
        }
        final long p;
        if (fastPathSlack == AUTO_SLACK)
        {
            final long f0 = (totalStake - 1) / 3;
            p = (totalStake - 1 - 3 * f0) / 2;
        }
        else if (fastPathSlack < 0)
        {
            throw new IllegalArgumentException("fast_path_slack must be >= 0 or auto: " + fastPathSlack);
        }
        else if (fastPathSlack > (totalStake - 1) / 2)
        {
            // f = ⌊(S − 1 − 2p)/3⌋ < 0 exactly when 2p > S − 1
            throw new IllegalArgumentException(
                "fast_path_slack " + fastPathSlack + " leaves f < 0 for total stake " + totalStake);
        }
        else
        {
            p = fastPathSlack;
        }
        return new Quorums(totalStake, p);
    }

    /** S, the total stake. */
    public long totalStake()
    {
        return totalStake;
    }

    /** f, the Byzantine stake tolerated: ⌊(S − 1 − 2p)/3⌋. */
    public long f()
    {
        return f;
    }

    /** p, the fast-path slack: silent stake up to p still lets the fast path complete. */
    public long p()
    {
        return p;
    }

    /** Q = ⌊(S + f)/2⌋ + 1: notarization, nullification and slow finalization. */
    public long quorum()
    {
        return quorum;
    }

    /** F = S − p: fast finalization (strict {@code Notarize} votes only). */
    public long fastQuorum()
    {
        return fastQuorum;
    }

    /** T = f + p + 1: conflicting stake that lets a voter nullify its vote (R6d). */
    public long contradiction()
    {
        return contradiction;
    }

    /** K = f + 1: strict {@code Notarize} stake that triggers a {@code NotarizeFallback} (R7). */
    public long fallbackTrigger()
    {
        return fallbackTrigger;
    }

    @Override
    public String toString()
    {
        return "Quorums[S=" + totalStake + ", f=" + f + ", p=" + p + ", Q=" + quorum + ", F=" + fastQuorum +
            ", T=" + contradiction + ", K=" + fallbackTrigger + "]";
    }
}
