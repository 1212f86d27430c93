package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;

import java.util.List;

/** What travels between simulated hosts: consensus messages and the host-level support messages. */
sealed interface Envelope
{
    /** A consensus message; {@code spam} names the drop a Byzantine injector expects, else null. */
    record Msg(int from, ConsensusMessage message, Spam spam) implements Envelope
    {
    }

    /** One admitted transaction on the stream (§9). */
    record TxGossip(ModelTx tx) implements Envelope
    {
    }

    /** BlockRequest (§10.3). */
    record FetchRequest(int replyTo, Hash32 blockHash) implements Envelope
    {
    }

    /** BlockResponse: the signed proposal carrying the block. */
    record FetchResponse(Proposal proposal) implements Envelope
    {
    }

    /** SyncRequest (§10.2). */
    record SyncRequest(int replyTo, long fromHeight) implements Envelope
    {
    }

    /** SyncResponse: consecutive finalized blocks whose last one carries its finality proof. */
    record SyncResponse(int from, List<FinalizedBlock> blocks) implements Envelope
    {
    }

    /** Garbage a spammer injects, with the counter it must land in (§11, I7). */
    enum Spam
    {
        BAD_SIGNATURE, NON_MEMBER, IMPERSONATOR, WRONG_LEADER, FORGED_CERTIFICATE, FAR_FUTURE, STALE
    }
}
