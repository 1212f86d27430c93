package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateCheck;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.CoreStatus;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.Input;
import dev.seqnet.consensus.core.TimerKind;
import dev.seqnet.consensus.core.Verdict;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * One simulated member process: a real {@link ConsensusCore} and a host that keeps the guarantees
 * H1–H8 of PROTOCOL.md §13 (commands in order, journal before send, exactly one BlockVerified per
 * VerifyBlock, latest timer per kind, inbound checks before the core, deliveries journaled), or,
 * for a Byzantine {@link Strategy}, distorts them. Crashes lose everything but the journal.
 */
final class MemberHost
{
    /** Where a pending crash hits: now, or at the next own signed message before/between/after journal and send. */
    enum CrashPoint
    {
        NOW, BEFORE_APPEND, BETWEEN_APPEND_AND_SEND, AFTER_SEND
    }

    /** Inbound drop counters (the host's share of §11). */
    long dropNonMember;
    long dropBadSignature;
    long dropWrongLeader;
    long dropDuplicateCertificate;
    long received;
    /** SetTimer commands whose deadline had already passed (a core polling through its timer). */
    long pastDeadlineTimers;

    final int index;
    final int endpoint;
    final Strategy strategy;
    final boolean byzantine;
    final SimJournal journal = new SimJournal();
    int incarnation;
    boolean up;
    long dropFarFutureSeen;
    long dropLateSeen;

    private final Simulation sim;
    private final MemberSet members;
    private final int n;
    private final SplittableRandom rng;
    private ConsensusCore core;
    private CrashPoint armed;
    private boolean crashing;
    private final long[] timerGeneration = new long[TimerKind.values().length];
    private final Set<Hash32> known = new HashSet<>();
    private final Map<Hash32, Proposal> proposals = new HashMap<>();
    /** The block whose body was journaled last (a body is written once per block). */
    private Hash32 lastBody;
    private final TreeSet<ModelTx> pool = new TreeSet<>();
    private final Set<Hash32> abandoned = new HashSet<>();
    private final Map<Hash32, List<Runnable>> waiting = new HashMap<>();
    private final Map<Long, Hash32> equivocation = new HashMap<>();
    private final Map<Long, Hash32> proposedInView = new HashMap<>();
    private boolean syncing;
    private long syncGeneration;
    private int syncExclude = -1;

    /** Reused for every vote when the simulation feeds votes through the allocation-free entry. */
    private final MutableVote mutableVote = new MutableVote();
    private final MutableProposal mutableProposal = new MutableProposal();

    MemberHost(final Simulation sim, final int index, final int endpoint, final Strategy strategy, final long seed)
    {
        this.sim = sim;
        this.index = index;
        this.endpoint = endpoint;
        this.strategy = strategy;
        this.byzantine = strategy != Strategy.HONEST;
        this.members = sim.members();
        this.n = members.size();
        this.rng = new SplittableRandom(seed);
    }

    ConsensusCore core()
    {
        return core;
    }

    long finalizedHeight()
    {
        return journal.finalizedHeight();
    }

    // ------------------------------------------------------------------ lifecycle

    void start()
    {
        up = true;
        crashing = false;
        known.clear();
        known.add(Hash32.ZERO);
        for (final FinalizedBlock b : journal.finalized)
        {
            known.add(b.blockHash());
        }
        pool.clear();
        final Set<Hash32> done = new HashSet<>();
        for (final FinalizedBlock b : journal.finalized)
        {
            done.addAll(sim.app().block(b.blockHash()).txHashes());
        }
        for (final ModelTx tx : journal.admitted)
        {
            if (!done.contains(tx.id()))
            {
                pool.add(tx);
                if (incarnation > 0)
                {
                    sim.gossip(this, tx);
                }
            }
        }
        // §8.2: the journaled bodies of proposals this member proposed or notarized, above its finalized head.
        final List<Proposal> bodies = journal.recoverBodies();
        for (final Proposal p : bodies)
        {
            known.add(p.blockHash());
            proposals.putIfAbsent(p.blockHash(), p);
        }
        core = sim.newCore(index, journal.recover());
        input(new Input.Start(sim.now()));
        // The core learns them again (R3 records the block; its restored own votes keep it from voting
        // twice), so it can deliver them once a finalization arrives; an own proposal of the view it
        // restarts in goes out again unchanged.
        for (final Proposal p : bodies)
        {
            if (!up)
            {
                return;
            }
            deliverToCore(p, sim.isByzantine(p.leader()));
            if (up && p.leader() == index && p.view() == core.view())
            {
                broadcast(p);
            }
        }
        if (incarnation > 0)
        {
            startSync();
        }
    }

