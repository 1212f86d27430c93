package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiPredicate;

/**
 * A small virtual-time network of n cores with a fixed one-way delay, for the core's unit tests.
 * Blocks are synthetic (hash over parent, height and view) and always valid; the full seeded
 * simulator with faults lives in the {@code sim} package.
 */
final class MiniNet
{
    static final long DELAY_NS = 50_000;

    final int n;
    final SequencerKey[] keys;
    final ConsensusParams params;
    final ConsensusCore[] cores;
    final boolean[] down;
    final List<List<FinalizedBlock>> delivered = new ArrayList<>();
    final List<List<OwnVote>> journals = new ArrayList<>();
    final List<List<Evidence>> evidence = new ArrayList<>();
    final long[][] timers;
    final int[] syncs;
    long now;
    long seq;
    /** Drop a message from → to when this returns true. */
    BiPredicate<Integer, Integer> cut = (from, to) -> false;
    /** Drop this message from → to when this returns true (checked after {@link #cut}). */
    MessageFilter lose = (from, to, m) -> false;
    /** Certificate frames members sent each other (R10 relays, R11/R12 answers): a broadcast counts n − 1. */
    long certificateFrames;
    /** Extra one-way delay from → to, in ns. */
    java.util.function.ToLongBiFunction<Integer, Integer> extraDelay = (from, to) -> 0;
    /** Every proposal ever sent, so FetchBlock can be answered by "a peer". */
    final java.util.Map<Hash32, dev.seqnet.consensus.message.Proposal> proposals = new java.util.HashMap<>();

    private final PriorityQueue<Event> events = new PriorityQueue<>();

    private record Event(long at, long seq, int to, Object what) implements Comparable<Event>
    {
        @Override
        public int compareTo(final Event o)
        {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    /** A message-level loss rule. */
    @FunctionalInterface
    interface MessageFilter
    {
        boolean test(int from, int to, ConsensusMessage m);
    }

    private record Timer(TimerKind kind, long view, long deadline)
    {
    }

    MiniNet(final int n, final long slack)
    {
        this(n, slack, 0);
    }

    /** @param finalizeGraceNs R8's grace ({@code ConsensusParams.finalizeGraceNs}). */
    MiniNet(final int n, final long slack, final long finalizeGraceNs)
    {
        this.n = n;
        this.keys = new SequencerKey[n];
        final List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x22;
            d[31] = (byte)(i + 1);
            keys[i] = SequencerKey.fromPrivateKey(d);
            members.add(new Member(keys[i].publicKey(), 1));
        }
        params = new ConsensusParams()
            .members(new MemberSet(members, slack))
            .domain(new SigningDomain(5115, new byte[32]))
            .maxBlockIntervalNs(1_000_000)
            .finalizeGraceNs(finalizeGraceNs);
        cores = new ConsensusCore[n];
        down = new boolean[n];
        timers = new long[n][TimerKind.values().length];
        syncs = new int[n];
        for (int i = 0; i < n; i++)
        {
            delivered.add(new ArrayList<>());
            journals.add(new ArrayList<>());
            evidence.add(new ArrayList<>());
            cores[i] = new ConsensusCore(params, i, keys[i]::sign, RecoveredState.GENESIS);
        }
    }

    void start()
    {
        for (int i = 0; i < n; i++)
        {
            input(i, new Input.Start(now));
        }
    }

    /** Restarts member i from its journal of own votes and its delivered chain. */
    void restart(final int i)
    {
        down[i] = false;
        final List<FinalizedBlock> chain = delivered.get(i);
        final FinalizedBlock head = chain.isEmpty() ? null : chain.get(chain.size() - 1);
        final RecoveredState rs = head == null ?
            new RecoveredState(0, 0, Hash32.ZERO, journals.get(i), List.of()) :
            new RecoveredState(head.height(), head.view(), head.blockHash(), journals.get(i), List.of(), head.certificate());
        cores[i] = new ConsensusCore(params, i, keys[i]::sign, rs);
        Arrays.fill(timers[i], 0);
        input(i, new Input.Start(now));
    }

    void input(final int i, final Input in)
    {
        if (down[i])
        {
            return;
        }
        final List<Command> commands = new ArrayList<>();
        cores[i].on(in, commands::add);
        for (final Command c : commands)
        {
            run(i, c);
        }
    }

    void send(final int from, final int to, final ConsensusMessage m)
    {
        if (to == from || cut.test(from, to) || lose.test(from, to, m))
        {
            return;
        }
        events.add(new Event(now + DELAY_NS + extraDelay.applyAsLong(from, to), seq++, to, m));
    }

