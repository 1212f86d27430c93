package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateCheck;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.EvidenceKind;
import dev.seqnet.consensus.core.Evidence;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.NullifyReason;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The safety invariants of PROTOCOL.md §12.1, checked as each event happens: I1 agreement on a
 * global height → hash map, I2 replay of the finalized chain (nonces contiguous, no transaction
 * twice, state roots), I3 no honest double-sign across restarts (every own signed message is
 * tapped), I4 certificates verify with a verifier built from genesis alone, I5 chain shape and
 * agreement on view and proposer, I7 evidence is genuine and every conflicting pair delivered to an
 * honest member becomes evidence there. Its oracles are written independently of the core.
 */
final class Invariants
{
    /** A signed (kind, view, hash) of one member, as its own tap saw it. */
    record Signed(MessageKind kind, long view, Hash32 hash, NullifyReason reason)
    {
    }

    /** One evidence the core should record: honest {@code member} saw signer's conflicting pair. */
    record Expected(int member, int incarnation, int signer, long view, EvidenceKind kind, String pair)
    {
    }

    private final MemberSet members;
    private final FinalityVerifier verifier;
    private final ModelApp app;
    private final boolean[] byzantine;
    private final int n;

    // I1, I2: the global finalized chain.
    private final List<Hash32> globalHash = new ArrayList<>();
    private final List<Long> globalView = new ArrayList<>();
    private final long[] replayNonces = new long[ModelApp.ACCOUNTS];
    private final Map<Hash32, Long> finalizedTxHeight = new HashMap<>();

    // I5: per member delivered chain.
    private final long[] headHeight;
    private final Hash32[] headHash;
    private final long[] headView;
    private final List<long[]> pendingIndirect = new ArrayList<>();
    private final List<Hash32> pendingIndirectHash = new ArrayList<>();

    // I3: every message an honest key signed, per member and view, in order.
    private final List<Map<Long, List<Signed>>> signed = new ArrayList<>();
    // What each honest member observed: view → signer → set of (kind, hash) votes.
    private final List<Map<Long, Map<Integer, Set<String>>>> observed = new ArrayList<>();

    // I7.
    private final List<Map<String, List<ConsensusMessage>>> received = new ArrayList<>();
    private final Set<Expected> expected = new java.util.LinkedHashSet<>();
    private final Set<String> recorded = new HashSet<>();
    private long evidenceRecords;

    Invariants(final MemberSet members, final FinalityVerifier verifier, final ModelApp app, final boolean[] byzantine)
    {
        this.members = members;
        this.verifier = verifier;
        this.app = app;
        this.byzantine = byzantine.clone();
        this.n = members.size();
        headHeight = new long[n];
        headHash = new Hash32[n];
        headView = new long[n];
        Arrays.fill(headHash, Hash32.ZERO);
        for (int i = 0; i < n; i++)
        {
            signed.add(new HashMap<>());
            observed.add(new HashMap<>());
            received.add(new HashMap<>());
        }
        globalHash.add(Hash32.ZERO);
        globalView.add(0L);
    }

    long globalHeight()
    {
        return globalHash.size() - 1;
    }

    Hash32 globalHash(final long height)
    {
        return globalHash.get((int)height);
    }

    long headHeight(final int member)
    {
        return headHeight[member];
    }

    /** Height of the finalized block holding this transaction, or −1. */
    long finalizedAt(final Hash32 txId)
    {
        final Long h = finalizedTxHeight.get(txId);
        return h == null ? -1 : h;
    }

    long evidenceRecords()
    {
        return evidenceRecords;
    }

    // ------------------------------------------------------------------ I1, I2, I4, I5

