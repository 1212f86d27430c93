package dev.seqnet.consensus.core;

import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.SigningDomain;

import java.util.concurrent.TimeUnit;

/**
 * Configuration of a {@link ConsensusCore} (PROTOCOL.md §4.4): the genesis member set and signing
 * domain, which must be identical at every member, and local timing settings. Fluent setters in the
 * style of Aeron's {@code Context}.
 */
public final class ConsensusParams
{
    private MemberSet members;
    private SigningDomain domain;
    private long leaderTimeoutNs = TimeUnit.MILLISECONDS.toNanos(20);
    private int maxTimeoutDoublings = 5;
    private long maxBlockIntervalNs = TimeUnit.MILLISECONDS.toNanos(1000);
    private long minBlockIntervalNs = 0;
    private int activityWindowViews = 16;
    private int futureWindowViews = 64;
    private int pastWindowViews = 1024;
    private long nudgeIntervalNs = TimeUnit.MILLISECONDS.toNanos(10);
    private long finalizeGraceNs = 0;
    private boolean relayAllCertificates = false;

    /** Genesis members, stakes and quorums. */
    public ConsensusParams members(final MemberSet members)
    {
        this.members = members;
        return this;
    }

    public MemberSet members()
    {
        return members;
    }

    /** Chain id and genesis hash every signature is bound to. */
    public ConsensusParams domain(final SigningDomain domain)
    {
        this.domain = domain;
        return this;
    }

    public SigningDomain domain()
    {
        return domain;
    }

    /** {@code T_base}: how long after a proposal is due a member waits for it (default 20 ms). */
    public ConsensusParams leaderTimeoutNs(final long leaderTimeoutNs)
    {
        this.leaderTimeoutNs = leaderTimeoutNs;
        return this;
    }

    public long leaderTimeoutNs()
    {
        return leaderTimeoutNs;
    }

    /** {@code C_MAX}: the timeout doubles at most this many times (default 5). */
    public ConsensusParams maxTimeoutDoublings(final int maxTimeoutDoublings)
    {
        this.maxTimeoutDoublings = maxTimeoutDoublings;
        return this;
    }

    public int maxTimeoutDoublings()
    {
        return maxTimeoutDoublings;
    }

    /** An empty block at least this often (default 1 s). */
    public ConsensusParams maxBlockIntervalNs(final long maxBlockIntervalNs)
    {
        this.maxBlockIntervalNs = maxBlockIntervalNs;
        return this;
    }

    public long maxBlockIntervalNs()
    {
        return maxBlockIntervalNs;
    }

    /** A leader does not propose sooner than this after its own last proposal (default 0). */
    public ConsensusParams minBlockIntervalNs(final long minBlockIntervalNs)
    {
        this.minBlockIntervalNs = minBlockIntervalNs;
        return this;
    }

    public long minBlockIntervalNs()
    {
        return minBlockIntervalNs;
    }

    /** {@code R}: views a leader stays demoted after it timed out, and the inactivity window (default 16). */
    public ConsensusParams activityWindowViews(final int activityWindowViews)
    {
        this.activityWindowViews = activityWindowViews;
        return this;
    }

    public int activityWindowViews()
    {
        return activityWindowViews;
    }

    /** {@code W_FUTURE}: votes and proposals further ahead are dropped (default 64). */
    public ConsensusParams futureWindowViews(final int futureWindowViews)
    {
        this.futureWindowViews = futureWindowViews;
        return this;
    }

    public int futureWindowViews()
    {
        return futureWindowViews;
    }

    /** {@code W_PAST}: state kept below the current view (default 1024). */
    public ConsensusParams pastWindowViews(final int pastWindowViews)
    {
        this.pastWindowViews = pastWindowViews;
        return this;
    }

    public int pastWindowViews()
    {
        return pastWindowViews;
    }

    /** Rate limit of R12 nudges per peer (default 10 ms). */
    public ConsensusParams nudgeIntervalNs(final long nudgeIntervalNs)
    {
        this.nudgeIntervalNs = nudgeIntervalNs;
        return this;
    }

    public long nudgeIntervalNs()
    {
        return nudgeIntervalNs;
    }

    /**
     * R8's grace (PROTOCOL §4.6): how long a member holding a notarization waits for the remaining
     * {@code Notarize} votes to complete the fast path before it sends its {@code Finalize}, while
     * every member it still needs was active in the last view. 0 (the default) sends at once.
     */
    public ConsensusParams finalizeGraceNs(final long finalizeGraceNs)
    {
        this.finalizeGraceNs = finalizeGraceNs;
        return this;
    }

    public long finalizeGraceNs()
    {
        return finalizeGraceNs;
    }

    /**
     * R10 (PROTOCOL §4.6): false (the default) relays a certificate this member formed only to the members
     * that have not shown, {@code T_base / 4} later, that they hold one for its view; true broadcasts each
     * formed certificate at once to everyone, as before issue 4's eleventh round. A local setting: relay
     * is liveness only.
     */
    public ConsensusParams relayAllCertificates(final boolean relayAllCertificates)
    {
        this.relayAllCertificates = relayAllCertificates;
        return this;
    }

    /** Whether every formed certificate is broadcast at once (R10). */
    public boolean relayAllCertificates()
    {
        return relayAllCertificates;
    }

    /** Checks that the genesis parts are present and the timings positive. */
    public ConsensusParams conclude()
    {
        if (members == null || domain == null)
        {
            throw new IllegalStateException("consensus params need members and a signing domain");
        }
        if (leaderTimeoutNs <= 0 || maxBlockIntervalNs <= 0 || minBlockIntervalNs < 0 || maxTimeoutDoublings < 0 ||
            maxTimeoutDoublings > 20 || activityWindowViews < 1 || futureWindowViews < 1 || pastWindowViews < 1 ||
            finalizeGraceNs < 0 || finalizeGraceNs >= leaderTimeoutNs)
        {
            throw new IllegalStateException("consensus timings out of range");
        }
        return this;
    }
}
