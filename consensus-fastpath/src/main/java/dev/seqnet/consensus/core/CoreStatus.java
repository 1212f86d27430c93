package dev.seqnet.consensus.core;

import java.util.List;

/**
 * A snapshot of a core for {@code seq_status} and metrics (PROTOCOL.md §11): where it is, what it
 * finalized, how it sees each member, and its counters.
 */
public record CoreStatus(
    long view, int leader, long finalizedHeight, long finalizedView, List<MemberHealth> members, Counters counters)
{
    /** How this member sees member {@code index}. */
    public record MemberHealth(int index, long lastActiveView, boolean demoted, long timeoutsAsLeader)
    {
    }

    /** Progress and drop counters of §11 that the core owns. */
    public record Counters(
        long viewsNotarized, long viewsNullified, long viewsSkipped, long timeouts, long nullifyContradiction,
        long fallbacksSent, long blocksFastFinalized, long blocksSlowFinalized, long blocksIndirect, long evidenceCount,
        long dropLate, long dropStale, long dropFarFuture, long dropDuplicate, long dropInvalidProposal,
        long dropWrongLeader, long certificatesRelayed, long finalizationRequests)
    {
    }
}