    /** Arms a crash; {@link CrashPoint#NOW} crashes at once. */
    void crash(final CrashPoint point)
    {
        if (!up)
        {
            return;
        }
        if (point == CrashPoint.NOW)
        {
            crashNow();
        }
        else
        {
            armed = point;
        }
    }

    boolean armed()
    {
        return armed != null;
    }

    void disarm()
    {
        armed = null;
    }

    private void crashNow()
    {
        sim.trace(this, "CRASH" + (armed == null ? "" : " at " + armed));
        armed = null;
        up = false;
        crashing = true;
        final CoreStatus.Counters c = core.status().counters();
        dropFarFutureSeen += c.dropFarFuture();
        dropLateSeen += c.dropLate() + c.dropStale() + c.dropDuplicate();
        core = null;
        incarnation++;
        syncing = false;
        waiting.clear();
        proposals.clear(); // process memory: what survives is in the journal (SimJournal.bodies)
        lastBody = null;
        sim.crashed(this);
    }

    // ------------------------------------------------------------------ core driving

    /** Feeds one input to the core and runs its commands in order (H1); returns them. */
    List<Command> input(final Input in)
    {
        if (!up)
        {
            return List.of();
        }
        final List<Command> commands = new ArrayList<>();
        sim.trace(this, "IN " + Describe.input(in));
        try
        {
            if (sim.mutableEntries() && in instanceof Input.MessageReceived r && r.message() instanceof Vote v)
            {
                core.onVote(in.nowNs(), mutableVote.set(v), commands::add);
            }
            else if (sim.mutableEntries() && in instanceof Input.MessageReceived r && r.message() instanceof Proposal p)
            {
                core.onProposal(in.nowNs(), mutableProposal.set(p), commands::add);
            }
            else
            {
                core.on(in, commands::add);
            }
        }
        catch (final RuntimeException e)
        {
            throw new CoreFailure(this, in, e);
        }
        for (final Command c : commands)
        {
            sim.trace(this, "  " + Describe.command(c));
            execute(c);
            if (!up)
            {
                return commands;
            }
        }
        if (!byzantine)
        {
            sim.invariants().endOfStep(index);
        }
        return commands;
    }

