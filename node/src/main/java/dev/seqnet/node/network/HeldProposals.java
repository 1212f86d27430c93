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
    // Each view's proposal (one leader per view): delivery takes the finalized view's header signature.
    private final HashMap<Long, Proposal> byView = new HashMap<>();
    private final Predicate<Proposal> atOrBelowPruned = p -> p.block().height() <= this.prunedThrough;
    private long prunedThrough;

    /**
     * Holds {@code p}: by block hash unless a proposal of the same block from the same or a later view is held
     * (any of them carries the block's transactions), and by view. Two leaders can propose the same block (an
     * empty block of the same second in the next view; the hash does not cover the leader's header signature),
     * and either view may be the one finalized, so delivery asks for the finalized view's own ({@link #get(Hash32,
     * long)}) to publish its leader's signature.
     */
    void add(final Proposal p)
    {
        final Proposal held = byHash.get(p.blockHash());
        if (null == held || p.view() > held.view())
        {
            byHash.put(p.blockHash(), p);
        }
        byView.putIfAbsent(p.view(), p);
    }

    /** The held proposal of {@code view} if it proposed {@code blockHash}, or null. */
    Proposal get(final Hash32 blockHash, final long view)
    {
        final Proposal p = byView.get(view);
        return null != p && p.blockHash().equals(blockHash) ? p : null;
    }

    /** The held proposal of this block, or null. */
    Proposal get(final Hash32 blockHash)
    {
        return byHash.get(blockHash);
    }

    /** Forgets the proposal of a block delivered as finalized in {@code view}; other views' go with the next prune. */
    void remove(final Hash32 blockHash, final long view)
    {
        byHash.remove(blockHash);
        final Proposal p = byView.get(view);
        if (null != p && p.blockHash().equals(blockHash))
        {
            byView.remove(view);
        }
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
            byView.values().removeIf(atOrBelowPruned);
        }
    }

    /** Blocks held (a block proposed in two views counts once). */
    int size()
    {
        return byHash.size();
    }

    /** Views whose proposal is held. */
    int views()
    {
        return byView.size();
    }
}
