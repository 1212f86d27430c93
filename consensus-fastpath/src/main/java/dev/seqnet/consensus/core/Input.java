package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;

/**
 * Everything that can change a {@link ConsensusCore} (PROTOCOL.md §13). Time is part of every
 * input: the core never reads a clock.
 */
public sealed interface Input
{
    /** Host monotonic time of the input, in nanoseconds. */
    long nowNs();

    /** The member starts (or restarts from {@link RecoveredState}). */
    record Start(long nowNs) implements Input
    {
    }

    /** A message that passed the inbound checks (decode, limits, membership, signatures). */
    record MessageReceived(long nowNs, ConsensusMessage message) implements Input
    {
    }

    /** A timer set by {@link Command.SetTimer} reached its deadline. */
    record TimerFired(long nowNs, TimerKind kind, long view) implements Input
    {
    }

    /** The host built the block asked for by {@link Command.BuildBlock}. */
    record ProposalReady(long nowNs, long view, long parentView, BlockCandidate candidate) implements Input
    {
    }

    /** The host's answer to {@link Command.VerifyBlock}. */
    record BlockVerified(long nowNs, long view, Hash32 blockHash, Verdict verdict) implements Input
    {
    }

    /** After each admitted batch, own or peer: how many transactions are executable on the speculative tip. */
    record TxBatchAdmitted(long nowNs, int pendingExecutable) implements Input
    {
    }

    /** Block sync finalized blocks up to {@code height} (§10.2). */
    record BlocksSynced(long nowNs, long height, long view, Hash32 blockHash) implements Input
    {
    }
}