    /** A member delivered (or synced) {@code b}; {@code abandoned} holds what it abandoned since its start. */
    void onDeliver(final int member, final FinalizedBlock b, final Set<Hash32> abandoned)
    {
        final String who = "member " + member + " height " + b.height();
        if (b.height() != headHeight[member] + 1)
        {
            throw new Violation("I5", who + ": delivered after height " + headHeight[member] + " (not contiguous)");
        }
        final BlockCandidate c = app.block(b.blockHash());
        if (c == null)
        {
            throw new Violation("I5", who + ": delivered a block nobody built: " + b.blockHash());
        }
        if (c.height() != b.height() || !c.parentHash().equals(headHash[member]))
        {
            throw new Violation("I5", who + ": not prev_hash-linked: parent " + c.parentHash().shortHex() +
                " vs head " + headHash[member].shortHex() + ", block height " + c.height());
        }
        if (b.view() <= headView[member] || (b.height() > 1 && b.parentView() != headView[member]) ||
            (b.height() == 1 && b.parentView() != 0))
        {
            throw new Violation("I5", who + ": view " + b.view() + " parentView " + b.parentView() +
                " after head view " + headView[member]);
        }
        if (b.proposer() != members.schedule().leader(b.view()))
        {
            throw new Violation("I5", who + ": proposer " + b.proposer() + " is not leader(" + b.view() + ")");
        }
        if (abandoned != null && abandoned.contains(b.blockHash()))
        {
            throw new Violation("I5", who + ": delivered " + b.blockHash().shortHex() + " which it had abandoned");
        }
        checkCertificate(member, b);

        // I1: agreement.
        if (b.height() <= globalHeight())
        {
            final Hash32 g = globalHash.get((int)b.height());
            if (!g.equals(b.blockHash()))
            {
                throw new Violation("I1", who + ": finalized " + b.blockHash().shortHex() + " but " + g.shortHex() +
                    " was finalized at that height before");
            }
            if (globalView.get((int)b.height()) != b.view())
            {
                throw new Violation("I5", who + ": view " + b.view() + " differs from global " +
                    globalView.get((int)b.height()));
            }
        }
        else
        {
            replay(b, c);
        }
        headHeight[member] = b.height();
        headHash[member] = b.blockHash();
        headView[member] = b.view();
        for (int i = pendingIndirect.size() - 1; i >= 0; i--)
        {
            final long[] p = pendingIndirect.get(i);
            if (p[0] == member && p[1] == b.height())
            {
                if (!pendingIndirectHash.get(i).equals(b.blockHash()) || p[2] != b.view())
                {
                    throw new Violation("I4", who + ": an INDIRECT delivery's certificate is for " +
                        pendingIndirectHash.get(i).shortHex() + " at view " + p[2] + ", not this block");
                }
                pendingIndirect.remove(i);
                pendingIndirectHash.remove(i);
            }
        }
    }

    /** After a core step: every INDIRECT delivery's certified block must have been delivered in it. */
    void endOfStep(final int member)
    {
        for (int i = 0; i < pendingIndirect.size(); i++)
        {
            final long[] p = pendingIndirect.get(i);
            if (p[0] == member)
            {
                throw new Violation("I4", "member " + member + ": INDIRECT delivery certified by height " + p[1] +
                    " which it did not deliver in the same step (head " + headHeight[member] + ")");
            }
        }
    }

    private void checkCertificate(final int member, final FinalizedBlock b)
    {
        final String who = "member " + member + " height " + b.height();
        final Certificate cert = b.certificate();
        if (cert == null)
        {
            throw new Violation("I4", who + ": delivered without a certificate");
        }
        final CertificateCheck check = SimCrypto.verify(verifier, cert);
        if (!check.isValid())
        {
            throw new Violation("I4", who + ": certificate does not verify: " + check);
        }
        if (check.kind() != CertificateKind.FINALIZATION_FAST && check.kind() != CertificateKind.FINALIZATION_SLOW)
        {
            throw new Violation("I4", who + ": delivered with a " + check.kind() + " certificate");
        }
        final Hash32 certHash = Hash32.wrap(check.blockHash());
        if (b.path() == FinalizationPath.INDIRECT)
        {
            if (b.certifiedHeight() <= b.height())
            {
                throw new Violation("I4", who + ": INDIRECT with certifiedHeight " + b.certifiedHeight());
            }
            pendingIndirect.add(new long[] {member, b.certifiedHeight(), check.view()});
            pendingIndirectHash.add(certHash);
            return;
        }
        final CertificateKind want = b.path() == FinalizationPath.FAST ?
            CertificateKind.FINALIZATION_FAST : CertificateKind.FINALIZATION_SLOW;
        if (check.kind() != want || b.certifiedHeight() != b.height() || !certHash.equals(b.blockHash()) ||
            check.view() != b.view())
        {
            throw new Violation("I4", who + ": path " + b.path() + " with " + check + " for " + certHash.shortHex() +
                ", certifiedHeight " + b.certifiedHeight());
        }
    }

