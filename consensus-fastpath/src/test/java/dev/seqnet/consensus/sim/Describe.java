package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hex;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.Evidence;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.Input;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.util.Arrays;

/**
 * Deterministic one-line descriptions of inputs, commands and messages for the trace (record
 * {@code toString} would print byte arrays by identity, which differs between runs). Signatures are
 * included, so identical traces mean byte-identical outputs.
 */
final class Describe
{
    private Describe()
    {
    }

    static String message(final ConsensusMessage m)
    {
        if (m instanceof Proposal p)
        {
            return p + " sig " + sig(p.signature()) + " " + candidate(p.block());
        }
        if (m instanceof Vote v)
        {
            return v + " sig " + sig(v.signature());
        }
        if (m instanceof Certificate c)
        {
            final StringBuilder b = new StringBuilder("Cert(").append(c.kind()).append(" v").append(c.view())
                .append(' ').append(Hex.encodeBare(Arrays.copyOf(c.blockHash(), 4)))
                .append(" signers ").append(Hex.encodeBare(Arrays.copyOf(c.signers(), 1)))
                .append(" fb ").append(Hex.encodeBare(Arrays.copyOf(c.fallback(), 1)));
            for (int i = 0; i < c.signatureCount(); i++)
            {
                b.append(' ').append(sig(c.signature(i)));
            }
            return b.append(')').toString();
        }
        if (m instanceof CertificateRequest r)
        {
            return "CertReq(" + r.requester() + " " + r.fromView() + ".." + r.toView() + ")";
        }
        return String.valueOf(m);
    }

    static String candidate(final BlockCandidate c)
    {
        return "[h" + c.height() + " " + c.blockHash().shortHex() + " on " + c.parentHash().shortHex() + " ts " +
            c.timestamp() + " txs " + c.txHashes().size() + " hs " + sig(c.headerSignature()) + "]";
    }

    static String input(final Input in)
    {
        if (in instanceof Input.MessageReceived r)
        {
            return "Received " + message(r.message());
        }
        if (in instanceof Input.ProposalReady r)
        {
            return "ProposalReady v" + r.view() + " pv" + r.parentView() + " " + candidate(r.candidate());
        }
        return in.toString();
    }

    static String command(final Command c)
    {
        if (c instanceof Command.PersistThenBroadcast p)
        {
            return "Persist " + ownVote(p.record()) + " then " + message(p.message());
        }
        if (c instanceof Command.Broadcast b)
        {
            return "Broadcast " + message(b.message());
        }
        if (c instanceof Command.CertificateFormed f)
        {
            return "Formed " + message(f.certificate());
        }
        if (c instanceof Command.Send s)
        {
            return "Send " + s.member() + " " + message(s.message());
        }
        if (c instanceof Command.VerifyBlock v)
        {
            return "VerifyBlock v" + v.view() + " " + message(v.proposal());
        }
        if (c instanceof Command.FetchBlock f)
        {
            return "FetchBlock v" + f.view() + " " + f.blockHash().shortHex() + " from " + Arrays.toString(f.from());
        }
        if (c instanceof Command.Deliver d)
        {
            return "Deliver " + block(d.block());
        }
        if (c instanceof Command.RecordEvidence e)
        {
            return "Evidence " + evidence(e.evidence());
        }
        if (c instanceof Command.Abandon a)
        {
            return "Abandon " + a.blockHash().shortHex();
        }
        return c.toString();
    }

    static String block(final FinalizedBlock b)
    {
        return "h" + b.height() + " v" + b.view() + " pv" + b.parentView() + " by " + b.proposer() + " " +
            b.blockHash().shortHex() + " " + b.path() + " @" + b.certifiedHeight() + " " +
            (b.certificate() == null ? "no-cert" : message(b.certificate()));
    }

    static String evidence(final Evidence e)
    {
        return e.kind() + " m" + e.member() + " v" + e.view() + " " + message(e.first()) + " / " + message(e.second());
    }

    static String ownVote(final OwnVote v)
    {
        return v.kind() + "/v" + v.view() + "/pv" + v.parentView() + "/" + v.blockHash().shortHex() + "/" +
            v.parentHash().shortHex() + "/" + v.reason() + "/" + sig(v.signature());
    }

    private static String sig(final byte[] s)
    {
        return Hex.encodeBare(Arrays.copyOf(s, 4));
    }
}