    private void execute(final Command c)
    {
        if (c instanceof Command.PersistThenBroadcast p)
        {
            // §8.1: the body of the proposal first, so a crash before the vote's append leaves a body
            // without its vote (recovery must ignore it) rather than nothing.
            journalBody(p.message());
            if (armed == CrashPoint.BEFORE_APPEND)
            {
                crashNow();
                return;
            }
            if (!byzantine)
            {
                sim.invariants().onSigned(index, p.record(), p.message());
            }
            journal.ownVotes.add(p.record());
            if (armed == CrashPoint.BETWEEN_APPEND_AND_SEND)
            {
                crashNow();
                return;
            }
            if (p.message() instanceof Proposal prop)
            {
                proposals.put(prop.blockHash(), prop);
                known.add(prop.blockHash());
                runWaiters(prop.blockHash());
            }
            sendSigned(p.message());
            if (armed == CrashPoint.AFTER_SEND)
            {
                crashNow();
            }
        }
        else if (c instanceof Command.CertificateFormed f)
        {
            journal.certificate(f.certificate());
        }
        else if (c instanceof Command.Broadcast b)
        {
            broadcast(b.message());
        }
        else if (c instanceof Command.Send s)
        {
            out(s.member(), s.message());
        }
        else if (c instanceof Command.BuildBlock b)
        {
            build(b);
        }
        else if (c instanceof Command.VerifyBlock v)
        {
            verify(v);
        }
        else if (c instanceof Command.FetchBlock f)
        {
            final int[] from = f.from() == null || f.from().length == 0 ? all() : f.from();
            for (final int m : from)
            {
                if (m != index && m >= 0 && m < n)
                {
                    sim.send(this, m, new Envelope.FetchRequest(endpoint, f.blockHash()));
                }
            }
        }
        else if (c instanceof Command.RequestCertificates r)
        {
            for (long from = r.fromView(); from <= r.toView(); from += CertificateRequest.MAX_SPAN)
            {
                final long to = Math.min(r.toView(), from + CertificateRequest.MAX_SPAN - 1);
                final CertificateRequest req = new CertificateRequest(index, from, to);
                if (r.member() < 0)
                {
                    broadcast(req);
                }
                else
                {
                    out(r.member(), req);
                }
            }
        }
        else if (c instanceof Command.Deliver d)
        {
            deliver(d.block());
        }
        else if (c instanceof Command.Abandon a)
        {
            abandoned.add(a.blockHash());
        }
        else if (c instanceof Command.SetTimer t)
        {
            final long gen = ++timerGeneration[t.kind().ordinal()];
            final int inc = incarnation;
            // H5 allows firing after the deadline: a deadline already passed fires one timer tick
            // later, as a timer wheel would. With tick 0 a core that re-arms at "now" spins forever.
            long at = t.deadlineNs();
            if (at <= sim.now())
            {
                pastDeadlineTimers++;
                at = sim.now() + Simulation.TIMER_TICK_NS;
            }
            sim.at(at, () ->
            {
                if (up && inc == incarnation && timerGeneration[t.kind().ordinal()] == gen)
                {
                    input(new Input.TimerFired(sim.now(), t.kind(), t.view()));
                }
            });
        }
        else if (c instanceof Command.CancelTimer t)
        {
            timerGeneration[t.kind().ordinal()]++;
        }
        else if (c instanceof Command.RecordEvidence e)
        {
            if (!byzantine)
            {
                sim.invariants().onEvidence(index, incarnation, e.evidence());
            }
        }
        else if (c instanceof Command.StartSync)
        {
            startSync();
        }
    }

    /**
     * Appends the body of the block an own {@code Proposal} or {@code Notarize} is about, once per
     * block (a proposal is its leader's Notarize, PROTOCOL.md §3.2).
     */
    private void journalBody(final ConsensusMessage m)
    {
        final Proposal body;
        if (m instanceof Proposal prop)
        {
            body = prop;
        }
        else if (m instanceof Vote v && v.kind() == MessageKind.NOTARIZE)
        {
            body = proposals.get(v.blockHash());
        }
        else
        {
            return;
        }
        if (body != null && !body.blockHash().equals(lastBody))
        {
            journal.bodies.add(body);
            lastBody = body.blockHash();
        }
    }

