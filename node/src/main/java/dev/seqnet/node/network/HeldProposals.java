package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.message.Proposal;

import java.util.HashMap;
import java.util.function.Predicate;

/**
 * The proposals the host holds by block hash: to execute a block (and its unexecuted ancestors) when
 * it is verified, built on or delivered, to answer a peer's {@code BlockRequest}, and to journal the
 * body before an own vote (§8.1). Single-threaded (the sequencer thread).
 * <p>
 * Bounded by the chain's progress: a finalized block's proposal is removed when the block is
 * delivered, and {@link #pruneAtOrBelow} drops the rest at or below the committed head: blocks of
 * nullified views or of another branch, and proposals that arrived too late for the core to take.
 * None of those can be finalized any more, so nothing asks for them again; kept, they would pile up
 * for as long as the member runs (32 bytes per transaction hash each).
 */
final class HeldProposals
{
    private final HashMap<Hash32, Proposal> byHash = new HashMap<>();
    private final Predicate<Proposal> atOrBelowPruned = p -> p.block().height() <= this.prunedThrough;
    private long prunedThrough;

    /**
     * Holds {@code p} unless a proposal of the same block from the same or a later view is held already. Two
     * leaders can propose the same block (an empty block after a nullified view; the hash does not cover the
     * leader's signature): the later view's is the one that can still be finalized, and delivery takes the
     * header signature of the finalized view's proposal.
     */
    void add(final Proposal p)
    {
        final Proposal held = byHash.get(p.blockHash());
        if (null == held || p.view() > held.view())
        {
            byHash.put(p.blockHash(), p);
        }
    }

    /** The held proposal of this block, or null. */
    Proposal get(final Hash32 blockHash)
    {
        return byHash.get(blockHash);
    }

    /** Forgets the proposal of a delivered block. */
    void remove(final Hash32 blockHash)
    {
        byHash.remove(blockHash);
    }

    /**
     * Forgets every proposal of a block at or below {@code height}, the committed head. Does nothing
     * (and allocates nothing) unless the head moved since the last call, so it may run on every tick.
     */
    void pruneAtOrBelow(final long height)
    {
        if (height > prunedThrough)
        {
            prunedThrough = height;
            byHash.values().removeIf(atOrBelowPruned);
        }
    }

    int size()
    {
        return byHash.size();
    }
}
