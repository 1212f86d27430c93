package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;

import java.util.List;

/**
 * What a restarting member read back from its journal (PROTOCOL.md §8.2): the last finalized block,
 * its own journaled votes and the certificates that moved it between views.
 */
public record RecoveredState(
    long finalizedHeight, long finalizedView, Hash32 finalizedHash, List<OwnVote> ownVotes,
    List<Certificate> certificates)
{
    /** A member that has never run: genesis is finalized at view 0. */
    public static final RecoveredState GENESIS = new RecoveredState(0, 0, Hash32.ZERO, List.of(), List.of());

    /** Copies the lists. */
    public RecoveredState
    {
        ownVotes = List.copyOf(ownVotes);
        certificates = List.copyOf(certificates);
    }
}
