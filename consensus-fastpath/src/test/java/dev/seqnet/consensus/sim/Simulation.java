package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.consensus.core.CoreStatus;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The deterministic simulator of PROTOCOL.md §12: n real {@link ConsensusCore}s behind simulated
 * hosts, one thread, virtual time, all randomness from one seed. A run has a chaos phase (the
 * scenario's faults), then heals (GST) and, for scenarios within the fault threshold, runs until
 * every honest up member finalized a new block and every acknowledged transaction is final (I6,
 * I8), or fails at the bound {@code B_heal} of §6.1. Safety invariants are checked on every event.
 */
final class Simulation
{
    /** Build and verification time of a host (X in §6). */
    static final long HOST_DELAY_NS = 50_000L;
    static final long MAX_STEPS = 3_000_000L;
    /** Status broadcast period (1 s in production, scaled down with the simulated timeouts). */
    static final long STATUS_PERIOD_NS = 25_000_000L;
    /** Header timestamps in whole seconds as Citrea has them (identical headers across views become likely). */
    static final boolean SECOND_TIMESTAMPS = Boolean.getBoolean("sim.secondTimestamps");
    /** Granularity of host timers; a deadline already passed fires this much later (0 = at once). */
    static final long TIMER_TICK_NS = Long.getLong("sim.timerTickNs", 100_000L);

    /** What a run produced: its outcome, its trace digest and measurements. */
    record Result(
        long seed, int n, String scenario, String failure, String traceHash, long steps, long endNs,
        long finalizedHeight, long healToProgressNs, long evidence, long expectedEvidence, long spamDropped,
        List<String> lastTrace)
    {
        boolean ok()
        {
            return failure == null;
        }
    }

    private final long seed;
    private final int n;
    private final Scenario scenario;
    private final MemberSet members;
    private final ConsensusParams params;
    private final FinalityVerifier verifier;
    private final ModelApp app;
    private final Invariants invariants;
    private final EventQueue queue = new EventQueue();
    private final NetworkModel network;
    private final SplittableRandom faultRng;
    private final SplittableRandom txRng;
    private final SplittableRandom spamRng;
    private final MemberHost[] endpoints;
    private final boolean[] byzantine;
    private final boolean[] hasTwin;
    private final int[] side;
    private final MessageDigest traceDigest = Sha256.newDigest();
    private final ArrayDeque<String> traceTail = new ArrayDeque<>();
    private final boolean verbose;
    private final long[] delays = new long[2];
    private final List<ModelTx> acknowledged = new ArrayList<>();
    /** Transactions admitted only by the member left down: they may be lost, and so may later nonces of their account. */
    private final List<ModelTx> mayBeLost = new ArrayList<>();
    private final long[] nextNonce = new long[ModelApp.ACCOUNTS];
    private boolean healed;
    private long healNs;
    private long[] healHead;
    private boolean deliveredSinceCheck;
    private long spamDropped;
    private long firstProgressAfterHeal = -1;
    private boolean mutableEntries;

    /** R8's grace for a seed: none, or 1 ms (a tenth of the simulated leader timeout), decorrelated from the scenario kind. */
    static long graceFor(final long seed)
    {
        final String forced = System.getProperty("sim.graceNs"); // replay a seed with another grace
        if (forced != null)
        {
            return Long.parseLong(forced);
        }
        return (Long.hashCode(seed * 0x2545F4914F6CDD1DL) & 1) == 0 ? 0 : 1_000_000L;
    }

    Simulation(final long seed, final int n, final Scenario scenario, final boolean verbose)
    {
        this.seed = seed;
        this.n = n;
        this.scenario = scenario;
        this.verbose = verbose;
        this.members = SimCrypto.members(n, SimCrypto.slackOf(n));
        this.params = new ConsensusParams().members(members).domain(SimCrypto.DOMAIN)
            .leaderTimeoutNs(10_000_000L).maxTimeoutDoublings(3).maxBlockIntervalNs(4_000_000L)
            .minBlockIntervalNs(0).nudgeIntervalNs(2_000_000L)
            // Half the seeds hold Finalize back for the fast path (R8's grace), as the node does.
            .finalizeGraceNs(graceFor(seed)).conclude();
        this.verifier = SimCrypto.verifier(members);
        this.app = new ModelApp(members);
        this.byzantine = new boolean[n];
        this.hasTwin = new boolean[n];
        for (int i = 0; i < n; i++)
        {
            byzantine[i] = scenario.strategies[i] != Strategy.HONEST;
            hasTwin[i] = scenario.strategies[i] == Strategy.TWIN;
        }
        this.invariants = new Invariants(members, verifier, app, byzantine);
        final SplittableRandom root = new SplittableRandom(seed);
        this.network = new NetworkModel(root.nextLong(), 2 * n, scenario.medianNs, scenario.sigma,
            scenario.maxDelayNs, scenario.loss, scenario.duplicate);
        this.faultRng = new SplittableRandom(root.nextLong());
        this.txRng = new SplittableRandom(root.nextLong());
        this.spamRng = new SplittableRandom(root.nextLong());
        this.endpoints = new MemberHost[2 * n];
        this.side = new int[2 * n];
        for (int i = 0; i < n; i++)
        {
            endpoints[i] = new MemberHost(this, i, i, scenario.strategies[i], root.nextLong());
            if (hasTwin[i])
            {
                endpoints[n + i] = new MemberHost(this, i, n + i, Strategy.TWIN, root.nextLong());
                side[n + i] = 1;
            }
        }
        for (int i = 0; i < n; i++)
        {
            side[i] = hasTwin[i] ? 0 : faultRng.nextInt(2);
        }
    }

    /**
     * Feeds peer votes and proposals through {@code ConsensusCore.onVote(MutableVote)} and
     * {@code onProposal(MutableProposal)} instead of {@code on(MessageReceived)}; the trace must not
     * change (SimulationTest checks it).
     */
    Simulation mutableEntries(final boolean on)
    {
        mutableEntries = on;
        return this;
    }

    boolean mutableEntries()
    {
        return mutableEntries;
    }

    // ------------------------------------------------------------------ accessors for hosts

    MemberSet members()
    {
        return members;
    }

    ConsensusParams params()
    {
        return params;
    }

    FinalityVerifier verifier()
    {
        return verifier;
    }

    ModelApp app()
    {
        return app;
    }

    Invariants invariants()
    {
        return invariants;
    }

    long now()
    {
        return queue.nowNs();
    }

    long maxDelayNs()
    {
        return network.maxDelayNs();
    }

    boolean isByzantine(final int member)
    {
        return member >= 0 && member < n && byzantine[member];
    }

    void at(final long timeNs, final Runnable action)
    {
        queue.at(timeNs, action);
    }

    ConsensusCore newCore(final int index, final RecoveredState recovered)
    {
        return new ConsensusCore(params, index, digest -> SimCrypto.sign(index, digest), recovered);
    }

    void trace(final MemberHost h, final String line)
    {
        final String s = queue.nowNs() + " m" + h.index + (h.endpoint >= n ? "'" : "") + "#" + h.incarnation + " " + line;
        traceDigest.update(s.getBytes(StandardCharsets.UTF_8));
        traceDigest.update((byte)'\n');
        traceTail.addLast(s);
        if (traceTail.size() > 400)
        {
            traceTail.removeFirst();
        }
        if (verbose)
        {
            System.out.println(s);
        }
    }

    private void trace(final String line)
    {
        final String s = queue.nowNs() + " sim " + line;
        traceDigest.update(s.getBytes(StandardCharsets.UTF_8));
        traceTail.addLast(s);
        if (traceTail.size() > 400)
        {
            traceTail.removeFirst();
        }
        if (verbose)
        {
            System.out.println(s);
        }
    }

    // ------------------------------------------------------------------ routing

    /** Twins: a Twin instance and the honest members on the other side never hear each other. */
    private boolean linked(final int a, final int b)
    {
        if (hasTwin[a % n] || hasTwin[b % n])
        {
            return side[a] == side[b];
        }
        return true;
    }

    void send(final MemberHost from, final int toMember, final Envelope env)
    {
        sendTo(from, toMember, env);
        if (hasTwin[toMember])
        {
            sendTo(from, n + toMember, env);
        }
    }

    void sendTo(final MemberHost from, final int toEndpoint, final Envelope env)
    {
        final MemberHost to = endpoints[toEndpoint];
        if (to == null || toEndpoint == from.endpoint || !linked(from.endpoint, toEndpoint))
        {
            return;
        }
        final int copies = network.send(from.endpoint, toEndpoint, delays);
        for (int i = 0; i < copies; i++)
        {
            queue.at(queue.nowNs() + delays[i], () -> to.receive(env));
        }
    }

    /** The admitted stream is modelled as reliable (Aeron retransmits); members that are down miss it. */
    void gossip(final MemberHost from, final ModelTx tx)
    {
        for (final MemberHost to : endpoints)
        {
            if (to != null && to != from)
            {
                queue.at(queue.nowNs() + network.delay(), () -> to.receive(new Envelope.TxGossip(tx)));
            }
        }
    }

    /** Status oracle for sync targeting: the up peer with the highest finalized height above ours. */
    MemberHost syncPeer(final MemberHost self, final int exclude)
    {
        MemberHost best = null;
        for (int i = 0; i < n; i++)
        {
            final MemberHost h = endpoints[i];
            if (h != self && h.up && h.index != exclude && h.finalizedHeight() > self.finalizedHeight() &&
                (best == null || h.finalizedHeight() > best.finalizedHeight()))
            {
                best = h;
            }
        }
        if (best == null && exclude >= 0)
        {
            return syncPeer(self, -1);
        }
        return best;
    }

    void delivered(final MemberHost h)
    {
        deliveredSinceCheck = true;
    }

    void crashed(final MemberHost h)
    {
        if (h.index == scenario.leaveDown && h.endpoint == h.index)
        {
            return;
        }
        final long down = 2_000_000L + faultRng.nextLong(28_000_000L);
        final long at = Math.min(queue.nowNs() + down, scenario.chaosNs);
        queue.at(at, () -> restart(h));
    }

    private void restart(final MemberHost h)
    {
        if (!h.up)
        {
            trace(h, "RESTART");
            h.start();
        }
    }

    // ------------------------------------------------------------------ spam (I7)

    void checkSpam(final MemberHost h, final Envelope.Msg m, final Envelope.Spam drop)
    {
        final Envelope.Spam want;
        switch (m.spam())
        {
            case IMPERSONATOR:
                want = Envelope.Spam.BAD_SIGNATURE;
                break;
            case FAR_FUTURE:
            case STALE:
                want = null;
                break;
            default:
                want = m.spam();
        }
        if (drop == Envelope.Spam.STALE && m.spam() == Envelope.Spam.FORGED_CERTIFICATE &&
            m.message().view() <= h.core().finalizedView())
        {
            return; // below the finalized view the core may drop any notarization unverified (drop.late)
        }
        if (drop != want)
        {
            throw new Violation("I7", "member " + h.index + ": injected " + m.spam() + " was handled as " + drop +
                ": " + Describe.message(m.message()));
        }
        if (drop != null)
        {
            spamDropped++;
        }
    }

    void checkCoreDrop(
        final MemberHost h, final Envelope.Msg m, final long viewBefore, final long finalizedViewBefore,
        final CoreStatus.Counters before, final CoreStatus.Counters after, final List<Command> out)
    {
        final long far = after.dropFarFuture() - before.dropFarFuture();
        final long late = (after.dropLate() + after.dropStale() + after.dropDuplicate()) -
            (before.dropLate() + before.dropStale() + before.dropDuplicate());
        final long other = (after.dropInvalidProposal() + after.dropWrongLeader()) -
            (before.dropInvalidProposal() + before.dropWrongLeader());
        final String who = "member " + h.index + " (view " + viewBefore + ", finalized view " + finalizedViewBefore +
            "): " + m.spam() + " " + Describe.message(m.message());
        if (m.spam() == Envelope.Spam.FAR_FUTURE && m.message().view() > viewBefore + params.futureWindowViews())
        {
            if (far != 1 || late != 0 || other != 0 || !out.isEmpty())
            {
                throw new Violation("I7", who + ": expected exactly drop.farFuture +1 and no effect, got farFuture +" +
                    far + ", late/stale/duplicate +" + late + ", other +" + other + ", commands " + out.size());
            }
            spamDropped++;
        }
        else if (m.spam() == Envelope.Spam.STALE && m.message().view() <= finalizedViewBefore)
        {
            final boolean onlySends = out.stream().allMatch(c -> c instanceof Command.Send);
            if (late != 1 || far != 0 || other != 0 || !onlySends)
            {
                throw new Violation("I7", who + ": expected exactly one of drop.late/stale/duplicate +1 and no effect " +
                    "but a nudge, got late/stale/duplicate +" + late + ", farFuture +" + far + ", other +" + other +
                    ", commands " + out.size());
            }
            spamDropped++;
        }
    }

    private void spam(final MemberHost s)
    {
        if (!s.up || healed)
        {
            return;
        }
        final long view = Math.max(1, s.view());
        final Envelope.Spam kind = Envelope.Spam.values()[spamRng.nextInt(Envelope.Spam.values().length)];
        final byte[] junk = new byte[64];
        spamRng.nextBytes(junk);
        final byte[] hash = new byte[32];
        spamRng.nextBytes(hash);
        Object msg = null;
        switch (kind)
        {
            case BAD_SIGNATURE:
                msg = new Vote(MessageKind.NOTARIZE, s.index, view, Hash32.wrap(hash), junk);
                break;
            case NON_MEMBER:
                msg = new Vote(MessageKind.NULLIFY, n + spamRng.nextInt(10), view, Hash32.ZERO, junk);
                break;
            case IMPERSONATOR:
            {
                final int other = (s.index + 1 + spamRng.nextInt(n - 1)) % n;
                msg = new Vote(MessageKind.NULLIFY, other, view, Hash32.ZERO,
                    SimCrypto.sign(s.index, SimCrypto.DOMAIN.voteDigest(MessageKind.NULLIFY, view, new byte[32])));
                break;
            }
            case WRONG_LEADER:
            {
                long w = view;
                while (members.schedule().leader(w) == s.index)
                {
                    w++;
                }
                final BlockCandidate c = app.build(Hash32.ZERO, 1, List.of(), s.index, w, 0);
                msg = new Proposal(w, 0, s.index, c, SimCrypto.sign(s.index,
                    SimCrypto.DOMAIN.proposalDigest(w, c.blockHash().unsafeBytes())));
                break;
            }
            case FORGED_CERTIFICATE:
            {
                final int[] all = new int[n];
                final byte[][] sigs = new byte[n][];
                for (int i = 0; i < n; i++)
                {
                    all[i] = i;
                    sigs[i] = junk;
                }
                msg = new Certificate(CertificateKind.NOTARIZATION, view, hash, Certificate.bitmap(all),
                    new byte[Certificate.BITMAP_LENGTH], sigs);
                break;
            }
            case FAR_FUTURE:
                msg = s.vote(MessageKind.NULLIFY, view + 1000 + spamRng.nextInt(1000), Hash32.ZERO);
                break;
            case STALE:
            {
                final long fv = s.journal.finalizedView();
                if (fv < 1)
                {
                    return;
                }
                msg = s.vote(MessageKind.NULLIFY, 1 + spamRng.nextLong(fv), Hash32.ZERO);
                break;
            }
            default:
                return;
        }
        final Envelope.Msg env = new Envelope.Msg(s.index, (dev.seqnet.consensus.message.ConsensusMessage)msg, kind);
        for (int j = 0; j < n; j++)
        {
            final MemberHost to = endpoints[j];
            if (j != s.index && !byzantine[j])
            {
                queue.at(queue.nowNs() + 1_000 + spamRng.nextLong(scenario.maxDelayNs), () -> to.receive(env));
            }
        }
    }

    // ------------------------------------------------------------------ the run

    private void schedule()
    {
        for (final MemberHost h : endpoints)
        {
            if (h != null)
            {
                queue.at(faultRng.nextLong(200_000L), () ->
                {
                    trace(h, "START");
                    h.start();
                });
            }
        }
        final long chaos = scenario.chaosNs;
        for (int i = 0; i < scenario.partitions; i++)
        {
            final long t = faultRng.nextLong(Math.max(1, chaos));
            final long d = 5_000_000L + faultRng.nextLong(35_000_000L);
            final int[] groups = new int[2 * n];
            for (int e = 0; e < 2 * n; e++)
            {
                groups[e] = faultRng.nextInt(2);
            }
            queue.at(t, () ->
            {
                trace("partition " + java.util.Arrays.toString(groups));
                network.partition(groups);
            });
            queue.at(Math.min(t + d, chaos), () -> network.partition(new int[2 * n]));
        }
        for (int i = 0; i < scenario.oneWays; i++)
        {
            final long t = faultRng.nextLong(Math.max(1, chaos));
            final long d = 5_000_000L + faultRng.nextLong(35_000_000L);
            final int a = faultRng.nextInt(n);
            final int b = (a + 1 + faultRng.nextInt(n - 1)) % n;
            queue.at(t, () ->
            {
                trace("block " + a + " -> " + b);
                network.blockOneWay(a, b);
            });
            queue.at(Math.min(t + d, chaos), () -> network.unblockOneWay(a, b));
        }
        final MemberHost.CrashPoint[] points = MemberHost.CrashPoint.values();
        for (int i = 0; i < scenario.crashes; i++)
        {
            final long t = 2_000_000L + faultRng.nextLong(Math.max(1, chaos - 4_000_000L));
            final MemberHost.CrashPoint p = points[faultRng.nextInt(points.length)];
            final int pick = faultRng.nextInt(n);
            queue.at(t, () ->
            {
                for (int k = 0; k < n; k++)
                {
                    final MemberHost h = endpoints[(pick + k) % n];
                    if (!byzantine[h.index] && h.up && h.index != scenario.leaveDown)
                    {
                        trace(h, "crash armed " + p);
                        h.crash(p);
                        return;
                    }
                }
            });
        }
        if (scenario.leaveDown >= 0)
        {
            final MemberHost h = endpoints[scenario.leaveDown];
            queue.at(1_000_000L + faultRng.nextLong(Math.max(1, chaos / 2)), () -> h.crash(MemberHost.CrashPoint.NOW));
        }
        scheduleTx(txRng.nextLong(scenario.txIntervalNs));
        for (int i = 0; i < n; i++)
        {
            if (scenario.strategies[i] == Strategy.SPAMMER)
            {
                scheduleSpam(endpoints[i], 1_000_000L);
            }
        }
        queue.at(chaos, this::heal);
        queue.at(STATUS_PERIOD_NS, this::status);
    }

    /** §10.1: a Status showing a peer more than one block ahead starts sync (every STATUS_PERIOD_NS here). */
    private void status()
    {
        for (int i = 0; i < n; i++)
        {
            final MemberHost h = endpoints[i];
            final MemberHost peer = h.up ? syncPeer(h, -1) : null;
            if (peer != null && peer.finalizedHeight() > h.finalizedHeight() + 1)
            {
                h.startSync();
            }
        }
        queue.at(queue.nowNs() + STATUS_PERIOD_NS, this::status);
    }

    private void scheduleTx(final long at)
    {
        queue.at(at, () ->
        {
            if (healed)
            {
                return;
            }
            final MemberHost origin = endpoints[txRng.nextInt(n)];
            final int account = txRng.nextInt(ModelApp.ACCOUNTS);
            if (!byzantine[origin.index] && origin.up)
            {
                final ModelTx tx = ModelTx.of(account, nextNonce[account]++, 0);
                app.register(tx);
                if (origin.index != scenario.leaveDown)
                {
                    // §9 keeps transactions of live or restarted origins available; one that never
                    // comes back takes its un-gossiped (or since forgotten) transactions with it.
                    acknowledged.add(tx);
                }
                else
                {
                    mayBeLost.add(tx);
                }
                trace(origin, "ADMIT tx " + tx.sender() + "/" + tx.nonce());
                origin.admit(tx);
                gossip(origin, tx);
            }
            scheduleTx(queue.nowNs() + 1 + (long)(-Math.log(1 - txRng.nextDouble()) * scenario.txIntervalNs));
        });
    }

    private void scheduleSpam(final MemberHost s, final long at)
    {
        queue.at(at, () ->
        {
            if (healed)
            {
                return;
            }
            spam(s);
            scheduleSpam(s, queue.nowNs() + 500_000L + spamRng.nextLong(3_000_000L));
        });
    }

    private void heal()
    {
        trace("HEAL (GST)");
        healed = true;
        healNs = queue.nowNs();
        network.heal();
        for (final MemberHost h : endpoints)
        {
            if (h != null)
            {
                h.disarm();
                if (!h.up && !(h.index == scenario.leaveDown && h.endpoint == h.index))
                {
                    trace(h, "RESTART at heal");
                    h.start();
                }
            }
        }
        healHead = new long[n];
        for (int i = 0; i < n; i++)
        {
            healHead[i] = endpoints[i].finalizedHeight();
        }
    }

    /** §6.1: B_heal with this simulation's parameters (L_bad = 1, m = largest lag at heal). */
    long healBoundNs()
    {
        final long tMax = params.leaderTimeoutNs() << params.maxTimeoutDoublings();
        final long d = network.maxDelayNs();
        final long x = 2 * HOST_DELAY_NS;
        long lag = 0;
        for (int i = 0; i < n; i++)
        {
            lag = Math.max(lag, invariants.globalHeight() - healHead[i]);
        }
        return tMax + 2 * d + (params.activityWindowViews() + 1 + 2) * (tMax + x + 6 * d) +
            ((lag + 63) / 64) * (2 * d + x);
    }

    private boolean mustBeUp(final MemberHost h)
    {
        return !byzantine[h.index] && h.index != scenario.leaveDown;
    }

    /**
     * Whether an earlier nonce of {@code tx}'s account was admitted only by the member left down and
     * never finalized: then {@code tx} can never execute (a nonce gap), wherever it was acknowledged.
     * Seed 102 (n = 4) found this hole in I8 once R8's grace changed its timing.
     */
    private boolean afterALostNonce(final ModelTx tx)
    {
        for (final ModelTx lost : mayBeLost)
        {
            if (lost.sender() == tx.sender() && lost.nonce() < tx.nonce() && invariants.finalizedAt(lost.id()) < 0)
            {
                return true;
            }
        }
        return false;
    }

    /** I6 and I8 reached: every honest up member finalized past its heal head, and every acknowledged tx is final everywhere. */
    private String livenessGap()
    {
        long txHeight = 0;
        for (final ModelTx tx : acknowledged)
        {
            final long h = invariants.finalizedAt(tx.id());
            if (h < 0 && !afterALostNonce(tx))
            {
                return "I8: acknowledged tx " + tx.sender() + "/" + tx.nonce() + " not finalized";
            }
            txHeight = Math.max(txHeight, h);
        }
        for (int i = 0; i < n; i++)
        {
            final MemberHost h = endpoints[i];
            if (!mustBeUp(h))
            {
                continue;
            }
            if (h.finalizedHeight() <= healHead[i])
            {
                return "I6: member " + i + " finalized nothing since the heal (height " + h.finalizedHeight() +
                    ", view " + h.view() + ")";
            }
            if (h.finalizedHeight() < txHeight)
            {
                return "I8: member " + i + " has not finalized height " + txHeight + " holding acknowledged txs (at " +
                    h.finalizedHeight() + ")";
            }
        }
        return null;
    }

    Result run()
    {
        String failure = null;
        long steps = 0;
        try
        {
            schedule();
            long deadline = scenario.chaosNs;
            while (true)
            {
                if (!queue.step(deadline))
                {
                    if (!healed)
                    {
                        throw new Violation("H", "event queue ran dry before the heal");
                    }
                    if (!scenario.liveness)
                    {
                        break;
                    }
                    final String gap = livenessGap();
                    if (gap == null)
                    {
                        break;
                    }
                    throw new Violation(gap.substring(0, 2), gap + " within B_heal = " +
                        (deadline - healNs) / 1_000_000 + " ms after the heal");
                }
                steps++;
                if (steps > MAX_STEPS)
                {
                    throw new Violation("H", "more than " + MAX_STEPS + " events");
                }
                if (healed && deadline == scenario.chaosNs)
                {
                    deadline = scenario.liveness ? healNs + healBoundNs() : healNs + 30_000_000L;
                }
                if (healed && scenario.liveness && deliveredSinceCheck)
                {
                    deliveredSinceCheck = false;
                    if (firstProgressAfterHeal < 0 && progressedAll())
                    {
                        firstProgressAfterHeal = queue.nowNs() - healNs;
                    }
                    if (livenessGap() == null)
                    {
                        break;
                    }
                }
            }
            invariants.checkEvidenceDelivered();
        }
        catch (final Violation | MemberHost.CoreFailure e)
        {
            failure = e.getMessage();
            if (e instanceof MemberHost.CoreFailure && e.getCause() != null)
            {
                final java.io.StringWriter w = new java.io.StringWriter();
                e.getCause().printStackTrace(new java.io.PrintWriter(w));
                failure += "\n" + w.toString().lines().limit(12).reduce((a, b) -> a + "\n" + b).orElse("");
            }
            trace("FAILURE " + failure);
        }
        return new Result(seed, n, scenario.toString(), failure, Hex.encodeBare(traceDigest.digest()), steps,
            queue.nowNs(), invariants.globalHeight(), firstProgressAfterHeal, invariants.evidenceRecords(),
            invariants.expectedEvidence(), spamDropped, List.copyOf(traceTail));
    }

    private boolean progressedAll()
    {
        for (int i = 0; i < n; i++)
        {
            if (mustBeUp(endpoints[i]) && endpoints[i].finalizedHeight() <= healHead[i])
            {
                return false;
            }
        }
        return true;
    }

    /** The one-line command that replays {@code seed}. */
    static String reproduce(final long seed, final int n)
    {
        // -am builds the schema's codecs from this tree: the copy in ~/.m2 may predate a schema change.
        return "mvn -q -B -o -pl consensus-fastpath -am test -Dtest=SimulationTest#replay -Dsurefire.failIfNoSpecifiedTests=false" +
            " -Dsim.seed=" + seed + " -Dsim.n=" + n + " -Dsim.trace=true";
    }
}