    private void run(final int i, final Command c)
    {
        if (c instanceof Command.PersistThenBroadcast p)
        {
            journals.get(i).add(p.record());
            broadcast(i, p.message());
        }
        else if (c instanceof Command.Broadcast b)
        {
            if (b.message() instanceof dev.seqnet.consensus.Certificate)
            {
                certificateFrames += n - 1;
            }
            broadcast(i, b.message());
        }
        else if (c instanceof Command.Send s)
        {
            if (s.message() instanceof dev.seqnet.consensus.Certificate && s.member() != i)
            {
                certificateFrames++;
            }
            send(i, s.member(), s.message());
        }
        else if (c instanceof Command.BuildBlock b)
        {
            final ByteBuffer buf = ByteBuffer.allocate(32 + 16);
            buf.put(b.parentHash().unsafeBytes()).putLong(b.height()).putLong(b.view());
            final Hash32 hash = Hash32.wrap(Sha256.hash(buf.array()));
            final BlockCandidate cand = new BlockCandidate(hash, b.parentHash(), b.height(), b.view(), 0, 1, 0, 1,
                Hash32.ZERO, Hash32.ZERO, keys[i].sign(hash.unsafeBytes()), List.of());
            events.add(new Event(now + 10_000, seq++, i, new Input.ProposalReady(0, b.view(), b.parentView(), cand)));
        }
        else if (c instanceof Command.VerifyBlock v)
        {
            events.add(new Event(now + 20_000, seq++, i, new Input.BlockVerified(0, v.view(), v.proposal().blockHash(), Verdict.VALID)));
        }
        else if (c instanceof Command.Deliver d)
        {
            delivered.get(i).add(d.block());
        }
        else if (c instanceof Command.SetTimer t)
        {
            final int k = t.kind().ordinal();
            timers[i][k] = t.deadlineNs();
            events.add(new Event(t.deadlineNs(), seq++, i, new Timer(t.kind(), t.view(), t.deadlineNs())));
        }
        else if (c instanceof Command.CancelTimer t)
        {
            timers[i][t.kind().ordinal()] = 0;
        }
        else if (c instanceof Command.FetchBlock f)
        {
            final dev.seqnet.consensus.message.Proposal p = proposals.get(f.blockHash());
            if (p != null && f.from().length > 0)
            {
                send(f.from()[0], i, p);
            }
        }
        else if (c instanceof Command.RequestCertificates r)
        {
            // R11: one request of at most MAX_SPAN views is enough for these tests' short gaps.
            final dev.seqnet.consensus.message.CertificateRequest req = new dev.seqnet.consensus.message.CertificateRequest(
                i, r.fromView(), Math.min(r.toView(), r.fromView() + dev.seqnet.consensus.message.CertificateRequest.MAX_SPAN - 1));
            if (r.member() < 0)
            {
                broadcast(i, req);
            }
            else
            {
                send(i, r.member(), req);
            }
        }
        else if (c instanceof Command.StartSync s)
        {
            syncs[i]++;
        }
        else if (c instanceof Command.RecordEvidence e)
        {
            evidence.get(i).add(e.evidence());
        }
    }

    private void broadcast(final int from, final ConsensusMessage m)
    {
        if (m instanceof dev.seqnet.consensus.message.Proposal p)
        {
            proposals.put(p.blockHash(), p);
        }
        for (int to = 0; to < n; to++)
        {
            send(from, to, m);
        }
    }

    /** Runs events until virtual time {@code until}. */
    void runUntil(final long until)
    {
        while (!events.isEmpty() && events.peek().at <= until)
        {
            final Event e = events.poll();
            now = e.at;
            if (e.what instanceof ConsensusMessage m)
            {
                input(e.to, new Input.MessageReceived(now, m));
            }
            else if (e.what instanceof Timer t)
            {
                if (timers[e.to][t.kind().ordinal()] == t.deadline())
                {
                    timers[e.to][t.kind().ordinal()] = 0;
                    input(e.to, new Input.TimerFired(now, t.kind(), t.view()));
                }
            }
            else if (e.what instanceof Input.ProposalReady r)
            {
                input(e.to, new Input.ProposalReady(now, r.view(), r.parentView(), r.candidate()));
            }
            else if (e.what instanceof Input.BlockVerified v)
            {
                input(e.to, new Input.BlockVerified(now, v.view(), v.blockHash(), v.verdict()));
            }
            else if (e.what instanceof Input.TxBatchAdmitted t)
            {
                input(e.to, new Input.TxBatchAdmitted(now, t.pendingExecutable()));
            }
        }
        now = Math.max(now, until);
    }

    /** Starts every member with transactions pending and runs until virtual time {@code until}. */
    MiniNet runLoaded(final long until)
    {
        start();
        pending(10);
        runUntil(until);
        return this;
    }

    /** Tells every member that transactions are pending, so leaders propose at once. */
    void pending(final int count)
    {
        for (int i = 0; i < n; i++)
        {
            events.add(new Event(now, seq++, i, new Input.TxBatchAdmitted(0, count)));
        }
    }
}