    /** I2: applies a newly finalized height to the reference replay. */
    private void replay(final FinalizedBlock b, final BlockCandidate c)
    {
        final List<Hash32> ids = c.txHashes();
        for (final Hash32 id : ids)
        {
            final ModelTx tx = app.tx(id);
            if (tx == null)
            {
                throw new Violation("I2", "height " + b.height() + ": unknown transaction " + id.shortHex());
            }
            final Long before = finalizedTxHeight.putIfAbsent(id, b.height());
            if (before != null)
            {
                throw new Violation("I2", "height " + b.height() + ": transaction " + id.shortHex() +
                    " was already finalized at height " + before);
            }
            if (replayNonces[tx.sender()] != tx.nonce())
            {
                throw new Violation("I2", "height " + b.height() + ": account " + tx.sender() + " nonce " +
                    tx.nonce() + " but the replay expects " + replayNonces[tx.sender()]);
            }
            replayNonces[tx.sender()]++;
        }
        if (!ModelApp.stateRoot(replayNonces).equals(c.stateRoot()))
        {
            throw new Violation("I2", "height " + b.height() + ": state root does not replay");
        }
        globalHash.add(b.blockHash());
        globalView.add(b.view());
    }

    // ------------------------------------------------------------------ I3

    /** An honest member's core produced {@code message} to journal and send (tapped before the append). */
    void onSigned(final int member, final OwnVote record, final ConsensusMessage message)
    {
        final String who = "member " + member;
        final Signed s;
        final byte[] digest;
        final byte[] sig;
        if (message instanceof Proposal p)
        {
            if (p.leader() != member || members.schedule().leader(p.view()) != member)
            {
                throw new Violation("I3", who + " proposed for view " + p.view() + " it does not lead");
            }
            s = new Signed(MessageKind.PROPOSAL, p.view(), p.blockHash(), null);
            digest = SimCrypto.DOMAIN.proposalDigest(p.view(), p.blockHash().unsafeBytes());
            sig = p.signature();
        }
        else if (message instanceof Vote v)
        {
            if (v.signer() != member)
            {
                throw new Violation("I3", who + " signed a vote as member " + v.signer());
            }
            s = new Signed(v.kind(), v.view(), v.blockHash(), record.reason());
            digest = SimCrypto.DOMAIN.voteDigest(v.kind(), v.view(), v.blockHash().unsafeBytes());
            sig = v.signature();
        }
        else
        {
            throw new Violation("H1", who + ": PersistThenBroadcast of an unsigned message " + message);
        }
        if (record.kind() != s.kind() || record.view() != s.view() || !record.blockHash().equals(s.hash()) ||
            !Arrays.equals(record.signature(), sig))
        {
            throw new Violation("I3", who + ": journaled OwnVote " + record.kind() + "/" + record.view() +
                " differs from the message sent " + message);
        }
        if (!SimCrypto.verify(sig, digest, members.member(member).publicKey()))
        {
            throw new Violation("I3", who + ": own signature does not verify on " + message);
        }
        checkSigned(member, who, s);
        if (s.kind() == MessageKind.PROPOSAL)
        {
            // A proposal is also its leader's Notarize (PROTOCOL.md §3.2): the same rules apply to it.
            checkSigned(member, who, new Signed(MessageKind.NOTARIZE, s.view(), s.hash(), null));
        }
    }

    /** I3's rules for one statement an honest member signed, against all it signed before in that view. */
    private void checkSigned(final int member, final String who, final Signed s)
    {
        final List<Signed> prior = signed.get(member).computeIfAbsent(s.view(), k -> new ArrayList<>());
        for (final Signed p : prior)
        {
            if (p.kind() == s.kind() && p.hash().equals(s.hash()))
            {
                continue;
            }
            final EvidenceKind e = conflict(p.kind(), p.hash(), s.kind(), s.hash());
            if (e != null)
            {
                throw new Violation("I3", who + " (honest) signed " + p + " then " + s + ": evidence " + e);
            }
        }
        for (final Signed p : prior)
        {
            if (s.kind() == MessageKind.NOTARIZE && p.kind() == MessageKind.NULLIFY)
            {
                throw new Violation("I3", who + ": Notarize(" + s.view() + ") after its own Nullify");
            }
            if (s.kind() == MessageKind.NULLIFY && p.kind() == MessageKind.NOTARIZE)
            {
                final long conflict = conflictStake(member, s.view(), p.hash());
                if (s.reason() != NullifyReason.CONTRADICTION || conflict < members.quorums().contradiction())
                {
                    throw new Violation("I3", who + ": Nullify(" + s.view() + ", " + s.reason() +
                        ") after its own Notarize(" + p.hash().shortHex() + ") with conflict " + conflict + " < T=" +
                        members.quorums().contradiction());
                }
            }
        }
        if (s.kind() == MessageKind.NOTARIZE_FALLBACK)
        {
            final boolean nullified = prior.stream().anyMatch(p -> p.kind() == MessageKind.NULLIFY);
            final long strict = strictStake(member, s.view(), s.hash());
            if (!nullified || strict < members.quorums().fallbackTrigger())
            {
                throw new Violation("I3", who + ": NotarizeFallback(" + s.view() + ", " + s.hash().shortHex() +
                    ") with own Nullify " + nullified + " and strict " + strict + " (K=" +
                    members.quorums().fallbackTrigger() + ")");
            }
        }
        prior.add(s);
        observe(member, member, s.kind(), s.view(), s.hash());
    }