    private int[] all()
    {
        final int[] a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i;
        }
        return a;
    }

    // ------------------------------------------------------------------ blocks

    private boolean knows(final Hash32 hash)
    {
        return known.contains(hash);
    }

    /** Runs {@code ok} once this host holds {@code hash}, fetching it from peers; {@code fail} after 4 Δmax. */
    private void whenKnown(final Hash32 hash, final Runnable ok, final Runnable fail)
    {
        if (knows(hash))
        {
            ok.run();
            return;
        }
        final boolean[] done = new boolean[1];
        waiting.computeIfAbsent(hash, k -> new ArrayList<>()).add(() ->
        {
            if (!done[0])
            {
                done[0] = true;
                ok.run();
            }
        });
        for (int m = 0; m < n; m++)
        {
            if (m != index)
            {
                sim.send(this, m, new Envelope.FetchRequest(endpoint, hash));
            }
        }
        final int inc = incarnation;
        sim.at(sim.now() + 4 * sim.maxDelayNs() + Simulation.HOST_DELAY_NS, () ->
        {
            if (up && inc == incarnation && !done[0])
            {
                done[0] = true;
                fail.run();
            }
        });
    }

    private void runWaiters(final Hash32 hash)
    {
        final List<Runnable> w = waiting.remove(hash);
        if (w != null)
        {
            for (final Runnable r : w)
            {
                r.run();
            }
        }
    }

    /** H4: ProposalReady or nothing. */
    private void build(final Command.BuildBlock b)
    {
        final int inc = incarnation;
        whenKnown(b.parentHash(), () -> sim.at(sim.now() + Simulation.HOST_DELAY_NS, () ->
        {
            if (!up || inc != incarnation)
            {
                return;
            }
            // Timestamps in µs keep two leaders from building byte-identical headers (same parent,
            // height, txs, time): Citrea's seconds make that likely, see Simulation.SECOND_TIMESTAMPS.
            final long ts = (Simulation.SECOND_TIMESTAMPS ? sim.now() / 1_000_000_000L : sim.now() / 1_000) +
                (endpoint >= n ? 1_000_000_000L : 0);
            BlockCandidate c;
            if (strategy == Strategy.INVALID && rng.nextInt(4) != 0)
            {
                final ModelApp.Flaw[] flaws = ModelApp.Flaw.values();
                c = sim.app().buildFlawed(b.parentHash(), b.height(), pool, index, ts, flaws[rng.nextInt(flaws.length)],
                    rng.nextLong());
            }
            else
            {
                c = sim.app().build(b.parentHash(), b.height(), pool, index, ts, 32);
            }
            if (c != null)
            {
                input(new Input.ProposalReady(sim.now(), b.view(), b.parentView(), c));
            }
        }), () -> sim.trace(this, "build: parent " + b.parentHash().shortHex() + " unavailable"));
    }

    /** H2: exactly one BlockVerified per VerifyBlock. */
    private void verify(final Command.VerifyBlock v)
    {
        final Proposal p = v.proposal();
        final int inc = incarnation;
        final Runnable answer = () -> sim.at(sim.now() + Simulation.HOST_DELAY_NS, () ->
        {
            if (!up || inc != incarnation)
            {
                return;
            }
            final Verdict verdict;
            if (strategy == Strategy.INVALID)
            {
                verdict = Verdict.VALID;
            }
            else if (!knows(p.parentHash()))
            {
                verdict = Verdict.UNAVAILABLE;
            }
            else
            {
                verdict = sim.app().verify(p.block(), members.schedule().leader(p.view()));
            }
            input(new Input.BlockVerified(sim.now(), v.view(), p.blockHash(), verdict));
        });
        whenKnown(p.parentHash(), answer, answer);
    }

    private void deliver(final FinalizedBlock b)
    {
        if (!byzantine)
        {
            sim.invariants().onDeliver(index, b, abandoned);
        }
        journal.finalized.add(b);
        known.add(b.blockHash());
        final BlockCandidate c = sim.app().block(b.blockHash());
        if (c != null)
        {
            for (final Hash32 id : c.txHashes())
            {
                final ModelTx tx = sim.app().tx(id);
                if (tx != null)
                {
                    pool.remove(tx);
                }
            }
        }
        sim.delivered(this);
    }

    // ------------------------------------------------------------------ sync (§10)

    void startSync()
    {
        if (syncing || !up)
        {
            return;
        }
        final MemberHost peer = sim.syncPeer(this, syncExclude);
        if (peer == null)
        {
            return;
        }
        syncing = true;
        final long gen = ++syncGeneration;
        final int inc = incarnation;
        sim.send(this, peer.index, new Envelope.SyncRequest(endpoint, journal.finalizedHeight() + 1));
        sim.at(sim.now() + 10 * sim.params().leaderTimeoutNs(), () ->
        {
            if (up && inc == incarnation && syncing && gen == syncGeneration)
            {
                syncing = false;
                syncExclude = peer.index;
                startSync();
            }
        });
    }

    private void serveSync(final Envelope.SyncRequest r)
    {
        final long head = journal.finalizedHeight();
        if (r.fromHeight() < 1 || r.fromHeight() > head)
        {
            sim.sendTo(this, r.replyTo(), new Envelope.SyncResponse(index, List.of()));
            return;
        }
        long to = Math.min(head, r.fromHeight() + 63);
        while (journal.at(to).path() == FinalizationPath.INDIRECT && journal.at(to).certifiedHeight() > to)
        {
            to = Math.min(head, journal.at(to).certifiedHeight());
        }
        final List<FinalizedBlock> blocks = new ArrayList<>();
        for (long h = r.fromHeight(); h <= to; h++)
        {
            blocks.add(journal.at(h));
        }
        sim.sendTo(this, r.replyTo(), new Envelope.SyncResponse(index, blocks));
    }

    private void applySync(final Envelope.SyncResponse r)
    {
        syncing = false;
        syncGeneration++;
        if (r.blocks().isEmpty())
        {
            return;
        }
        final FinalizedBlock last = r.blocks().get(r.blocks().size() - 1);
        final CertificateCheck check = SimCrypto.verify(sim.verifier(), last.certificate());
        if (!check.isValid() || (check.kind() != CertificateKind.FINALIZATION_FAST &&
            check.kind() != CertificateKind.FINALIZATION_SLOW) || !Hash32.wrap(check.blockHash()).equals(last.blockHash()))
        {
            sim.trace(this, "sync: response without a valid proof from " + r.from());
            return;
        }
        // Check the whole batch links and re-executes before taking any of it.
        Hash32 prev = null;
        for (final FinalizedBlock b : r.blocks())
        {
            final BlockCandidate c = sim.app().block(b.blockHash());
            if (c == null || (prev != null && !c.parentHash().equals(prev)) ||
                sim.app().verify(c, members.schedule().leader(b.view())) != Verdict.VALID)
            {
                sim.trace(this, "sync: bad batch from " + r.from());
                return;
            }
            prev = b.blockHash();
        }
        FinalizedBlock applied = null;
        for (final FinalizedBlock b : r.blocks())
        {
            if (b.height() <= journal.finalizedHeight())
            {
                continue;
            }
            if (b.height() != journal.finalizedHeight() + 1 ||
                !sim.app().block(b.blockHash()).parentHash().equals(journal.finalizedHash()))
            {
                sim.trace(this, "sync: batch does not extend own head");
                return;
            }
            sim.trace(this, "  synced " + Describe.block(b));
            deliver(b);
            applied = b;
        }
        if (applied != null)
        {
            input(new Input.BlocksSynced(sim.now(), applied.height(), applied.view(), applied.blockHash()));
            if (!byzantine)
            {
                sim.invariants().endOfStep(index);
            }
            startSync();
        }
    }

    // ------------------------------------------------------------------ inbound (H6)

    void receive(final Envelope env)
    {
        if (!up)
        {
            return;
        }
        if (env instanceof Envelope.Msg m)
        {
            receive(m);
        }
        else if (env instanceof Envelope.TxGossip g)
        {
            if (pool.add(g.tx()))
            {
                input(new Input.TxBatchAdmitted(sim.now(), pool.size()));
            }
        }
        else if (env instanceof Envelope.FetchRequest f)
        {
            final Proposal p = proposals.get(f.blockHash());
            if (p != null)
            {
                sim.sendTo(this, f.replyTo(), new Envelope.FetchResponse(p));
            }
        }
        else if (env instanceof Envelope.FetchResponse f)
        {
            final Proposal p = f.proposal();
            if (inboundDrop(p) == null)
            {
                sim.app().store(p.block());
                known.add(p.blockHash());
                proposals.putIfAbsent(p.blockHash(), p);
                runWaiters(p.blockHash());
                if (up)
                {
                    deliverToCore(p, false);
                }
            }
        }
        else if (env instanceof Envelope.SyncRequest r)
        {
            serveSync(r);
        }
        else if (env instanceof Envelope.SyncResponse r)
        {
            applySync(r);
        }
    }

    private void receive(final Envelope.Msg m)
    {
        received++;
        final Envelope.Spam drop = inboundDrop(m.message());
        if (m.spam() != null && !byzantine)
        {
            sim.checkSpam(this, m, drop);
        }
        if (drop != null)
        {
            return;
        }
        if (m.message() instanceof Proposal p)
        {
            sim.app().store(p.block());
            known.add(p.blockHash());
            proposals.putIfAbsent(p.blockHash(), p);
            runWaiters(p.blockHash());
        }
        if (m.spam() != null && !byzantine)
        {
            final CoreStatus.Counters before = core.status().counters();
            final long viewBefore = core.view();
            final long finalizedViewBefore = core.finalizedView();
            final List<Command> out = deliverToCore(m.message(), true);
            if (up)
            {
                sim.checkCoreDrop(this, m, viewBefore, finalizedViewBefore, before, core.status().counters(), out);
            }
            return;
        }
        deliverToCore(m.message(), sim.isByzantine(signerOf(m.message())));
    }

    private List<Command> deliverToCore(final ConsensusMessage msg, final boolean fromByzantine)
    {
        if (!byzantine)
        {
            sim.invariants().onObserved(index, msg);
            if (fromByzantine && (msg instanceof Proposal || msg instanceof Vote))
            {
                final long v = msg.view();
                if (v > core.finalizedView() && v <= core.view() + sim.params().futureWindowViews() &&
                    v >= core.view() - sim.params().pastWindowViews())
                {
                    sim.invariants().onByzantineReceived(index, incarnation, msg);
                }
            }
        }
        return input(new Input.MessageReceived(sim.now(), msg));
    }

    private static int signerOf(final ConsensusMessage m)
    {
        if (m instanceof Proposal p)
        {
            return p.leader();
        }
        if (m instanceof Vote v)
        {
            return v.signer();
        }
        return -1;
    }

    /** H6: membership, signatures, proposal signer = leader(view), certificates; null when it passes. */
    private Envelope.Spam inboundDrop(final ConsensusMessage m)
    {
        if (m instanceof Vote v)
        {
            if (v.signer() < 0 || v.signer() >= n)
            {
                dropNonMember++;
                return Envelope.Spam.NON_MEMBER;
            }
            if (!SimCrypto.verify(v.signature(), SimCrypto.DOMAIN.voteDigest(v.kind(), v.view(), v.blockHash().unsafeBytes()),
                members.member(v.signer()).publicKey()))
            {
                dropBadSignature++;
                return Envelope.Spam.BAD_SIGNATURE;
            }
            return null;
        }
        if (m instanceof Proposal p)
        {
            if (p.leader() < 0 || p.leader() >= n)
            {
                dropNonMember++;
                return Envelope.Spam.NON_MEMBER;
            }
            if (p.view() < 1 || p.leader() != members.schedule().leader(p.view()))
            {
                dropWrongLeader++;
                return Envelope.Spam.WRONG_LEADER;
            }
            if (!SimCrypto.verify(p.signature(), SimCrypto.DOMAIN.proposalDigest(p.view(), p.blockHash().unsafeBytes()), members.member(p.leader()).publicKey()))
            {
                dropBadSignature++;
                return Envelope.Spam.BAD_SIGNATURE;
            }
            return null;
        }
        if (m instanceof Certificate c)
        {
            if (core.holdsCertificate(c.kind(), c.view(), Hash32.wrap(c.blockHash())))
            {
                dropDuplicateCertificate++;
                return Envelope.Spam.STALE;
            }
            if (!SimCrypto.verify(sim.verifier(), c).isValid())
            {
                dropBadSignature++;
                return Envelope.Spam.FORGED_CERTIFICATE;
            }
            journal.certificate(c);
            return null;
        }
        if (m instanceof CertificateRequest r)
        {
            if (r.requester() < 0 || r.requester() >= n)
            {
                dropNonMember++;
                return Envelope.Spam.NON_MEMBER;
            }
            return null;
        }
        dropNonMember++;
        return Envelope.Spam.NON_MEMBER;
    }

    // ------------------------------------------------------------------ outbound, with Byzantine distortions

    private void broadcast(final ConsensusMessage m)
    {
        for (int j = 0; j < n; j++)
        {
            if (j != index)
            {
                out(j, m);
            }
        }
    }

    private void out(final int to, final ConsensusMessage m)
    {
        if (strategy == Strategy.SILENT || (strategy == Strategy.WITHHOLD && rng.nextInt(3) == 0))
        {
            return;
        }
        if (to == index)
        {
            return;
        }
        sim.send(this, to, new Envelope.Msg(index, m, null));
    }

    private void sendSigned(final ConsensusMessage m)
    {
        switch (strategy)
        {
            case EQUIVOCATE:
                equivocate(m);
                return;
            case DOUBLE_VOTE:
                broadcast(m);
                if (m instanceof Proposal p)
                {
                    // The proposal is the leader's Notarize (§3.2): a second one for another block.
                    broadcast(vote(MessageKind.NOTARIZE, p.view(), randomHash()));
                }
                else if (m instanceof Vote v && v.kind() == MessageKind.NOTARIZE)
                {
                    broadcast(vote(MessageKind.NOTARIZE, v.view(), randomHash()));
                    if (rng.nextInt(3) == 0)
                    {
                        broadcast(vote(MessageKind.NOTARIZE_FALLBACK, v.view(), v.blockHash()));
                    }
                }
                else if (m instanceof Vote v && v.kind() == MessageKind.FINALIZE && rng.nextBoolean())
                {
                    broadcast(vote(MessageKind.FINALIZE, v.view(), randomHash()));
                }
                return;
            case NULLER:
                broadcast(m);
                if (m instanceof Vote v && v.kind() == MessageKind.FINALIZE)
                {
                    broadcast(vote(MessageKind.NULLIFY, v.view(), Hash32.ZERO));
                }
                else if (m instanceof Vote v && v.kind() == MessageKind.NULLIFY)
                {
                    final Hash32 h = proposedInView.get(v.view());
                    broadcast(vote(MessageKind.FINALIZE, v.view(), h != null ? h : randomHash()));
                }
                else if (m instanceof Proposal p)
                {
                    proposedInView.put(p.view(), p.blockHash());
                }
                return;
            default:
                broadcast(m);
        }
    }

    /** Different proposals (and Notarize votes) to two halves of the members, or both to everyone. */
    private void equivocate(final ConsensusMessage m)
    {
        if (m instanceof Proposal p)
        {
            final BlockCandidate alt = sim.app().build(p.parentHash(), p.height(), pool.descendingSet(), index,
                p.block().timestamp() + 2_000_000_000L, 3);
            if (alt == null || alt.blockHash().equals(p.blockHash()))
            {
                broadcast(p);
                return;
            }
            final byte[] sig = SimCrypto.sign(index, SimCrypto.DOMAIN.proposalDigest(p.view(), alt.blockHash().unsafeBytes()));
            final Proposal p2 = new Proposal(p.view(), p.parentView(), index, alt, sig);
            proposals.put(alt.blockHash(), p2);
            equivocation.put(p.view(), alt.blockHash());
            final boolean both = rng.nextInt(4) == 0;
            for (int j = 0; j < n; j++)
            {
                if (j == index)
                {
                    continue;
                }
                if (both)
                {
                    out(j, rng.nextBoolean() ? p : p2);
                    out(j, j % 2 == 0 ? p : p2);
                }
                else
                {
                    out(j, j % 2 == 0 ? p : p2);
                }
            }
            return;
        }
        if (m instanceof Vote v && v.kind() == MessageKind.NOTARIZE && equivocation.containsKey(v.view()))
        {
            final Vote v2 = vote(MessageKind.NOTARIZE, v.view(), equivocation.get(v.view()));
            for (int j = 0; j < n; j++)
            {
                if (j != index)
                {
                    out(j, j % 2 == 0 ? v : v2);
                }
            }
            return;
        }
        broadcast(m);
    }

    Vote vote(final MessageKind kind, final long view, final Hash32 hash)
    {
        return new Vote(kind, index, view, hash,
            SimCrypto.sign(index, SimCrypto.DOMAIN.voteDigest(kind, view, hash.unsafeBytes())));
    }

    private Hash32 randomHash()
    {
        final byte[] b = new byte[32];
        for (int i = 0; i < 32; i += 8)
        {
            final long r = rng.nextLong();
            for (int k = 0; k < 8; k++)
            {
                b[i + k] = (byte)(r >>> (8 * k));
            }
        }
        return Hash32.wrap(b);
    }

    /** The host acknowledged {@code tx} (journaled, pooled, announced to the core). */
    void admit(final ModelTx tx)
    {
        journal.admitted.add(tx);
        pool.add(tx);
        input(new Input.TxBatchAdmitted(sim.now(), pool.size()));
    }

    long view()
    {
        return core == null ? -1 : core.view();
    }

    SplittableRandom rng()
    {
        return rng;
    }

    /** A failure thrown by the core itself, with the input that triggered it. */
    static final class CoreFailure extends RuntimeException
    {
        CoreFailure(final MemberHost host, final Input in, final RuntimeException cause)
        {
            super("core of member " + host.index + " threw on " + Describe.input(in) + ": " + cause, cause);
        }
    }
}
