package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.consensus.wire.JournalCodec;
import dev.seqnet.consensus.wire.OwnVoteRecord;
import dev.seqnet.journal.Journal;
import org.agrona.ExpandableArrayBuffer;

import java.util.function.Function;

/**
 * Runs the core's {@code PersistThenBroadcast} (PROTOCOL.md §8.1, §13 H1): journal, then send. For an
 * own {@code Proposal}, or a {@code Notarize} on a block this member verified, the block's body (the
 * signed proposal and its transactions, record {@code ProposalBody}) is appended first, then the
 * {@code OwnVote}, and only then is the message handed to the transport. A finalized block whose every
 * holder crashed before delivering it can so still be served and delivered after a restart.
 *
 * <p>Each body is written once per block (a leader's {@code Proposal} is also its {@code Notarize},
 * PROTOCOL.md §3.2, so no second record follows it; a retried own vote is a broadcast and writes
 * nothing). A body that cannot be written because the host lacks the proposal or its executed block
 * (never expected: a member notarizes only a block it executed) is counted in {@link #bodiesMissing}
 * and the vote goes out anyway: safety never depends on the body, only availability. An append that
 * fails throws, and the caller stops the member before anything is sent.
 *
 * <p>Single-threaded (the sequencer thread). Once its buffer and the codec's scratch have grown it
 * allocates the {@link OwnVoteRecord} wrapper per message (as before) and, per body, a copy of the
 * block hash; the transactions are copied straight into the journal buffer.
 */
final class OwnVoteJournal
{
    /** Hands a journaled message to the transport. */
    interface Sender
    {
        void send(ConsensusMessage message);
    }

    private final Journal journal;
    private final Function<Hash32, Proposal> proposals;
    private final Function<Hash32, L2Block> executed;
    private final Sender sender;
    private final JournalCodec codec = new JournalCodec();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private Hash32 lastBody;
    private long bodiesWritten;
    private long bodiesMissing;

    /**
     * @param proposals the proposal of a block this member holds, or null (the host's stored proposals).
     * @param executed  the executed block of that hash, with its transactions and senders, or null.
     * @param sender    the transport, handed each message after it is journaled.
     */
    OwnVoteJournal(
        final Journal journal, final Function<Hash32, Proposal> proposals, final Function<Hash32, L2Block> executed,
        final Sender sender)
    {
        this.journal = journal;
        this.proposals = proposals;
        this.executed = executed;
        this.sender = sender;
    }

    /**
     * Appends the body (for an own Proposal; for a Notarize unless the body just written is that
     * block's), then {@code record}, then sends {@code message}.
     */
    void persistThenBroadcast(final OwnVote record, final ConsensusMessage message, final long nowNs)
    {
        appendBody(message);
        final int length = codec.encodeOwnVote(new OwnVoteRecord(record, nowNs), buffer, 0);
        journal.append(buffer, 0, length);
        sender.send(message);
    }

    private void appendBody(final ConsensusMessage message)
    {
        final Proposal proposal;
        if (message instanceof Proposal p)
        {
            proposal = p;
        }
        else if (message instanceof Vote v && v.kind() == MessageKind.NOTARIZE)
        {
            if (v.blockHash().equals(lastBody))
            {
                return;
            }
            proposal = proposals.apply(v.blockHash());
        }
        else
        {
            return;
        }
        final Hash32 hash = proposal == null ? null : proposal.blockHash();
        final L2Block block = hash == null ? null : executed.apply(hash);
        if (block == null)
        {
            bodiesMissing++;
            return;
        }
        final int length = codec.encodeProposalBody(proposal, block, buffer, 0);
        journal.append(buffer, 0, length);
        lastBody = hash;
        bodiesWritten++;
    }

    /** {@code ProposalBody} records appended. */
    long bodiesWritten()
    {
        return bodiesWritten;
    }

    /** Own Proposals and Notarizes sent without a body because the host lacked it (expected 0). */
    long bodiesMissing()
    {
        return bodiesMissing;
    }
}
