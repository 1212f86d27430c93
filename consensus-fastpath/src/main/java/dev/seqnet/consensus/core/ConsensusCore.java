package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.LeaderSchedule;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The consensus protocol of docs/PROTOCOL.md (Simplex with a Kudzu-style fast path) as a pure,
 * deterministic state machine: each {@link Input} changes its state and yields {@link Command}s, in
 * order, to a {@link CommandSink}. No clocks, threads, I/O or randomness; iteration is over sorted
 * maps or member-indexed arrays only. The rule names R1–R13 and D1–D3 of the protocol appear in the
 * comments where they are applied.
 *
 * <p>Inbound messages must have passed the stateless checks (decode, membership, signatures, the
 * proposal signer being the view's leader) before they reach {@link #on}; the core repeats the
 * stateful ones (late, stale, far-future, duplicate) and counts each drop once.
 */
public final class ConsensusCore
{
    private static final int PROPOSAL_DROPPED = 0;
    private static final int PROPOSAL_NEW = 1;
    private static final int PROPOSAL_SECOND = 2;
    private static final long PARENT_INVALID = -1;
    private static final long PARENT_PENDING = -2;

    private static final MessageKind[] KINDS = MessageKind.values();
    /** The fallback bitmap of every certificate but a notarization: shared, certificates never modify it. */
    private static final byte[] NO_FALLBACK = new byte[Certificate.BITMAP_LENGTH];
    /** Commands without data are immutable records: one instance serves every use. */
    private static final Command.CancelTimer CANCEL_RETRY = new Command.CancelTimer(TimerKind.RETRY);
    /** Slots of the recent-view cache (a power of two). */
    private static final int RECENT_VIEWS = 8;
    /** Certificates formed and waiting for R10's relay check (a power of two; about T_base / 4 of views). */
    private static final int RELAY_SLOTS = 256;
    /** Pruned view states kept for reuse. */
    private static final int MAX_SPARE_VIEWS = 16;

    private static final Comparator<BlockInfo> BY_VIEW_THEN_HASH =
        (x, y) -> x.view != y.view ? Long.compare(x.view, y.view) : x.hash.compareTo(y.hash);

    private final ConsensusParams params;
    private final int self;
    private final VoteSigner signer;
    private final MemberSet members;
    private final LeaderSchedule schedule;
    private final SigningDomain domain;
    private final int n;
    private final long[] stake;
    private final long quorum;
    private final long fastQuorum;
    private final long contradiction;
    private final long fallbackTrigger;
    private final RecoveredState recovered;

    private long view;
    private long viewEntryNs;
    /** Set by {@link #parentView} when it returns {@code PARENT_PENDING}: the view whose certificate is missing. */
    private long pendingParentView;
    private int timeoutExponent;
    private long viewDeadlineNs = Long.MAX_VALUE;
    private long proposeAtNs = Long.MAX_VALUE;
    /** While the leader waits for a missing parent or certificate: when to ask again (not before). */
    private long proposeRetryNs = Long.MIN_VALUE;
    private boolean retryArmed;
    /** Deadline of the armed FINALIZE timer (R8's grace), or {@code Long.MAX_VALUE} when none is armed. */
    private long finalizeTimerNs = Long.MAX_VALUE;
    /** Deadline of the armed RELAY timer (R10), or {@code Long.MAX_VALUE} when none is armed. */
    private long relayTimerNs = Long.MAX_VALUE;
    /** R10's queue: certificates this member formed, oldest first, with when to check who still lacks one. */
    private final Certificate[] relayCertificates = new Certificate[RELAY_SLOTS];
    private final long[] relayDueNs = new long[RELAY_SLOTS];
    private int relayHead;
    private int relayCount;
    /** R11 (c): the oldest view this member sent a {@code Finalize} in that is not final here, or -1 for none. */
    private long finalizeAwaitedView = -1;
    /** R11 (c): the highest view this member sent a {@code Finalize} in. */
    private long lastFinalizeSentView = -1;
    /** R11 (c): when to ask for the awaited finalization (again), if it has not arrived by then. */
    private long finalizeCheckNs = Long.MAX_VALUE;
    private int pendingExecutable;
    private long lastProposalNs = Long.MIN_VALUE / 2;
    private boolean started;
    /** The time of the input being handled. */
    private long nowNs;

    private long finalizedHeight;
    private long finalizedView;
    private Hash32 finalizedHash;
    private Certificate latestFinalization;
    private Certificate entryCertificate;
    private long syncRequestedFrom = -1;

    private final TreeMap<Long, ViewState> views = new TreeMap<>();
    /** Scratch of {@link #deliver}: the blocks to deliver, newest first (used before anything can re-enter). */
    private final List<BlockInfo> deliverChain = new ArrayList<>();
    private final ViewState[] recentViews = new ViewState[RECENT_VIEWS];
    /** The digest of the own message being signed (a {@link VoteSigner} reads it and keeps nothing). */
    private final byte[] digest = new byte[SigningDomain.HASH_LENGTH];
    /**
     * Pruned view states: frames further up the stack of the input being handled may still read them,
     * so they become {@link #spareViews} (and are reset) only when the next input starts.
     */
    private final ArrayList<ViewState> retiredViews = new ArrayList<>();
    private final ArrayList<ViewState> spareViews = new ArrayList<>();
    private final TreeMap<Hash32, BlockInfo> blocks = new TreeMap<>();

    private final long[] lastActiveView;
    private final long[] demotedUntil;
    private final long[] timeoutsAsLeader;
    private final long[] lastNudgeNs;
    private final HashSet<String> evidenceKeys = new HashSet<>();

    // Counters (§11).
    private long viewsNotarized;
    private long viewsNullified;
    private long viewsSkipped;
    private long timeouts;
    private long nullifyContradiction;
    private long fallbacksSent;
    private long blocksFast;
    private long blocksSlow;
    private long blocksIndirect;
    private long evidenceCount;
    private long dropLate;
    private long dropStale;
    private long dropFarFuture;
    private long dropDuplicate;
    private long dropInvalidProposal;
    private long dropWrongLeader;
    private long certificatesRelayed;
    private long finalizationRequests;

    /**
     * @param params    genesis members, signing domain and timings.
     * @param self      this member's index.
     * @param signer    signs with this member's key (deterministic).
     * @param recovered what a restart read back from the journal, or {@link RecoveredState#GENESIS}.
     */
    public ConsensusCore(final ConsensusParams params, final int self, final VoteSigner signer, final RecoveredState recovered)
    {
        this.params = params.conclude();
        this.members = params.members();
        this.n = members.size();
        if (self < 0 || self >= n)
        {
            throw new IllegalArgumentException("self index " + self + " is not a member of " + n);
        }
        this.self = self;
        this.signer = signer;
        this.schedule = members.schedule();
        this.domain = params.domain();
        this.stake = new long[n];
        for (int i = 0; i < n; i++)
        {
            stake[i] = members.stake(i);
        }
        final Quorums q = members.quorums();
        this.quorum = q.quorum();
        this.fastQuorum = q.fastQuorum();
        this.contradiction = q.contradiction();
        this.fallbackTrigger = q.fallbackTrigger();
        this.recovered = recovered;
        this.lastActiveView = new long[n];
        this.demotedUntil = new long[n];
        this.timeoutsAsLeader = new long[n];
        this.lastNudgeNs = new long[n];
        Arrays.fill(lastNudgeNs, Long.MIN_VALUE / 2);
        this.finalizedHeight = recovered.finalizedHeight();
        this.finalizedView = recovered.finalizedView();
        this.finalizedHash = recovered.finalizedHash();
        this.view = finalizedView + 1;
        final Certificate head = recovered.finalizedCertificate();
        if (head != null && head.view() == finalizedView && finalizedHash.equals(Hash32.wrap(head.unsafeBlockHash())) &&
            (head.kind() == CertificateKind.FINALIZATION_FAST || head.kind() == CertificateKind.FINALIZATION_SLOW))
        {
            this.latestFinalization = head; // what R11 answers and R12 nudges show a peer that is behind
        }
    }

    // ------------------------------------------------------------------------------------------
    // Queries

    /** The current view. */
    public long view()
    {
        return view;
    }

    /** The view of the last finalized block (0 for genesis). */
    public long finalizedView()
    {
        return finalizedView;
    }

    /** True if the core already holds this certificate, so the inbound path may drop a copy unverified (§11). */
    public boolean holdsCertificate(final CertificateKind kind, final long certView, final Hash32 blockHash)
    {
        if (certView <= finalizedView)
        {
            return kind == CertificateKind.NOTARIZATION || kind == CertificateKind.NULLIFICATION ||
                certView < finalizedView || blockHash.equals(finalizedHash);
        }
        final ViewState vs = find(certView);
        if (vs == null)
        {
            return false;
        }
        switch (kind)
        {
            case NOTARIZATION:
                return vs.notarizations.containsKey(blockHash);
            case NULLIFICATION:
                return vs.nullification != null;
            default:
                return vs.finalization != null && Arrays.equals(vs.finalization.unsafeBlockHash(), blockHash.unsafeBytes());
        }
    }

    /** A snapshot for seq_status. */
    public CoreStatus status()
    {
        final List<CoreStatus.MemberHealth> health = new ArrayList<>(n);
        for (int j = 0; j < n; j++)
        {
            health.add(new CoreStatus.MemberHealth(j, lastActiveView[j], demoted(j, view), timeoutsAsLeader[j]));
        }
        return new CoreStatus(view, schedule.leader(view), finalizedHeight, finalizedView, health, new CoreStatus.Counters(
            viewsNotarized, viewsNullified, viewsSkipped, timeouts, nullifyContradiction, fallbacksSent, blocksFast,
            blocksSlow, blocksIndirect, evidenceCount, dropLate, dropStale, dropFarFuture, dropDuplicate,
            dropInvalidProposal, dropWrongLeader, certificatesRelayed, finalizationRequests));
    }

    // ------------------------------------------------------------------------------------------
    // The entry point

    /** The only entry point: appends, in execution order, the commands the host must run. */
    public void on(final Input input, final CommandSink out)
    {
        recycleViews();
        final long now = input.nowNs();
        nowNs = now;
        if (input instanceof Input.Start)
        {
            start(now, out);
            return;
        }
        if (!started)
        {
            throw new IllegalStateException("core not started: the first input must be Start");
        }
        if (input instanceof Input.MessageReceived)
        {
            onMessage(now, ((Input.MessageReceived)input).message(), out);
        }
        else if (input instanceof Input.TimerFired)
        {
            final Input.TimerFired t = (Input.TimerFired)input;
            if (t.kind() == TimerKind.VIEW)
            {
                onViewTimer(now, t.view(), out);
            }
            else if (t.kind() == TimerKind.FINALIZE)
            {
                onFinalizeTimer(now, out);
            }
            else if (t.kind() == TimerKind.RELAY)
            {
                onRelayTimer(now, out);
            }
            else
            {
                onRetryTimer(now, t.view(), out);
            }
        }
        else if (input instanceof Input.ProposalReady)
        {
            onProposalReady(now, (Input.ProposalReady)input, out);
        }
        else if (input instanceof Input.BlockVerified)
        {
            onBlockVerified(now, (Input.BlockVerified)input, out);
        }
        else if (input instanceof Input.TxBatchAdmitted)
        {
            onTxBatchAdmitted(now, ((Input.TxBatchAdmitted)input).pendingExecutable(), out);
        }
        else if (input instanceof Input.BlocksSynced)
        {
            final Input.BlocksSynced s = (Input.BlocksSynced)input;
            onBlocksSynced(now, s.height(), s.view(), s.blockHash(), out);
        }
    }

    /**
     * A peer's vote that passed the inbound checks, as {@code on(new Input.MessageReceived(nowNs,
     * vote.toVote()), out)} would handle it, without the input and message objects: the allocation-free
     * entry for the per-vote hot path. The core copies what it keeps, so {@code vote} may be refilled
     * as soon as this returns. Recording a vote that completes no certificate allocates nothing.
     */
    public void onVote(final long nowNs, final MutableVote vote, final CommandSink out)
    {
        if (!started)
        {
            throw new IllegalStateException("core not started: the first input must be Start");
        }
        if (vote.kind() == null)
        {
            throw new IllegalArgumentException("the vote holder is empty");
        }
        recycleViews();
        this.nowNs = nowNs;
        onVote(nowNs, vote.kind(), vote.signer(), vote.view(), vote.blockHashBuffer(), vote.signatureBuffer(), null, out);
    }

    /**
     * A peer's proposal that passed the inbound checks, as {@code on(new Input.MessageReceived(nowNs,
     * proposal.toProposal()), out)} would handle it: a proposal that is dropped (wrong leader, out of
     * the window, a duplicate, below the finalized block) costs no allocation; one that is recorded is
     * copied once ({@link MutableProposal#toProposal()}), because the core keeps it and hands it to
     * the host to verify. {@code proposal} may be refilled as soon as this returns.
     */
    public void onProposal(final long nowNs, final MutableProposal proposal, final CommandSink out)
    {
        if (!started)
        {
            throw new IllegalStateException("core not started: the first input must be Start");
        }
        if (!proposal.isSet())
        {
            throw new IllegalArgumentException("the proposal holder is empty");
        }
        recycleViews();
        this.nowNs = nowNs;
        final int screened = screenProposal(proposal.leader(), proposal.view(), proposal.blockHashBuffer(), proposal.height());
        if (screened != PROPOSAL_DROPPED)
        {
            acceptProposal(nowNs, proposal.toProposal(), screened == PROPOSAL_SECOND, out);
        }
    }

    /** Between inputs: the states pruned by earlier inputs are unreachable now and may be reused. */
    private void recycleViews()
    {
        for (int i = retiredViews.size() - 1; i >= 0 && spareViews.size() < MAX_SPARE_VIEWS; i--)
        {
            spareViews.add(retiredViews.get(i));
        }
        retiredViews.clear();
    }

    // ------------------------------------------------------------------------------------------
    // Start and restart (§8.2)

    private void start(final long now, final CommandSink out)
    {
        if (started)
        {
            return;
        }
        started = true;
        long startView = finalizedView + 1;
        for (final OwnVote v : recovered.ownVotes())
        {
            if (v.view() <= finalizedView)
            {
                continue;
            }
            restoreOwnVote(v);
            startView = Math.max(startView, v.view());
        }
        for (final Certificate c : recovered.certificates())
        {
            if (c.view() <= finalizedView)
            {
                continue;
            }
            restoreCertificate(c);
            startView = Math.max(startView, c.view() + 1);
            if (entryCertificate == null || c.view() >= entryCertificate.view())
            {
                entryCertificate = c;
            }
        }
        view = startView;
        viewEntryNs = now;
        Arrays.fill(lastActiveView, view);
        if (finalizeAwaitedView >= 0)
        {
            // Restored Finalize votes (R11 c): give the restored and arriving certificates T_base / 4, then ask.
            finalizeCheckNs = now + params.leaderTimeoutNs() / 4;
            armRelayTimer(finalizeCheckNs, out);
        }
        final ViewState vs = state(view);
        // Re-send the journaled own messages of this view unchanged (the last may never have left).
        for (final ConsensusMessage m : vs.ownMessages)
        {
            out.accept(new Command.Broadcast(m));
        }
        afterEntry(now, vs, out);
    }

    private void restoreOwnVote(final OwnVote v)
    {
        final ViewState vs = state(v.view());
        switch (v.kind())
        {
            case PROPOSAL:
                vs.proposed = true;
                vs.myNotarize = v.blockHash();
                break;
            case NOTARIZE:
                vs.myNotarize = v.blockHash();
                break;
            case NULLIFY:
                vs.myNullify = v.reason();
                break;
            case NOTARIZE_FALLBACK:
                vs.myFallback.add(v.blockHash());
                break;
            case FINALIZE:
                vs.myFinalize = v.blockHash();
                // R11 c: start() arms the check once everything is restored.
                awaitFinalization(v.view(), Long.MAX_VALUE, null);
                break;
            default:
                break;
        }
        // A proposal is also this member's Notarize of its block (§3.2), restored as that vote.
        final MessageKind kind = v.kind() == MessageKind.PROPOSAL ? MessageKind.NOTARIZE : v.kind();
        final Vote vote = new Vote(kind, self, v.view(), v.blockHash(), v.signature());
        vs.ownMessages.add(vote);
        recordOwnVote(vs, vote);
    }

    private void restoreCertificate(final Certificate c)
    {
        final ViewState vs = state(c.view());
        final Hash32 hash = Hash32.wrap(c.unsafeBlockHash()); // shared: neither modifies it
        switch (c.kind())
        {
            case NOTARIZATION:
                vs.notarizations.putIfAbsent(hash, c);
                break;
            case NULLIFICATION:
                if (vs.nullification == null)
                {
                    vs.nullification = c;
                }
                break;
            default:
                if (vs.finalization == null)
                {
                    vs.finalization = c;
                    vs.notarizations.putIfAbsent(hash, c);
                }
                break;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Messages

    private void onMessage(final long now, final ConsensusMessage message, final CommandSink out)
    {
        if (message instanceof Vote)
        {
            onVote(now, (Vote)message, out);
        }
        else if (message instanceof Proposal)
        {
            onProposal(now, (Proposal)message, out);
        }
        else if (message instanceof Certificate)
        {
            onCertificate(now, (Certificate)message, out);
        }
        else if (message instanceof CertificateRequest)
        {
            onCertificateRequest((CertificateRequest)message, out);
        }
    }

    /** Drops by view window (§11); true if the message of view {@code w} may be processed. */
    private boolean inWindow(final long w)
    {
        if (w <= finalizedView)
        {
            dropLate++;
            return false;
        }
        if (w < view - params.pastWindowViews())
        {
            dropStale++;
            return false;
        }
        if (w > view + params.futureWindowViews())
        {
            dropFarFuture++;
            return false;
        }
        return true;
    }

    private void onVote(final long now, final Vote vote, final CommandSink out)
    {
        onVote(now, vote.kind(), vote.signer(), vote.view(), vote.blockHash().unsafeBytes(), vote.signature(), vote, out);
    }

    /**
     * A peer's vote, from a {@link Vote} or a {@link MutableVote}. Nothing here allocates unless the
     * vote completes a certificate, names a block hash new to its view, is evidence, or prompts a nudge.
     *
     * @param original the vote as a message if the caller has one, else null (made only for evidence).
     */
    private void onVote(
        final long now, final MessageKind kind, final int j, final long w, final byte[] hash, final byte[] signature,
        final Vote original, final CommandSink out)
    {
        if (j < 0 || j >= n || !inWindow(w))
        {
            return;
        }
        final ViewState vs = state(w);
        final int known = vs.findBlock(hash);
        if (known >= 0 && vs.hasReceived(j, kind, known))
        {
            dropDuplicate++;
            return;
        }
        final int block = known >= 0 ? known : vs.block(hash);
        checkEvidence(vs, j, kind, block, original, signature, out);
        final int slot = vs.storeSignature(signature);
        vs.addReceived(j, ViewState.entry(kind, block, slot));
        markActive(j, w);
        nudge(now, j, w, out);
        if (recordVote(vs, kind, j, block, slot))
        {
            afterVote(now, vs, kind, vs.blockAt(block), out);
        }
    }

    /**
     * Adds a vote whose signature is in {@code slot} to its tally. A member's block votes count once
     * per view: a second {@code Notarize} or {@code Finalize} for another block is kept only as evidence.
     */
    private boolean recordVote(final ViewState vs, final MessageKind kind, final int j, final int block, final int slot)
    {
        final Hash32 b = vs.blockAt(block);
        switch (kind)
        {
            case NOTARIZE:
                return vs.countNotarize(j, block) && vs.tally(vs.notarize, b).add(j, stake[j], slot);
            case NULLIFY:
                return vs.countNullify(j) && vs.nullify.add(j, stake[j], slot);
            case FINALIZE:
                return vs.countFinalize(j) && vs.tally(vs.finalize, b).add(j, stake[j], slot);
            case NOTARIZE_FALLBACK:
                return vs.countFallback(j, block) && vs.tally(vs.fallback, b).add(j, stake[j], slot);
            default:
                return false;
        }
    }

    /** Records an own vote (sent or restored): its signature is stored and it counts like any other. */
    private boolean recordOwnVote(final ViewState vs, final Vote vote)
    {
        final int block = vs.block(vote.blockHash());
        return recordVote(vs, vote.kind(), self, block, vs.storeSignature(vote.signature()));
    }

    /**
     * §8.3: keeps pairs no honest member sends, one record per (member, view, kind), against every
     * earlier vote of the signer in this view (the new vote is not yet among them).
     */
    private void checkEvidence(
        final ViewState vs, final int j, final MessageKind kind, final int block, final Vote original,
        final byte[] signature, final CommandSink out)
    {
        final int count = vs.receivedCount(j);
        Vote current = original;
        for (int i = 0; i < count; i++)
        {
            final long prev = vs.received(j, i);
            final MessageKind prevKind = KINDS[ViewState.entryKind(prev) - 1];
            final EvidenceKind evidenceKind = conflict(prevKind, kind, ViewState.entryBlock(prev) == block);
            if (evidenceKind != null)
            {
                if (current == null)
                {
                    current = new Vote(kind, j, vs.view, vs.blockAt(block), signature.clone());
                }
                evidence(evidenceKind, j, vs.view, vs.receivedVote(j, prev), current, out);
            }
        }
    }

    /** The evidence kind two votes of one signer in one view form, or null if an honest member may send both. */
    static EvidenceKind conflict(final Vote a, final Vote b)
    {
        return conflict(a.kind(), b.kind(), a.blockHash().equals(b.blockHash()));
    }

    /** {@link #conflict(Vote, Vote)} on kinds and whether the two block hashes are equal. */
    static EvidenceKind conflict(final MessageKind x, final MessageKind y, final boolean same)
    {
        if (x == MessageKind.NOTARIZE && y == MessageKind.NOTARIZE)
        {
            return same ? null : EvidenceKind.DOUBLE_NOTARIZE;
        }
        if (x == MessageKind.FINALIZE && y == MessageKind.FINALIZE)
        {
            return same ? null : EvidenceKind.DOUBLE_FINALIZE;
        }
        if ((x == MessageKind.NULLIFY && y == MessageKind.FINALIZE) || (x == MessageKind.FINALIZE && y == MessageKind.NULLIFY))
        {
            return EvidenceKind.NULLIFY_AND_FINALIZE;
        }
        if ((x == MessageKind.FINALIZE && y == MessageKind.NOTARIZE) || (x == MessageKind.NOTARIZE && y == MessageKind.FINALIZE))
        {
            return same ? null : EvidenceKind.FINALIZE_AND_OTHER_NOTARIZE;
        }
        if ((x == MessageKind.NOTARIZE_FALLBACK && y == MessageKind.FINALIZE) ||
            (x == MessageKind.FINALIZE && y == MessageKind.NOTARIZE_FALLBACK))
        {
            return EvidenceKind.FALLBACK_AND_FINALIZE;
        }
        if ((x == MessageKind.NOTARIZE_FALLBACK && y == MessageKind.NOTARIZE) ||
            (x == MessageKind.NOTARIZE && y == MessageKind.NOTARIZE_FALLBACK))
        {
            return same ? EvidenceKind.FALLBACK_AND_NOTARIZE_SAME : null;
        }
        return null;
    }

    private void evidence(
        final EvidenceKind kind, final int member, final long w, final ConsensusMessage first,
        final ConsensusMessage second, final CommandSink out)
    {
        if (evidenceKeys.add(member + ":" + w + ":" + kind.code()))
        {
            evidenceCount++;
            out.accept(new Command.RecordEvidence(new Evidence(kind, member, w, first, second)));
        }
    }

    /** R9, R6d and R7 after a vote of view {@code vs.view} was counted. */
    private void afterVote(final long now, final ViewState vs, final MessageKind kind, final Hash32 b, final CommandSink out)
    {
        final long w = vs.view;
        switch (kind)
        {
            case NOTARIZE:
            {
                final Tally strict = vs.notarize.get(b);
                if (strict.stake() >= fastQuorum && vs.finalization == null)
                {
                    final Certificate cert = Certificate.adopt(CertificateKind.FINALIZATION_FAST, w, b.bytes(),
                        strict.bitmap(), NO_FALLBACK, strict.signaturesInOrder(vs));
                    onFinalization(now, vs, b, cert, true, out);
                }
                checkNotarization(now, vs, b, out);
                break;
            }
            case NOTARIZE_FALLBACK:
                checkNotarization(now, vs, b, out);
                break;
            case NULLIFY:
                if (vs.nullify.stake() >= quorum && vs.nullification == null)
                {
                    final Certificate cert = Certificate.adopt(CertificateKind.NULLIFICATION, w, Hash32.ZERO.bytes(),
                        vs.nullify.bitmap(), NO_FALLBACK, vs.nullify.signaturesInOrder(vs));
                    onNullification(now, vs, cert, true, out);
                }
                else
                {
                    maybeJoinNullify(now, vs, out);
                }
                break;
            case FINALIZE:
            {
                final Tally fin = vs.finalize.get(b);
                if (fin.stake() >= quorum && vs.finalization == null)
                {
                    final Certificate cert = Certificate.adopt(CertificateKind.FINALIZATION_SLOW, w, b.bytes(),
                        fin.bitmap(), NO_FALLBACK, fin.signaturesInOrder(vs));
                    onFinalization(now, vs, b, cert, true, out);
                }
                break;
            }
            default:
                break;
        }
        if (w == view)
        {
            checkContradiction(now, vs, out);
            checkFallbacks(vs, out);
        }
    }

    /** R9: support(w, b) ≥ Q forms a NotarizationCertificate (fallback bits mark NotarizeFallback signatures). */
    private void checkNotarization(final long now, final ViewState vs, final Hash32 b, final CommandSink out)
    {
        if (vs.notarizations.containsKey(b))
        {
            return;
        }
        final Tally strict = vs.notarize.get(b);
        final Tally fb = vs.fallback.get(b);
        long support = 0;
        int count = 0;
        for (int j = 0; j < n; j++)
        {
            if ((strict != null && strict.has(j)) || (fb != null && fb.has(j)))
            {
                support += stake[j];
                count++;
            }
        }
        if (support < quorum)
        {
            return;
        }
        final byte[] signers = new byte[Certificate.BITMAP_LENGTH];
        final byte[] fallbackBits = new byte[Certificate.BITMAP_LENGTH];
        final byte[][] sigs = new byte[count][];
        int k = 0;
        for (int j = 0; j < n; j++)
        {
            if (strict != null && strict.has(j))
            {
                signers[j >>> 3] |= (byte)(1 << (j & 7));
                sigs[k++] = vs.signature(strict.slot(j));
            }
            else if (fb != null && fb.has(j))
            {
                signers[j >>> 3] |= (byte)(1 << (j & 7));
                fallbackBits[j >>> 3] |= (byte)(1 << (j & 7));
                sigs[k++] = vs.signature(fb.slot(j));
            }
        }
        final Certificate cert = Certificate.adopt(CertificateKind.NOTARIZATION, vs.view, b.bytes(), signers, fallbackBits, sigs);
        onNotarization(now, vs, b, cert, true, out);
    }

    /** R6d: a member that notarized b nullifies once conflicting stake ≥ T shows b cannot reach F. */
    private void checkContradiction(final long now, final ViewState vs, final CommandSink out)
    {
        if (vs.myNotarize == null || vs.myNullify != null || vs.myFinalize != null)
        {
            return;
        }
        long conflict = 0;
        for (int j = 0; j < n; j++)
        {
            if (j == self)
            {
                continue;
            }
            final int nb = vs.notarizeBy(j);
            if (vs.nullifyBy(j) || (nb >= 0 && !vs.blockAt(nb).equals(vs.myNotarize)))
            {
                conflict += stake[j];
            }
        }
        if (conflict >= contradiction)
        {
            nullifyContradiction++;
            nullify(now, vs, NullifyReason.CONTRADICTION, out);
        }
    }

    /** R7: after an own Nullify, NotarizeFallback every other block with strict ≥ K, once each. */
    private void checkFallbacks(final ViewState vs, final CommandSink out)
    {
        if (vs.myNullify == null)
        {
            return;
        }
        final List<Hash32> toSend = new ArrayList<>();
        for (final Map.Entry<Hash32, Tally> e : vs.notarize.entrySet())
        {
            final Hash32 b = e.getKey();
            if (!b.equals(vs.myNotarize) && !vs.myFallback.contains(b) && e.getValue().stake() >= fallbackTrigger)
            {
                toSend.add(b);
            }
        }
        for (final Hash32 b : toSend)
        {
            if (vs.view != view || vs.myFallback.contains(b))
            {
                continue;
            }
            vs.myFallback.add(b);
            fallbacksSent++;
            sendOwnVote(vs, MessageKind.NOTARIZE_FALLBACK, b, null, out);
        }
    }

    private void onProposal(final long now, final Proposal p, final CommandSink out)
    {
        final int screened = screenProposal(p.leader(), p.view(), p.blockHash().unsafeBytes(), p.height());
        if (screened != PROPOSAL_DROPPED)
        {
            acceptProposal(now, p, screened == PROPOSAL_SECOND, out);
        }
    }

    /**
     * R3's checks that need only the proposal's fields, in the order {@link #onProposal} makes them:
     * wrong leader, window, duplicate, at or below the finalized height (each counted). Never the
     * unsigned parentView (§3.2): a copy with a forged one must be kept like the leader's own.
     *
     * @return {@link #PROPOSAL_DROPPED}, {@link #PROPOSAL_SECOND} (another block of a view that has
     *         one: evidence) or {@link #PROPOSAL_NEW}.
     */
    private int screenProposal(final int leader, final long w, final byte[] blockHash, final long height)
    {
        if (leader != schedule.leader(w))
        {
            dropWrongLeader++;
            return PROPOSAL_DROPPED;
        }
        if (!inWindow(w))
        {
            return PROPOSAL_DROPPED;
        }
        final ViewState vs = state(w);
        if (vs.proposal != null)
        {
            if (java.util.Arrays.equals(vs.proposal.blockHash().unsafeBytes(), blockHash))
            {
                dropDuplicate++;
                return PROPOSAL_DROPPED;
            }
            return PROPOSAL_SECOND;
        }
        if (height <= finalizedHeight)
        {
            dropInvalidProposal++;
            return PROPOSAL_DROPPED;
        }
        return PROPOSAL_NEW;
    }

    /** A proposal {@link #screenProposal} let through: recorded (R3), or evidence when {@code second}. */
    private void acceptProposal(final long now, final Proposal p, final boolean second, final CommandSink out)
    {
        final long w = p.view();
        final ViewState vs = state(w);
        if (second)
        {
            evidence(EvidenceKind.DOUBLE_PROPOSAL, p.leader(), w, vs.proposal, p, out);
            // R3: the block is recorded in any case; if the second one is what gets notarized, this
            // member must be able to deliver it and build on it.
            if (p.height() > finalizedHeight && blocks.putIfAbsent(p.blockHash(), new BlockInfo(p)) == null)
            {
                progress(now, out);
            }
            return;
        }
        vs.proposal = p;
        vs.expect(p.blockHash());
        blocks.putIfAbsent(p.blockHash(), new BlockInfo(p));
        // §3.2: the proposal's signature is the leader's Notarize(w, b); it counts like the vote it is
        // (its marking the leader active and the nudge included).
        onVote(now, MessageKind.NOTARIZE, p.leader(), w, p.blockHash().unsafeBytes(), p.signature(), null, out);
        if (w == view)
        {
            tryVerify(now, vs, out);
        }
        // A proposal may be the missing parent of the current view's proposal or of our own build.
        progress(now, out);
    }

    /** V2–V4, then VerifyBlock (R3). Missing parent certificates are requested (R11). */
    private void tryVerify(final long now, final ViewState vs, final CommandSink out)
    {
        final Proposal p = vs.proposal;
        if (p == null || vs.view != view || vs.verifyRequested || !vs.undecided() || vs.proposed)
        {
            return;
        }
        final Hash32 ph = p.parentHash();
        final long pv = parentView(vs.view, ph);
        if (pv == PARENT_PENDING)
        {
            // A certificate of that view may still arrive: ask the leader for it (R11).
            out.accept(new Command.RequestCertificates(pendingParentView, pendingParentView, p.leader()));
            return;
        }
        final long parentHeight;
        if (pv == PARENT_INVALID)
        {
            rejectProposal(now, vs, out);
            return;
        }
        if (pv == finalizedView)
        {
            parentHeight = finalizedHeight;
        }
        else
        {
            final BlockInfo parent = blocks.get(ph);
            if (parent == null)
            {
                // Notarized but unseen: the host fetches it (§10.3) while verifying; height checked there.
                parentHeight = p.height() - 1;
            }
            else
            {
                parentHeight = parent.height;
            }
        }
        if (p.height() != parentHeight + 1)
        {
            rejectProposal(now, vs, out);
            return;
        }
        vs.verifyRequested = true;
        out.accept(new Command.VerifyBlock(vs.view, p));
    }

    /**
     * V2 without the proposal's parentView, which is not signed (§3.2), so a forged copy could name
     * any view: the parent is found from this member's own certificates. The highest view u < w
     * holding a notarization of {@code parentHash}, every view between nullified; or the finalized
     * block when every view after it is nullified.
     *
     * @return that view, {@link #PARENT_INVALID} when the finalized block is the only candidate and
     *         is not the parent, or {@link #PARENT_PENDING} with {@link #pendingParentView} the
     *         highest view holding neither certificate yet.
     */
    private long parentView(final long w, final Hash32 parentHash)
    {
        for (long u = w - 1; u > finalizedView; u--)
        {
            final ViewState us = find(u);
            if (us != null && us.notarizations.containsKey(parentHash))
            {
                return u;
            }
            if (us == null || us.nullification == null)
            {
                pendingParentView = u;
                return PARENT_PENDING;
            }
        }
        return parentHash.equals(finalizedHash) ? finalizedView : PARENT_INVALID;
    }

    private void rejectProposal(final long now, final ViewState vs, final CommandSink out)
    {
        dropInvalidProposal++;
        vs.verifyRequested = true;
        final BlockInfo b = blocks.get(vs.proposal.blockHash());
        if (b != null)
        {
            b.status = BlockInfo.Status.INVALID;
        }
        invalid(now, vs, out);
    }

    private void onCertificate(final long now, final Certificate c, final CommandSink out)
    {
        final long w = c.view();
        final Hash32 b = Hash32.wrap(c.unsafeBlockHash()); // shared: neither modifies it
        final boolean finalization = c.kind() == CertificateKind.FINALIZATION_FAST || c.kind() == CertificateKind.FINALIZATION_SLOW;
        if (w <= finalizedView)
        {
            dropLate++;
            return;
        }
        if (!finalization && w < view - params.pastWindowViews())
        {
            dropStale++;
            return;
        }
        if (holdsCertificate(c.kind(), w, b))
        {
            dropDuplicate++;
            return;
        }
        final ViewState vs = state(w);
        switch (c.kind())
        {
            case NOTARIZATION:
                onNotarization(now, vs, b, c, false, out);
                break;
            case NULLIFICATION:
                onNullification(now, vs, c, false, out);
                break;
            default:
                if (vs.finalization != null)
                {
                    dropDuplicate++;
                    return;
                }
                onFinalization(now, vs, b, c, false, out);
                break;
        }
    }

    private void onCertificateRequest(final CertificateRequest r, final CommandSink out)
    {
        final int j = r.requester();
        if (j < 0 || j >= n || j == self)
        {
            return;
        }
        if (r.fromView() <= finalizedView && latestFinalization != null)
        {
            out.accept(new Command.Send(j, latestFinalization));
        }
        for (final ViewState vs : views.subMap(r.fromView(), true, r.toView(), true).values())
        {
            if (vs.finalization != null)
            {
                out.accept(new Command.Send(j, vs.finalization));
            }
            for (final Certificate c : vs.notarizations.values())
            {
                if (c != vs.finalization)
                {
                    out.accept(new Command.Send(j, c));
                }
            }
            if (vs.nullification != null)
            {
                out.accept(new Command.Send(j, vs.nullification));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Certificates held (R1, R8, R13)

    private void onNotarization(
        final long now, final ViewState vs, final Hash32 b, final Certificate cert, final boolean formed, final CommandSink out)
    {
        if (vs.notarizations.putIfAbsent(b, cert) != null)
        {
            return;
        }
        if (formed && cert.kind() == CertificateKind.NOTARIZATION)
        {
            // (A formed finalization, which is also a notarization, was reported by onFinalization.)
            out.accept(new Command.CertificateFormed(cert));
        }
        final long w = vs.view;
        // R8: the first notarization of (w, b) while view ≤ w; with a grace, held back while the fast path may still form.
        if (view <= w && vs.myNullify == null && (vs.myNotarize == null || vs.myNotarize.equals(b)) &&
            vs.myFinalize == null && vs.finalizeDeferred == null && vs.finalization == null)
        {
            if (params.finalizeGraceNs() > 0 && fastPathLive(vs, b))
            {
                vs.finalizeDeferred = b;
                vs.finalizeDueNs = now + params.finalizeGraceNs();
                armFinalizeTimer(vs.finalizeDueNs, out);
            }
            else
            {
                vs.myFinalize = b;
                sendOwnVote(vs, MessageKind.FINALIZE, b, null, out);
            }
        }
        if (!blocks.containsKey(b) && w > finalizedView)
        {
            out.accept(new Command.FetchBlock(w, b, signersOf(cert)));
        }
        if (w >= view)
        {
            if (b.equals(vs.myNotarize))
            {
                timeoutExponent = Math.max(0, timeoutExponent - 1);
            }
            viewsNotarized++;
            enterView(now, w + 1, cert, formed, out);
        }
        else
        {
            progress(now, out);
        }
    }

    private void onNullification(
        final long now, final ViewState vs, final Certificate cert, final boolean formed, final CommandSink out)
    {
        if (vs.nullification != null)
        {
            return;
        }
        vs.nullification = cert;
        if (formed)
        {
            out.accept(new Command.CertificateFormed(cert));
        }
        if (vs.view >= view)
        {
            viewsNullified++;
            enterView(now, vs.view + 1, cert, formed, out);
        }
        else
        {
            progress(now, out);
        }
    }

    private void onFinalization(
        final long now, final ViewState vs, final Hash32 b, final Certificate cert, final boolean formed, final CommandSink out)
    {
        if (vs.finalization != null)
        {
            return;
        }
        vs.finalization = cert;
        final boolean relayAll = params.relayAllCertificates();
        if (formed)
        {
            out.accept(new Command.CertificateFormed(cert));
            if (relayAll)
            {
                // R10 with relay_certificates = all: a finalization this member formed is broadcast once. By default
                // it is not: a member that needs one has sent its Finalize and asks for it (R11 c).
                out.accept(new Command.Broadcast(cert));
            }
        }
        // A finalization is also a notarization. With `all` it was broadcast already; by default, if it brings this
        // member into the next view, it is queued for R10's relay like any other entry certificate.
        onNotarization(now, vs, b, cert, formed && !relayAll, out);
        deliver(now, vs.view, b, cert, out);
    }

    /** R13: deliver the certified block and its undelivered ancestors in height order. */
    private void deliver(final long now, final long w, final Hash32 b, final Certificate cert, final CommandSink out)
    {
        if (w <= finalizedView)
        {
            return;
        }
        final List<BlockInfo> chain = deliverChain;
        chain.clear();
        Hash32 cursor = b;
        while (!cursor.equals(finalizedHash))
        {
            final BlockInfo info = blocks.get(cursor);
            if (info == null || info.view <= finalizedView)
            {
                startSync(out);
                return;
            }
            chain.add(info);
            cursor = info.parentHash;
        }
        final BlockInfo top = chain.get(0);
        if (top.height - chain.size() != finalizedHeight)
        {
            // Heights inconsistent with the finalized head: only a member that is behind sees this.
            startSync(out);
            return;
        }
        final FinalizationPath path = cert.kind() == CertificateKind.FINALIZATION_FAST ? FinalizationPath.FAST : FinalizationPath.SLOW;
        // Each block's parent view is the view its parent was delivered with: a proposal's own
        // parentView is not signed (§3.2), so it is not what gets journaled.
        long parentView = finalizedView;
        for (int i = chain.size() - 1; i >= 0; i--)
        {
            final BlockInfo info = chain.get(i);
            final FinalizationPath p = i == 0 ? path : FinalizationPath.INDIRECT;
            switch (p)
            {
                case FAST:
                    blocksFast++;
                    break;
                case SLOW:
                    blocksSlow++;
                    break;
                default:
                    blocksIndirect++;
                    break;
            }
            // A Citrea header does not name its view or proposer, so two leaders can propose byte-identical
            // headers (same parent, transactions and second) in different views: the certified block is
            // reported with the certificate's view and that view's leader.
            final long blockView = i == 0 ? w : info.view;
            final int proposer = i == 0 ? schedule.leader(w) : info.proposer;
            out.accept(new Command.Deliver(new FinalizedBlock(
                info.height, blockView, parentView, proposer, info.hash, p, top.height, cert)));
            parentView = blockView;
            blocks.remove(info.hash);
        }
        chain.clear();
        latestFinalization = cert;
        advanceFinalized(top.height, top.view, top.hash, out);
        progress(now, out);
    }

    /** Moves the finalized head, abandons blocks that do not descend from it and prunes (R13). */
    private void advanceFinalized(final long height, final long w, final Hash32 hash, final CommandSink out)
    {
        finalizedHeight = height;
        finalizedView = w;
        finalizedHash = hash;
        if (syncRequestedFrom >= 0 && syncRequestedFrom <= height)
        {
            syncRequestedFrom = -1;
        }
        if (!blocks.isEmpty())
        {
            HashSet<Hash32> dropped = null;
            final List<BlockInfo> byView = new ArrayList<>(blocks.values());
            byView.sort(BY_VIEW_THEN_HASH);
            for (int i = 0; i < byView.size(); i++)
            {
                final BlockInfo info = byView.get(i);
                if (info.view > w && (dropped == null || !dropped.contains(info.parentHash)))
                {
                    // Descends from the finalized block, or its ancestry is not known yet (a parent still being
                    // fetched may well descend): kept until proven to be on another branch.
                    continue;
                }
                // At or below the finalized view and not delivered, or the child of a block on another branch.
                blocks.remove(info.hash);
                if (!info.hash.equals(hash))
                {
                    if (dropped == null)
                    {
                        dropped = new HashSet<>();
                    }
                    dropped.add(info.hash);
                    out.accept(new Command.Abandon(info.hash));
                }
            }
        }
        pruneViewsBelow(w);
    }

    /** Drops every view below {@code w}, oldest first. */
    private void pruneViewsBelow(final long w)
    {
        while (!views.isEmpty() && views.firstKey() < w)
        {
            final ViewState removed = views.remove(views.firstKey());
            final int i = (int)removed.view & (RECENT_VIEWS - 1);
            if (recentViews[i] == removed)
            {
                recentViews[i] = null;
            }
            if (retiredViews.size() < MAX_SPARE_VIEWS)
            {
                retiredViews.add(removed);
            }
        }
    }

    private void startSync(final CommandSink out)
    {
        final long from = finalizedHeight + 1;
        if (syncRequestedFrom != from)
        {
            syncRequestedFrom = from;
            out.accept(new Command.StartSync(from));
        }
    }

    private void onBlocksSynced(final long now, final long height, final long w, final Hash32 hash, final CommandSink out)
    {
        if (height <= finalizedHeight || w <= finalizedView)
        {
            return;
        }
        syncRequestedFrom = -1;
        advanceFinalized(height, w, hash, out);
        if (view <= w)
        {
            view = w;
            enterView(now, w + 1, null, false, out);
        }
        // A finalization held above the synced head may now have known ancestry.
        final Map.Entry<Long, ViewState> last = lastFinalizationAbove(finalizedView);
        if (last != null)
        {
            final ViewState vs = last.getValue();
            deliver(now, vs.view, Hash32.wrap(vs.finalization.blockHash()), vs.finalization, out);
        }
        progress(now, out);
    }

    private Map.Entry<Long, ViewState> lastFinalizationAbove(final long w)
    {
        Map.Entry<Long, ViewState> found = null;
        for (final Map.Entry<Long, ViewState> e : views.tailMap(w, false).entrySet())
        {
            if (e.getValue().finalization != null)
            {
                found = e;
            }
        }
        return found;
    }

    // ------------------------------------------------------------------------------------------
    // Views (R1) and timers (§4.4)

    private void enterView(final long now, final long w, final Certificate cert, final boolean formed, final CommandSink out)
    {
        if (w <= view)
        {
            return;
        }
        view = w;
        viewEntryNs = now;
        retryArmed = false;
        if (cert != null)
        {
            entryCertificate = cert;
            if (formed)
            {
                relay(now, cert, out);
            }
        }
        out.accept(CANCEL_RETRY);
        checkMissedFinalization(now, true, out);
        // Prune state far below the view (W_PAST) even when nothing finalizes.
        pruneViewsBelow(view - params.pastWindowViews());
        final ViewState vs = state(w);
        afterEntry(now, vs, out);
    }

    /**
     * R10: a notarization or nullification this member formed and entered the next view with. With
     * {@code relay_certificates = all} it is broadcast at once. By default it is queued: votes go to every
     * member, so each usually forms the same certificate itself, and at n = 4 a copy from everyone was six
     * certificate frames received per member per view, nearly all after the receiver had finalized the view
     * (docs/PERFORMANCE.md, "Eleventh round"). {@code T_base / 4} later it goes only to the members that
     * have not shown they hold one ({@link #relayOldest}).
     */
    private void relay(final long now, final Certificate cert, final CommandSink out)
    {
        if (params.relayAllCertificates())
        {
            out.accept(new Command.Broadcast(cert));
            return;
        }
        if (relayCount == RELAY_SLOTS)
        {
            relayOldest(out);
        }
        final int slot = (relayHead + relayCount) & (RELAY_SLOTS - 1);
        relayCertificates[slot] = cert;
        relayDueNs[slot] = now + params.leaderTimeoutNs() / 4;
        relayCount++;
        armRelayTimer(relayDueNs[slot], out);
    }

    /** Arms the RELAY timer (R10's queue and R11 c's check share it) for {@code dueNs} unless it fires sooner. */
    private void armRelayTimer(final long dueNs, final CommandSink out)
    {
        relayTimerNs = armSooner(TimerKind.RELAY, relayTimerNs, dueNs, out);
    }

    /** Arms {@code kind} for {@code dueNs} unless it is armed to fire sooner; returns when it fires now. */
    private long armSooner(final TimerKind kind, final long armedNs, final long dueNs, final CommandSink out)
    {
        if (dueNs >= armedNs)
        {
            return armedNs;
        }
        out.accept(new Command.SetTimer(kind, view, dueNs));
        return dueNs;
    }

    /**
     * The RELAY timer: every queued certificate that is due goes to the members still lacking one, a missed
     * finalization is asked for (R11 c), and the timer is armed again. Not sooner than {@code T_base / 8} from
     * now, so that on the happy path one firing handles the certificates of several views.
     */
    private void onRelayTimer(final long now, final CommandSink out)
    {
        relayTimerNs = Long.MAX_VALUE;
        while (relayCount > 0 && relayDueNs[relayHead] <= now)
        {
            relayOldest(out);
        }
        checkMissedFinalization(now, false, out);
        long next = relayCount > 0 ? relayDueNs[relayHead] : Long.MAX_VALUE;
        if (finalizeAwaitedView >= 0)
        {
            next = Math.min(next, finalizeCheckNs);
        }
        if (next != Long.MAX_VALUE)
        {
            armRelayTimer(Math.max(next, now + params.leaderTimeoutNs() / 8), out);
        }
    }

    /**
     * Sends the oldest queued certificate, of view {@code w}, to each member that has sent nothing for a view
     * above {@code w}: a vote or proposal for a later view shows that it entered that view, so it holds a
     * certificate for {@code w} or beyond. A member silent for longer than the activity window is taken to be
     * down; when it speaks again, R12's nudge brings it the latest certificates.
     */
    private void relayOldest(final CommandSink out)
    {
        final Certificate cert = relayCertificates[relayHead];
        relayCertificates[relayHead] = null;
        relayHead = (relayHead + 1) & (RELAY_SLOTS - 1);
        relayCount--;
        final long w = cert.view();
        for (int j = 0; j < n; j++)
        {
            if (j != self && lastActiveView[j] <= w && lastActiveView[j] >= w - params.activityWindowViews())
            {
                out.accept(new Command.Send(j, cert));
                certificatesRelayed++;
            }
        }
    }

    /**
     * R11 (c): this member sent {@code Finalize(u)} and holds no finalization of {@code u}: the members that
     * completed the fast path send no {@code Finalize}, so if the vote that completed theirs never reached this
     * member (lost, or a faulty member's sent to some members only) it can reach Q {@code Finalize} votes no
     * more than the fast path, and finalizations are no longer broadcast (R10). So {@code T_base / 4} after its
     * {@code Finalize}, and again every {@code T_base / 4} while it is missing, it asks everyone for the
     * certificates of the oldest such {@code u}; the answers include each holder's latest finalization. Off the
     * happy path: the fast path completes within R8's grace, or the slow path's votes arrive within a view.
     */
    private void checkMissedFinalization(final long now, final boolean arm, final CommandSink out)
    {
        if (finalizeAwaitedView < 0)
        {
            return;
        }
        if (finalizeAwaitedView <= finalizedView || lastFinalizationAbove(finalizeAwaitedView - 1) != null)
        {
            // Final here, or held and waiting for a block to deliver (a sync asks for that): next own Finalize, if any.
            final long next = nextAwaitedFinalization(Math.max(finalizedView, finalizeAwaitedView) + 1);
            if (next < 0)
            {
                finalizeAwaitedView = -1;
                finalizeCheckNs = Long.MAX_VALUE;
                return;
            }
            finalizeAwaitedView = next;
            finalizeCheckNs = Math.max(finalizeCheckNs, now + params.leaderTimeoutNs() / 8);
        }
        else if (now >= finalizeCheckNs)
        {
            finalizationRequests++;
            // One view: the answers carry each holder's latest finalization, which finalizes the views after it too. A
            // request spanning every view since would be answered with every certificate of them, by every member.
            out.accept(new Command.RequestCertificates(finalizeAwaitedView, finalizeAwaitedView, -1));
            finalizeCheckNs = now + params.leaderTimeoutNs() / 4;
        }
        if (arm)
        {
            armRelayTimer(finalizeCheckNs, out);
        }
    }

    /** The lowest view from {@code from} up to the last own {@code Finalize} that has one and no finalization, or -1. */
    private long nextAwaitedFinalization(final long from)
    {
        for (long w = from; w <= lastFinalizeSentView; w++)
        {
            final ViewState vs = find(w);
            if (vs != null && vs.myFinalize != null && vs.finalization == null)
            {
                return w;
            }
        }
        return -1;
    }

    /** R11 (c): an own {@code Finalize(u)} was sent (or restored): expect the finalization of {@code u}. */
    private void awaitFinalization(final long u, final long checkNs, final CommandSink out)
    {
        if (params.relayAllCertificates() || u <= finalizedView)
        {
            return;
        }
        lastFinalizeSentView = Math.max(lastFinalizeSentView, u);
        if (finalizeAwaitedView < 0 || u < finalizeAwaitedView)
        {
            finalizeAwaitedView = u;
            finalizeCheckNs = checkNs;
            if (out != null)
            {
                armRelayTimer(checkNs, out);
            }
        }
    }

    /** R1 (d)–(f): lead, skip a demoted leader, or arm the proposal deadline; then process what was buffered. */
    private void afterEntry(final long now, final ViewState vs, final CommandSink out)
    {
        final int leader = schedule.leader(vs.view);
        proposeAtNs = Long.MAX_VALUE;
        proposeRetryNs = Long.MIN_VALUE;
        // A follower's proposal deadline starts from the empty-block interval, not from its own count of
        // pending transactions: at view entry that count is stale (the host may not have executed the
        // parent that already holds them), and a leader that has executed it rightly sees nothing to
        // propose. Work that appears during the view moves the deadline to now + T_L
        // (onTxBatchAdmitted), so a leader that ignores new transactions still times out.
        viewDeadlineNs = viewEntryNs + params.maxBlockIntervalNs() + leaderTimeout();
        if (leader == self)
        {
            proposeAtNs = pendingExecutable > 0 ? Math.max(now, lastProposalNs + params.minBlockIntervalNs()) :
                viewEntryNs + params.maxBlockIntervalNs();
            armViewTimer(out);
            tryPropose(now, vs, out);
        }
        else if (vs.undecided() && demoted(leader, vs.view))
        {
            viewsSkipped++;
            nullify(now, vs, NullifyReason.SKIP, out);
        }
        else
        {
            armViewTimer(out);
        }
        if (vs.view != view)
        {
            return;
        }
        tryVerify(now, vs, out);
        if (vs.view != view)
        {
            return;
        }
        // Votes buffered for this view may already complete a certificate or a contradiction.
        for (final Hash32 b : vs.notarize.isEmpty() ? List.<Hash32>of() : new ArrayList<>(vs.notarize.keySet()))
        {
            if (vs.view != view)
            {
                return;
            }
            checkNotarization(now, vs, b, out);
        }
        if (vs.view == view && vs.nullify.stake() >= quorum && vs.nullification == null)
        {
            afterVote(now, vs, MessageKind.NULLIFY, Hash32.ZERO, out);
        }
        if (vs.view == view)
        {
            maybeJoinNullify(now, vs, out);
        }
        if (vs.view == view)
        {
            checkContradiction(now, vs, out);
            checkFallbacks(vs, out);
        }
        if (vs.view == view && vs.hasCertificate())
        {
            // Certificates restored or received early for this view move us on at once.
            final Certificate c = vs.finalization != null ? vs.finalization :
                vs.nullification != null ? vs.nullification : vs.notarizations.firstEntry().getValue();
            enterView(now, vs.view + 1, c, false, out);
        }
    }

    private void armViewTimer(final CommandSink out)
    {
        final long deadline = Math.min(viewDeadlineNs, Math.max(proposeAtNs, proposeRetryNs));
        out.accept(new Command.SetTimer(TimerKind.VIEW, view, deadline));
    }

    private long leaderTimeout()
    {
        return params.leaderTimeoutNs() << timeoutExponent;
    }

    private void onViewTimer(final long now, final long w, final CommandSink out)
    {
        if (w != view)
        {
            return;
        }
        final ViewState vs = state(w);
        if (schedule.leader(w) == self && !vs.proposed && !vs.building && vs.myNullify == null && now >= proposeAtNs &&
            now >= proposeRetryNs)
        {
            proposeAtNs = Math.max(proposeAtNs, now);
            tryPropose(now, vs, out);
            if (view != w)
            {
                return;
            }
        }
        if (now >= viewDeadlineNs)
        {
            if (vs.undecided() && vs.myFinalize == null)
            {
                timeouts++;
                final int leader = schedule.leader(w);
                timeoutsAsLeader[leader]++;
                timeoutExponent = Math.min(timeoutExponent + 1, params.maxTimeoutDoublings());
                nullify(now, vs, NullifyReason.TIMEOUT, out);
            }
            if (view == w)
            {
                armRetry(now, out);
            }
            return;
        }
        if (view == w)
        {
            if (vs.proposed || vs.building)
            {
                proposeAtNs = Long.MAX_VALUE;
            }
            armViewTimer(out);
        }
    }

    /**
     * R8's grace: whether the fast path for {@code (vs.view, b)} can still form, i.e. the members that
     * have voted {@code Notarize(b)} plus those that have not but were active in the last view hold at
     * least the fast quorum. A crashed member stops being active, so its absence does not cost every
     * view the grace.
     */
    private boolean fastPathLive(final ViewState vs, final Hash32 b)
    {
        final Tally strict = vs.notarize.get(b);
        long live = 0;
        for (int j = 0; j < n; j++)
        {
            if ((strict != null && strict.has(j)) || lastActiveView[j] >= vs.view - 1)
            {
                live += stake[j];
            }
        }
        return live >= fastQuorum;
    }

    private void armFinalizeTimer(final long dueNs, final CommandSink out)
    {
        finalizeTimerNs = armSooner(TimerKind.FINALIZE, finalizeTimerNs, dueNs, out);
    }

    /**
     * R8's grace ran out: every {@code Finalize} still held back and due is sent if R8 still allows it
     * (no finalization of its view yet, no own {@code Nullify} since), then the timer is armed for the
     * next one held back.
     */
    private void onFinalizeTimer(final long now, final CommandSink out)
    {
        finalizeTimerNs = Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        // Held back only in views at or above the one then current, and nothing is kept past W_PAST: while
        // finalization lags (a partition), do not walk every view since the last finalized one.
        for (long w = Math.max(finalizedView + 1, view - params.pastWindowViews()); w <= view; w++)
        {
            final ViewState vs = find(w);
            if (vs == null || vs.finalizeDeferred == null)
            {
                continue;
            }
            if (vs.finalizeDueNs > now)
            {
                next = Math.min(next, vs.finalizeDueNs);
                continue;
            }
            final Hash32 b = vs.finalizeDeferred;
            vs.finalizeDeferred = null;
            if (vs.finalization == null && vs.myNullify == null && vs.myFinalize == null &&
                (vs.myNotarize == null || vs.myNotarize.equals(b)))
            {
                vs.myFinalize = b;
                sendOwnVote(vs, MessageKind.FINALIZE, b, null, out);
            }
        }
        if (next != Long.MAX_VALUE)
        {
            armFinalizeTimer(next, out);
        }
    }

    private void onRetryTimer(final long now, final long w, final CommandSink out)
    {
        if (w != view)
        {
            return;
        }
        final ViewState vs = state(w);
        retryArmed = false;
        if (vs.hasCertificate())
        {
            return;
        }
        // R11: rebroadcast own votes, the entry certificate and the latest finalization; ask everyone.
        for (final ConsensusMessage m : vs.ownMessages)
        {
            if (!(m instanceof Proposal))
            {
                out.accept(new Command.Broadcast(m));
            }
        }
        if (entryCertificate != null)
        {
            out.accept(new Command.Broadcast(entryCertificate));
        }
        if (latestFinalization != null && latestFinalization != entryCertificate)
        {
            out.accept(new Command.Broadcast(latestFinalization));
        }
        out.accept(new Command.RequestCertificates(w, w, -1));
        if (vs.proposal != null && !vs.verifyRequested && parentView(w, vs.proposal.parentHash()) == PARENT_PENDING)
        {
            // The proposal waits for a parent certificate: ask everyone for it and the views below.
            final long u = pendingParentView;
            out.accept(new Command.RequestCertificates(Math.max(finalizedView + 1, u - CertificateRequest.MAX_SPAN + 1), u, -1));
        }
        armRetry(now, out);
    }

    private void armRetry(final long now, final CommandSink out)
    {
        if (!retryArmed)
        {
            retryArmed = true;
            out.accept(new Command.SetTimer(TimerKind.RETRY, view, now + leaderTimeout()));
        }
    }

    /**
     * The host's count of transactions executable on its speculative tip. A count that grew (new
     * transactions, not only a change from zero: under steady load the count never returns to zero)
     * moves a follower's proposal deadline to {@code now + T_L} and lets the leader propose.
     */
    private void onTxBatchAdmitted(final long now, final int pending, final CommandSink out)
    {
        final boolean newWork = pending > pendingExecutable;
        pendingExecutable = pending;
        if (!newWork)
        {
            // Same or fewer: the host executed a block that holds some of them, or nothing changed.
            // Only new transactions make a deadline earlier, so a stale or stuck count cannot.
            return;
        }
        final ViewState vs = state(view);
        boolean rearm = false;
        final long earlier = now + leaderTimeout();
        if (schedule.leader(view) != self)
        {
            if (earlier < viewDeadlineNs && vs.undecided())
            {
                viewDeadlineNs = earlier;
                rearm = true;
            }
        }
        else if (!vs.proposed && !vs.building && vs.myNullify == null)
        {
            final long at = Math.max(now, lastProposalNs + params.minBlockIntervalNs());
            if (at < proposeAtNs)
            {
                proposeAtNs = at;
                rearm = true;
            }
            tryPropose(now, vs, out);
        }
        if (rearm && vs.view == view && !vs.proposed && !vs.building)
        {
            armViewTimer(out);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Proposing (R2)

    /** Re-evaluates what may have been waiting for a certificate or a block. */
    private void progress(final long now, final CommandSink out)
    {
        final ViewState vs = find(view);
        if (vs == null)
        {
            return;
        }
        if (schedule.leader(view) == self)
        {
            tryPropose(now, vs, out);
        }
        if (vs.view == view)
        {
            tryVerify(now, vs, out);
        }
    }

    private void tryPropose(final long now, final ViewState vs, final CommandSink out)
    {
        if (vs.view != view || vs.proposed || vs.building || vs.myNullify != null || vs.myNotarize != null || now < proposeAtNs)
        {
            return;
        }
        // selectParent(v), §2.
        for (long u = vs.view - 1; u >= finalizedView; u--)
        {
            if (u == finalizedView)
            {
                build(vs, u, finalizedHash, finalizedHeight + 1, out);
                return;
            }
            final ViewState us = find(u);
            if (us != null && !us.notarizations.isEmpty())
            {
                Hash32 best = null;
                long bestStake = -1;
                for (final Hash32 h : us.notarizations.keySet())
                {
                    final Tally t = us.notarize.get(h);
                    final long s = t == null ? 0 : t.stake();
                    if (s > bestStake)
                    {
                        best = h;
                        bestStake = s;
                    }
                }
                final BlockInfo parent = blocks.get(best);
                if (parent == null)
                {
                    waitForParent(now, out);
                    out.accept(new Command.FetchBlock(u, best, signersOf(us.notarizations.get(best))));
                    return;
                }
                build(vs, u, best, parent.height + 1, out);
                return;
            }
            if (us == null || us.nullification == null)
            {
                waitForParent(now, out);
                out.accept(new Command.RequestCertificates(u, u, -1));
                return;
            }
        }
    }

    /**
     * The leader lacks its parent or a certificate and has asked for it: arrivals retry at once
     * (through {@link #progress}), the timer only after a quarter of the leader timeout, so a missing
     * parent never spins the timer or floods requests.
     */
    private void waitForParent(final long now, final CommandSink out)
    {
        if (now < proposeRetryNs)
        {
            return;
        }
        proposeRetryNs = now + Math.max(1, leaderTimeout() / 4);
        armViewTimer(out);
    }

    private void build(final ViewState vs, final long parentView, final Hash32 parentHash, final long height, final CommandSink out)
    {
        vs.building = true;
        out.accept(new Command.BuildBlock(vs.view, parentView, parentHash, height));
    }

    private void onProposalReady(final long now, final Input.ProposalReady ready, final CommandSink out)
    {
        final ViewState vs = find(ready.view());
        final Hash32 hash = ready.candidate().blockHash();
        if (ready.view() != view || vs == null || !vs.building || vs.proposed || vs.myNullify != null || vs.myNotarize != null)
        {
            out.accept(new Command.Abandon(hash));
            return;
        }
        vs.building = false;
        vs.proposed = true;
        lastProposalNs = now;
        final long pv = ready.parentView();
        domain.proposalDigest(vs.view, hash.unsafeBytes(), digest);
        final byte[] sig = signer.sign(digest);
        final Proposal p = new Proposal(vs.view, pv, self, ready.candidate(), sig);
        final OwnVote record = new OwnVote(MessageKind.PROPOSAL, vs.view, pv, hash, p.parentHash(), null, sig);
        vs.ownMessages.add(p);
        out.accept(new Command.PersistThenBroadcast(record, p));
        vs.proposal = p;
        vs.expect(hash);
        vs.verifyRequested = true;
        final BlockInfo info = new BlockInfo(p);
        info.status = BlockInfo.Status.VALID;
        blocks.put(hash, info);
        markActive(self, vs.view);
        // R2: the leader notarizes its own block without verifying it, and the proposal's signature is
        // that vote (§3.2): nothing more is signed, journaled or sent.
        // Kept with the own messages as a Vote of its own, so R11's retries (which do not repeat the
        // proposal) re-send it: a member that lost the proposal can still count it toward a fallback.
        vs.myNotarize = hash;
        keepOwnVote(vs, new Vote(MessageKind.NOTARIZE, self, vs.view, hash, sig), out);
    }

    // ------------------------------------------------------------------------------------------
    // Verification results (R4, R5) and own votes

    private void onBlockVerified(final long now, final Input.BlockVerified v, final CommandSink out)
    {
        final BlockInfo info = blocks.get(v.blockHash());
        if (info != null && v.verdict() != Verdict.UNAVAILABLE)
        {
            info.status = v.verdict() == Verdict.VALID ? BlockInfo.Status.VALID : BlockInfo.Status.INVALID;
        }
        final ViewState vs = find(v.view());
        if (vs == null || v.view() != view || vs.proposal == null || !vs.proposal.blockHash().equals(v.blockHash()))
        {
            return;
        }
        vs.verified = true;
        if (!vs.undecided())
        {
            return;
        }
        switch (v.verdict())
        {
            case VALID:
                vs.myNotarize = v.blockHash();
                sendOwnVote(vs, MessageKind.NOTARIZE, v.blockHash(), null, out);
                break;
            case INVALID:
                dropInvalidProposal++;
                invalid(now, vs, out);
                break;
            default:
                break;
        }
    }

    private void invalid(final long now, final ViewState vs, final CommandSink out)
    {
        if (vs.undecided() && vs.myFinalize == null && vs.view == view)
        {
            nullify(now, vs, NullifyReason.INVALID, out);
        }
    }

    /**
     * R6e JOIN: members with at least f + 1 stake nullified the current view, so at least one honest
     * member timed out, skipped or found the proposal invalid; a member that has not notarized joins
     * at once instead of waiting for its own deadline. Without it, a split view of who is demoted
     * (D2 counts only a member's own timeouts) left the skippers short of a quorum until the others'
     * deadlines, up to the empty-block interval (1 s), as measured after a leader was killed. Safe
     * for the reason every R6 case is: a Nullify without a Notarize is always allowed. Not a demotion.
     */
    private void maybeJoinNullify(final long now, final ViewState vs, final CommandSink out)
    {
        if (vs.view == view && vs.myNotarize == null && vs.myNullify == null && vs.myFinalize == null &&
            vs.nullification == null && vs.nullify.stake() >= fallbackTrigger)
        {
            nullify(now, vs, NullifyReason.JOIN, out);
        }
    }

    /** R6 with reason; D2 for TIMEOUT and INVALID. The caller checked the R6 preconditions. */
    private void nullify(final long now, final ViewState vs, final NullifyReason reason, final CommandSink out)
    {
        if (vs.myNullify != null || vs.myFinalize != null || vs.view != view)
        {
            return;
        }
        vs.myNullify = reason;
        if (reason == NullifyReason.TIMEOUT || reason == NullifyReason.INVALID)
        {
            final int leader = schedule.leader(vs.view);
            if (leader != self)
            {
                demotedUntil[leader] = Math.max(demotedUntil[leader], vs.view + params.activityWindowViews());
            }
        }
        sendOwnVote(vs, MessageKind.NULLIFY, Hash32.ZERO, reason, out);
        if (vs.view == view)
        {
            checkFallbacks(vs, out);
        }
    }

    /** Signs, journals-then-broadcasts and counts an own vote (own votes count at once, §4.6). */
    private void sendOwnVote(
        final ViewState vs, final MessageKind kind, final Hash32 b, final NullifyReason reason, final CommandSink out)
    {
        domain.voteDigest(kind, vs.view, b.unsafeBytes(), digest);
        final byte[] sig = signer.sign(digest);
        final Vote vote = new Vote(kind, self, vs.view, b, sig);
        out.accept(new Command.PersistThenBroadcast(
            new OwnVote(kind, vs.view, 0, b, Hash32.ZERO, reason, sig), vote));
        keepOwnVote(vs, vote, out);
        if (kind == MessageKind.FINALIZE && vs.finalization == null)
        {
            // Not when this very vote completed the slow quorum.
            awaitFinalization(vs.view, nowNs + params.leaderTimeoutNs() / 4, out);
        }
    }

    /**
     * An own vote that has been handed out (sent, or carried by the own proposal): kept for R11's
     * retries and restart, the retry timer armed, and counted like any other vote.
     */
    private void keepOwnVote(final ViewState vs, final Vote vote, final CommandSink out)
    {
        vs.ownMessages.add(vote);
        if (vs.view == view)
        {
            armRetry(nowNs, out);
        }
        if (recordOwnVote(vs, vote))
        {
            afterVote(nowNs, vs, vote.kind(), vote.blockHash(), out);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Leaders' activity (D1–D3) and nudges (R12)

    private void markActive(final int j, final long w)
    {
        if (w > lastActiveView[j])
        {
            lastActiveView[j] = w;
        }
    }

    private boolean demoted(final int j, final long w)
    {
        final long r = params.activityWindowViews();
        return j != self && (w <= demotedUntil[j] || lastActiveView[j] < w - r);
    }

    private void nudge(final long now, final int j, final long u, final CommandSink out)
    {
        if (j == self || u >= view - 1 || now - lastNudgeNs[j] < params.nudgeIntervalNs())
        {
            return;
        }
        lastNudgeNs[j] = now;
        if (entryCertificate != null)
        {
            out.accept(new Command.Send(j, entryCertificate));
        }
        if (latestFinalization != null && latestFinalization != entryCertificate)
        {
            out.accept(new Command.Send(j, latestFinalization));
        }
    }

    // ------------------------------------------------------------------------------------------

    private ViewState state(final long w)
    {
        ViewState vs = find(w);
        if (vs == null)
        {
            if (spareViews.isEmpty())
            {
                vs = new ViewState(w, n);
            }
            else
            {
                vs = spareViews.remove(spareViews.size() - 1);
                vs.reset(w);
            }
            views.put(w, vs);
            recentViews[(int)w & (RECENT_VIEWS - 1)] = vs;
        }
        return vs;
    }

    /**
     * The state of view {@code w}, or null. Recent views come from a small direct-mapped cache, so the
     * per-message lookup does not box a {@code Long} key; entries are cleared when their view is pruned.
     */
    private ViewState find(final long w)
    {
        final int i = (int)w & (RECENT_VIEWS - 1);
        final ViewState cached = recentViews[i];
        if (cached != null && cached.view == w)
        {
            return cached;
        }
        final ViewState vs = views.get(w);
        if (vs != null)
        {
            recentViews[i] = vs;
        }
        return vs;
    }

    private int[] signersOf(final Certificate c)
    {
        final byte[] bits = c.signers();
        int count = 0;
        for (int j = 0; j < n; j++)
        {
            if (Certificate.isSet(bits, j) && j != self)
            {
                count++;
            }
        }
        final int[] out = new int[count];
        int k = 0;
        for (int j = 0; j < n; j++)
        {
            if (Certificate.isSet(bits, j) && j != self)
            {
                out[k++] = j;
            }
        }
        return out;
    }
}
