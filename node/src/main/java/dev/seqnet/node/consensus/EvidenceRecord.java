package dev.seqnet.node.consensus;

import dev.seqnet.consensus.core.EvidenceKind;

/**
 * One journaled {@code Evidence} entry as RPC serves it (PROTOCOL.md §8.3): its sequence number, the
 * kind, the member and view, and the complete SBE frames of the two conflicting signed messages, so
 * anyone holding genesis can re-check both signatures.
 */
public record EvidenceRecord(long seq, EvidenceKind kind, int member, long view, byte[] first, byte[] second)
{
}
