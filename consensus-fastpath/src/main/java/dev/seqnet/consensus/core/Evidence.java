package dev.seqnet.consensus.core;

import dev.seqnet.consensus.message.ConsensusMessage;

/**
 * Two verified signed messages of one member that no honest member could both send (PROTOCOL.md
 * §8.3). Anyone holding genesis can re-check both signatures. The host numbers, journals and serves
 * it; slashing comes later.
 */
public record Evidence(EvidenceKind kind, int member, long view, ConsensusMessage first, ConsensusMessage second)
{
}