    /** The evidence kind a pair (a, b) of one signer in one view forms, or null (§8.3). */
    static EvidenceKind conflict(final MessageKind ka, final Hash32 ha, final MessageKind kb, final Hash32 hb)
    {
        final EvidenceKind e = ordered(ka, ha, kb, hb);
        return e != null ? e : ordered(kb, hb, ka, ha);
    }

    private static EvidenceKind ordered(final MessageKind ka, final Hash32 ha, final MessageKind kb, final Hash32 hb)
    {
        final boolean same = ha.equals(hb);
        if (ka == MessageKind.PROPOSAL && kb == MessageKind.PROPOSAL && !same)
        {
            return EvidenceKind.DOUBLE_PROPOSAL;
        }
        if (ka == MessageKind.NOTARIZE && kb == MessageKind.NOTARIZE && !same)
        {
            return EvidenceKind.DOUBLE_NOTARIZE;
        }
        if (ka == MessageKind.FINALIZE && kb == MessageKind.FINALIZE && !same)
        {
            return EvidenceKind.DOUBLE_FINALIZE;
        }
        if (ka == MessageKind.NULLIFY && kb == MessageKind.FINALIZE)
        {
            return EvidenceKind.NULLIFY_AND_FINALIZE;
        }
        if (ka == MessageKind.FINALIZE && kb == MessageKind.NOTARIZE && !same)
        {
            return EvidenceKind.FINALIZE_AND_OTHER_NOTARIZE;
        }
        if (ka == MessageKind.NOTARIZE_FALLBACK && kb == MessageKind.FINALIZE)
        {
            return EvidenceKind.FALLBACK_AND_FINALIZE;
        }
        if (ka == MessageKind.NOTARIZE_FALLBACK && kb == MessageKind.NOTARIZE && same)
        {
            return EvidenceKind.FALLBACK_AND_NOTARIZE_SAME;
        }
        return null;
    }

    /** What an honest member's core was given (own votes are added by {@link #onSigned}). */
    void onObserved(final int member, final ConsensusMessage m)
    {
        if (m instanceof Vote v && v.signer() >= 0 && v.signer() < n)
        {
            observe(member, v.signer(), v.kind(), v.view(), v.blockHash());
        }
        else if (m instanceof Proposal p && p.leader() >= 0 && p.leader() < n)
        {
            observe(member, p.leader(), MessageKind.NOTARIZE, p.view(), p.blockHash());
        }
        else if (m instanceof Certificate c)
        {
            final byte[] signers = c.signers();
            final byte[] fallback = c.fallback();
            final Hash32 h = Hash32.wrap(c.blockHash());
            for (int i = 0; i < n; i++)
            {
                if (Certificate.isSet(signers, i))
                {
                    final MessageKind k = Certificate.isSet(fallback, i) ? MessageKind.NOTARIZE_FALLBACK : c.kind().voteKind();
                    observe(member, i, k, c.view(), h);
                }
            }
        }
    }

    private void observe(final int member, final int signer, final MessageKind kind, final long view, final Hash32 hash)
    {
        observed.get(member).computeIfAbsent(view, k -> new TreeMap<>())
            .computeIfAbsent(signer, k -> new TreeSet<>()).add(kind.name() + ":" + hash);
    }

    /** conflict(w, b) of §4.1 over everything {@code member} ever observed. */
    long conflictStake(final int member, final long view, final Hash32 b)
    {
        final Map<Integer, Set<String>> votes = observed.get(member).get(view);
        long stake = 0;
        if (votes == null)
        {
            return 0;
        }
        for (final Map.Entry<Integer, Set<String>> e : votes.entrySet())
        {
            if (e.getKey() == member)
            {
                continue;
            }
            for (final String v : e.getValue())
            {
                if (v.startsWith("NULLIFY:") || (v.startsWith("NOTARIZE:") && !v.equals("NOTARIZE:" + b)))
                {
                    stake += members.stake(e.getKey());
                    break;
                }
            }
        }
        return stake;
    }

    /** strict(w, b) of §4.1 over everything {@code member} ever observed. */
    long strictStake(final int member, final long view, final Hash32 b)
    {
        final Map<Integer, Set<String>> votes = observed.get(member).get(view);
        long stake = 0;
        if (votes != null)
        {
            for (final Map.Entry<Integer, Set<String>> e : votes.entrySet())
            {
                if (e.getValue().contains("NOTARIZE:" + b))
                {
                    stake += members.stake(e.getKey());
                }
            }
        }
        return stake;
    }

