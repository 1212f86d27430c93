package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;

import java.util.List;

/**
 * What a restarting member read back from its journal (PROTOCOL.md §8.2): the last finalized block
 * and the certificate that finalized it, its own journaled votes and the certificates that moved it
 * between views.
 *
 * <p>The finalized head's certificate is what the member shows a peer that is behind (R11 answers,
 * R12 nudges). Without it a restarted member could not prove its head: seeds 5392 and 5642 (n = 4)
 * ended with the restarted members one view ahead of a member that asked them, in vain, for the
 * certificate of that view, each side waiting for the other's vote.
 *
 * @param finalizedCertificate the FINALIZATION certificate of the finalized head itself (same view
 *                             and hash), or null (genesis, or a journal that lacks it).
 */
public record RecoveredState(
    long finalizedHeight, long finalizedView, Hash32 finalizedHash, List<OwnVote> ownVotes,
    List<Certificate> certificates, Certificate finalizedCertificate)
{
    /** A member that has never run: genesis is finalized at view 0. */
    public static final RecoveredState GENESIS = new RecoveredState(0, 0, Hash32.ZERO, List.of(), List.of());

    /** Copies the lists. */
    public RecoveredState
    {
        ownVotes = List.copyOf(ownVotes);
        certificates = List.copyOf(certificates);
    }

    /** Without the head's certificate. */
    public RecoveredState(
        final long finalizedHeight, final long finalizedView, final Hash32 finalizedHash, final List<OwnVote> ownVotes,
        final List<Certificate> certificates)
    {
        this(finalizedHeight, finalizedView, finalizedHash, ownVotes, certificates, null);
    }
}
