package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;

/**
 * What the core asks its host to do (PROTOCOL.md §13), in order. The host runs them exactly as
 * listed: {@link PersistThenBroadcast} means the journal append returns before the send.
 */
public sealed interface Command
{
    /** Journal {@code record}, then multicast {@code message} (an own proposal or vote). */
    record PersistThenBroadcast(OwnVote record, ConsensusMessage message) implements Command
    {
    }

    /** Multicast a message that needs no journaling (a certificate, a retry of journaled votes). */
    record Broadcast(ConsensusMessage message) implements Command
    {
    }

    /** Unicast a message to one member (nudges, answers, requests). */
    record Send(int member, ConsensusMessage message) implements Command
    {
    }

    /** Build a block for {@code view} on the given parent; answer with {@link Input.ProposalReady}. */
    record BuildBlock(long view, long parentView, Hash32 parentHash, long height) implements Command
    {
    }

    /** Check V5–V7 of {@code proposal}; answer with exactly one {@link Input.BlockVerified}. */
    record VerifyBlock(long view, Proposal proposal) implements Command
    {
    }

    /** Fetch the notarized block {@code blockHash} of {@code view} from the listed members (§10.3). */
    record FetchBlock(long view, Hash32 blockHash, int[] from) implements Command
    {
    }

    /**
     * The core formed {@code certificate} from votes and holds it from now on. The host records it where the
     * inbound check can see it ({@code HeldCertificates}), so that copies arriving later are dropped unverified
     * (§11); R10 no longer broadcasts most formed certificates, which is where the host used to learn of them.
     */
    record CertificateFormed(dev.seqnet.consensus.Certificate certificate) implements Command
    {
    }

    /** Request certificates for {@code fromView..toView} from {@code member}, or all when it is -1. */
    record RequestCertificates(long fromView, long toView, int member) implements Command
    {
    }

    /** A finalized block, in height order: journal, commit, publish (H8). */
    record Deliver(FinalizedBlock block) implements Command
    {
    }

    /** A speculative block that will never be finalized: roll its execution back. */
    record Abandon(Hash32 blockHash) implements Command
    {
    }

    /** Arm the timer of this kind, replacing the pending one. */
    record SetTimer(TimerKind kind, long view, long deadlineNs) implements Command
    {
    }

    /** Disarm the timer of this kind. */
    record CancelTimer(TimerKind kind) implements Command
    {
    }

    /** Journal and serve a piece of evidence. */
    record RecordEvidence(Evidence evidence) implements Command
    {
    }

    /** This member is behind: sync finalized blocks from {@code fromHeight} (§10). */
    record StartSync(long fromHeight) implements Command
    {
    }
}
