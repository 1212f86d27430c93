package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Address;
import dev.seqnet.consensus.message.Proposal;

import java.util.List;

/**
 * The journal record {@code ProposalBody} (PROTOCOL.md §8.1): the body of a block this member
 * proposed, or verified and notarized, written before its own {@code Proposal} or {@code Notarize}
 * record on that block. The signed proposal carries the header fields and transaction hashes; the
 * raw transactions and their senders (recovered when the block was verified) complete it, so a
 * restarted member can answer {@code BlockRequest} for it and re-execute and deliver it.
 *
 * @param proposal the signed proposal, exactly as received or sent.
 * @param txs      the raw transactions, in block order (one per hash of the proposal).
 * @param senders  their senders, in the same order.
 */
public record ProposalBody(Proposal proposal, List<byte[]> txs, List<Address> senders)
{
    /** Checks the shape and copies the lists. */
    public ProposalBody
    {
        if (proposal == null || txs == null || senders == null || txs.size() != senders.size() ||
            txs.size() != proposal.block().txHashes().size())
        {
            throw new IllegalArgumentException("a proposal body needs its proposal and one sender per transaction of it");
        }
        txs = List.copyOf(txs);
        senders = List.copyOf(senders);
    }
}
