package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.consensus.message.Proposal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A member's in-memory journal, which survives simulated crashes (PROTOCOL.md §8): own signed
 * messages (appended before they are sent), the bodies of the proposals this member proposed or
 * notarized (appended before the own message on them), certificates, finalized blocks and the
 * transactions this member acknowledged. {@link #recover} rebuilds the core's {@link RecoveredState}
 * and {@link #recoverBodies} the proposals to hold again, as §8.2 does.
 */
final class SimJournal
{
    /** Certificates handed back on restart (the highest views): enough to re-enter the view. */
    static final int RECOVERED_CERTIFICATES = 16;

    final List<OwnVote> ownVotes = new ArrayList<>();
    /** {@code ProposalBody}: in the simulator the signed proposal carries its whole block (ModelApp holds the transactions). */
    final List<Proposal> bodies = new ArrayList<>();
    final List<Certificate> certificates = new ArrayList<>();
    final List<FinalizedBlock> finalized = new ArrayList<>();
    final List<ModelTx> admitted = new ArrayList<>();

    long finalizedHeight()
    {
        return finalized.size();
    }

    Hash32 finalizedHash()
    {
        return finalized.isEmpty() ? Hash32.ZERO : finalized.get(finalized.size() - 1).blockHash();
    }

    long finalizedView()
    {
        return finalized.isEmpty() ? 0 : finalized.get(finalized.size() - 1).view();
    }

    /** The block at {@code height} (≥ 1). */
    FinalizedBlock at(final long height)
    {
        return finalized.get((int)(height - 1));
    }

    void certificate(final Certificate c)
    {
        for (final Certificate held : certificates)
        {
            if (held.kind() == c.kind() && held.view() == c.view() && java.util.Arrays.equals(held.blockHash(), c.blockHash()))
            {
                return;
            }
        }
        certificates.add(c);
    }

    /**
     * §8.2: the journaled bodies above the finalized head that an own record names: its {@code PROPOSAL}
     * of that view and block, or a {@code NOTARIZE} of that block (two views may hold byte-identical
     * blocks). A body is appended just before that record, so one without it
     * was cut off by a crash: never sent, and for an own proposal never to be sent (the restarted leader
     * does not know it proposed and may propose another block in that view).
     */
    List<Proposal> recoverBodies()
    {
        final long fv = finalizedView();
        final List<Proposal> out = new ArrayList<>();
        for (final Proposal p : bodies)
        {
            if (p.view() <= fv)
            {
                continue;
            }
            for (final OwnVote v : ownVotes)
            {
                if (v.blockHash().equals(p.blockHash()) &&
                    (v.kind() == MessageKind.PROPOSAL ? v.view() == p.view() : v.kind() == MessageKind.NOTARIZE))
                {
                    out.add(p);
                    break;
                }
            }
        }
        return out;
    }

    /** §8.2: finalized head, own votes above it, and the highest-view certificates above it. */
    RecoveredState recover()
    {
        final long fv = finalizedView();
        final List<OwnVote> votes = new ArrayList<>();
        for (final OwnVote v : ownVotes)
        {
            if (v.view() > fv)
            {
                votes.add(v);
            }
        }
        final List<Certificate> certs = new ArrayList<>();
        for (final Certificate c : certificates)
        {
            if (c.view() > fv)
            {
                certs.add(c);
            }
        }
        certs.sort(Comparator.comparingLong(Certificate::view));
        final List<Certificate> last = certs.subList(Math.max(0, certs.size() - RECOVERED_CERTIFICATES), certs.size());
        return new RecoveredState(finalizedHeight(), fv, finalizedHash(), votes, last,
            finalized.isEmpty() ? null : finalized.get(finalized.size() - 1).certificate());
    }
}