    // ------------------------------------------------------------------ I7

    /**
     * Honest {@code member} (in its {@code incarnation}) was given a signed message of a Byzantine
     * signer for a view it has not finalized and inside its window: a conflicting earlier one makes an
     * expected evidence record.
     */
    void onByzantineReceived(final int member, final int incarnation, final ConsensusMessage m)
    {
        final int signer;
        final MessageKind kind;
        final Hash32 hash;
        if (m instanceof Proposal p)
        {
            signer = p.leader();
            kind = MessageKind.PROPOSAL;
            hash = p.blockHash();
        }
        else if (m instanceof Vote v)
        {
            signer = v.signer();
            kind = v.kind();
            hash = v.blockHash();
        }
        else
        {
            return;
        }
        final String key = incarnation + "/" + signer + "/" + m.view();
        final List<ConsensusMessage> prior = received.get(member).computeIfAbsent(key, k -> new ArrayList<>());
        for (final ConsensusMessage p : prior)
        {
            final MessageKind pk = p instanceof Proposal ? MessageKind.PROPOSAL : ((Vote)p).kind();
            final Hash32 ph = p instanceof Proposal ? ((Proposal)p).blockHash() : ((Vote)p).blockHash();
            final EvidenceKind e = conflict(pk, ph, kind, hash);
            if (e != null)
            {
                expected.add(new Expected(member, incarnation, signer, m.view(), e, p + " / " + m));
            }
        }
        prior.add(m);
    }

    /** An evidence record of {@code member}'s core: it must be genuine and name a Byzantine member. */
    void onEvidence(final int member, final int incarnation, final Evidence e)
    {
        evidenceRecords++;
        final String who = "member " + member + " evidence " + e.kind() + " against " + e.member() + " view " + e.view();
        if (e.member() < 0 || e.member() >= n)
        {
            throw new Violation("I7", who + ": not a member");
        }
        if (!byzantine[e.member()])
        {
            throw new Violation("I7", who + ": names an honest member: " + e.first() + " / " + e.second());
        }
        final Signed a = check(who, e.member(), e.first());
        final Signed b = check(who, e.member(), e.second());
        if (a != null && b != null)
        {
            if (a.view() != e.view() || b.view() != e.view() || conflict(a.kind(), a.hash(), b.kind(), b.hash()) == null)
            {
                throw new Violation("I7", who + ": the pair is no evidence: " + e.first() + " / " + e.second());
            }
        }
        recorded.add(member + "/" + incarnation + "/" + e.member() + "/" + e.view() + "/" + e.kind());
    }

    private Signed check(final String who, final int signer, final ConsensusMessage m)
    {
        final byte[] key = members.member(signer).publicKey();
        if (m instanceof Proposal p)
        {
            if (p.leader() != signer || !SimCrypto.verify(p.signature(), SimCrypto.DOMAIN.proposalDigest(p.view(),
                p.blockHash().unsafeBytes()), key))
            {
                throw new Violation("I7", who + ": proposal not signed by the member: " + p);
            }
            return new Signed(MessageKind.PROPOSAL, p.view(), p.blockHash(), null);
        }
        if (m instanceof Vote v)
        {
            if (v.signer() != signer ||
                !SimCrypto.verify(v.signature(), SimCrypto.DOMAIN.voteDigest(v.kind(), v.view(), v.blockHash().unsafeBytes()), key))
            {
                throw new Violation("I7", who + ": vote not signed by the member: " + v);
            }
            return new Signed(v.kind(), v.view(), v.blockHash(), null);
        }
        if (m instanceof Certificate c)
        {
            if (!SimCrypto.verify(verifier, c).isValid())
            {
                throw new Violation("I7", who + ": carries an invalid certificate");
            }
            return null;
        }
        throw new Violation("I7", who + ": carries " + m);
    }

    /** At the end of a run: every expected evidence was recorded by the member in that incarnation. */
    void checkEvidenceDelivered()
    {
        for (final Expected x : expected)
        {
            final String k = x.member() + "/" + x.incarnation() + "/" + x.signer() + "/" + x.view() + "/";
            final boolean any = recorded.contains(k + x.kind());
            if (!any)
            {
                throw new Violation("I7", "member " + x.member() + " was given a conflicting pair (" + x.kind() +
                    ") of Byzantine member " + x.signer() + " in view " + x.view() + " but recorded no evidence: " +
                    x.pair());
            }
        }
    }

    int expectedEvidence()
    {
        return expected.size();
    }
}
