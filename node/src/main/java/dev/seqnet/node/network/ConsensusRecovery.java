package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.consensus.wire.Decoded;
import dev.seqnet.consensus.wire.JournalCodec;
import dev.seqnet.consensus.wire.OwnVoteRecord;
import dev.seqnet.consensus.wire.ProposalBody;
import dev.seqnet.consensus.wire.Templates;
import dev.seqnet.journal.JournalCorruptException;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.core.JournalScanner;
import dev.seqnet.chain.block.L2Block;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a member's consensus records back from its journal (PROTOCOL.md §8.2): every own vote, the
 * certificates that moved it between views, the metadata of each finalized block and the bodies of
 * the blocks it proposed or notarized. The result is the core's {@link RecoveredState}: a restarted
 * member never signs what conflicts with a vote it may already have sent; and, from {@link #bodies},
 * the non-final blocks it can serve to peers and deliver itself once they are finalized.
 * <p>
 * The scan's memory does not grow with the journal: it keeps the finalization records of the last
 * {@code keepFinalized} heights (older ones are read from the journal when asked for, {@code
 * BlockArchive}), and drops own votes, certificates and bodies of views a later finalization record
 * covers, which restart ignores (§8.2: only views above the finalized head's count).
 */
public final class ConsensusRecovery implements JournalScanner.Visitor
{
    private final JournalCodec codec = new JournalCodec();
    private final List<OwnVote> ownVotes = new ArrayList<>();
    private final List<Certificate> certificates = new ArrayList<>();
    private final int keepFinalized;
    private final java.util.ArrayDeque<FinalizedBlock> finalized = new java.util.ArrayDeque<>();
    private final List<dev.seqnet.node.consensus.EvidenceRecord> evidence = new ArrayList<>();
    private final List<ProposalBody> bodies = new ArrayList<>();
    private final dev.seqnet.consensus.wire.ConsensusCodec consensusCodec = new dev.seqnet.consensus.wire.ConsensusCodec();

    /** @param keepFinalized how many of the latest finalization records to keep, at least 1 (node.json {@code chain.cached_blocks}). */
    public ConsensusRecovery(final int keepFinalized)
    {
        if (keepFinalized < 1)
        {
            throw new IllegalArgumentException("keepFinalized must be at least 1: " + keepFinalized);
        }
        this.keepFinalized = keepFinalized;
    }

    /** Scans the whole journal. */
    public ConsensusRecovery scan(final JournalReader reader) throws Exception
    {
        new JournalScanner().scan(reader, this);
        return this;
    }

    @Override
    public void onBlock(final long index, final L2Block block)
    {
        // Blocks are rebuilt by JournalRecovery; only their consensus metadata is read here.
    }

    @Override
    public void onConsensusRecord(final long index, final int templateId, final DirectBuffer buffer, final int offset, final int length)
        throws Exception
    {
        if (templateId == Templates.OWN_VOTE)
        {
            final Decoded<OwnVoteRecord> d = codec.decodeOwnVote(buffer, offset, length);
            ownVotes.add(ok(d, index).vote());
        }
        else if (templateId == Templates.FINALIZED_BLOCK)
        {
            final FinalizedBlock fb = ok(codec.decodeFinalizedBlock(buffer, offset, length), index);
            finalized.addLast(fb);
            if (finalized.size() > keepFinalized)
            {
                finalized.removeFirst();
            }
            // Only what lies above the finalized head matters after a restart (the core skips the rest, §8.2):
            // keep the scan's memory to that.
            bodies.removeIf(b -> b.proposal().view() <= fb.view());
            ownVotes.removeIf(v -> v.view() <= fb.view());
            certificates.removeIf(c -> c.view() <= fb.view());
        }
        else if (templateId == Templates.CERTIFICATE_RECORD)
        {
            certificates.add(ok(codec.decodeCertificateRecord(buffer, offset, length), index));
        }
        else if (templateId == Templates.PROPOSAL_BODY)
        {
            bodies.add(ok(codec.decodeProposalBody(buffer, offset, length), index));
        }
        else if (templateId == Templates.EVIDENCE)
        {
            final dev.seqnet.consensus.wire.EvidenceRecord r = ok(codec.decodeEvidence(buffer, offset, length), index);
            evidence.add(new dev.seqnet.node.consensus.EvidenceRecord(r.seq(), r.evidence().kind(), r.evidence().member(),
                r.evidence().view(), consensusCodec.encode(r.evidence().first()), consensusCodec.encode(r.evidence().second())));
        }
    }

    private static <T> T ok(final Decoded<T> d, final long index) throws JournalCorruptException
    {
        if (!d.isOk())
        {
            throw new JournalCorruptException(index, null, "undecodable consensus record: " + d.drop());
        }
        return d.value();
    }

    /** The finalized-block metadata of the latest {@code keepFinalized} heights, in journal (height) order. */
    public List<FinalizedBlock> finalized()
    {
        return new ArrayList<>(finalized);
    }

    /** The evidence records journaled so far, in sequence order (new ones continue the numbering). */
    public List<dev.seqnet.node.consensus.EvidenceRecord> evidence()
    {
        return evidence;
    }

    /**
     * The journaled proposal bodies to hold again after a restart (§8.2): those of views above
     * {@code finalizedView} that an own record names — its {@code PROPOSAL} of that view and block, or a
     * {@code NOTARIZE} of that block (two views may propose byte-identical blocks). A body is appended
     * just before that record, so one without it was cut off by a crash: it was never sent, and the
     * restarted leader, not knowing it proposed, may propose another block in that view; serving the
     * cut-off proposal would then be an equivocation. In journal order, one per block.
     */
    public List<ProposalBody> bodies(final long finalizedView)
    {
        final List<ProposalBody> out = new ArrayList<>();
        final java.util.HashSet<Hash32> seen = new java.util.HashSet<>();
        for (final ProposalBody body : bodies)
        {
            final var p = body.proposal();
            if (p.view() <= finalizedView || seen.contains(p.blockHash()))
            {
                continue;
            }
            for (final OwnVote v : ownVotes)
            {
                if (v.blockHash().equals(p.blockHash()) &&
                    (v.kind() == MessageKind.PROPOSAL ? v.view() == p.view() : v.kind() == MessageKind.NOTARIZE))
                {
                    out.add(body);
                    seen.add(p.blockHash());
                    break;
                }
            }
        }
        return out;
    }

    /** The core's restart state, given the head that block recovery rebuilt. */
    public RecoveredState state(final L2Block head)
    {
        if (head == null)
        {
            return new RecoveredState(0, 0, Hash32.ZERO, ownVotes, certificates);
        }
        FinalizedBlock meta = null;
        for (final FinalizedBlock fb : finalized)
        {
            if (fb.height() == head.height())
            {
                meta = fb;
            }
        }
        if (meta == null)
        {
            throw new IllegalStateException("journal holds block " + head.height() + " without its finalization record");
        }
        return new RecoveredState(head.height(), meta.view(), Hash32.wrap(head.hash()), ownVotes, certificates, meta.certificate());
    }
}
