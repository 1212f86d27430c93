package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.message.Proposal;

/** What the core knows of a proposed, not yet final block (PROTOCOL.md §4.1 {@code blocks}). */
final class BlockInfo
{
    enum Status
    {
        UNVERIFIED, VALID, INVALID
    }

    final Hash32 hash;
    final long view;
    final Hash32 parentHash;
    final long height;
    final int proposer;
    final Proposal proposal;
    Status status = Status.UNVERIFIED;

    BlockInfo(final Proposal proposal)
    {
        this.hash = proposal.blockHash();
        this.view = proposal.view();
        this.parentHash = proposal.parentHash();
        this.height = proposal.height();
        this.proposer = proposal.leader();
        this.proposal = proposal;
    }
}
