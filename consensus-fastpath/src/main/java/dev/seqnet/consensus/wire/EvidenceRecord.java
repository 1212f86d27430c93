package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.core.Evidence;

/** The journal and RPC entry of one {@link Evidence} (PROTOCOL.md §8.3), numbered {@code seq} by the host. */
public record EvidenceRecord(long seq, Evidence evidence)
{
    /** Checks the shape. */
    public EvidenceRecord
    {
        if (evidence == null || evidence.kind() == null || evidence.first() == null || evidence.second() == null)
        {
            throw new IllegalArgumentException("evidence record needs a kind and two messages");
        }
        Checks.index(evidence.member(), "member");
    }
}
