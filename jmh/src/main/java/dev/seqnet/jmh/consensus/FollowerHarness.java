package dev.seqnet.jmh.consensus;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.consensus.LeaderSchedule;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.CommandSink;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.consensus.core.Input;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.consensus.core.Verdict;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link ConsensusCore} fed a scripted, always-honest network, view after view: the leader's
 * proposal (or, when this member leads, the block it asked for), a VALID verdict, then every peer's
 * Notarize and Finalize in member order. Peer signatures and this member's signer are one fixed
 * 64-byte value: nothing here signs or verifies, so only the core's own work is measured. The
 * optional probe counts the bytes each kind of input allocates inside the core (inputs are built
 * before the count starts), exactly, with the JVM's per-thread allocation counter.
 */
public final class FollowerHarness
{
    /** What an input did, for the probe. */
    public enum Path
    {
        /** A peer's proposal for the current view. */
        PROPOSAL,
        /** The same proposal again (dropped as a duplicate; probed only, not part of a benchmark's view). */
        PROPOSAL_DUPLICATE,
        /** The host's VALID verdict (the member signs and sends its Notarize). */
        VERIFIED,
        /** The block this member asked for as leader (it signs and sends the proposal and its Notarize). */
        PROPOSAL_READY,
        /** A peer's Notarize that completes no certificate. */
        VOTE_NO_QUORUM,
        /** A peer's Notarize that completes the notarization (own Finalize, next view). */
        VOTE_NOTARIZATION,
        /** A peer's Notarize that completes the fast finalization (certificate, delivery, pruning). */
        VOTE_FINALIZATION,
        /** A peer's Finalize after the block is final (dropped as late). */
        VOTE_LATE
    }

    private static final byte[] FIXED_SIGNATURE = new byte[64];
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    static
    {
        for (int i = 0; i < FIXED_SIGNATURE.length; i++)
        {
            FIXED_SIGNATURE[i] = (byte)(i + 7);
        }
    }

    private final int n;
    private final int self;
    private final ConsensusCore core;
    private final LeaderSchedule schedule;
    private final Host host = new Host();
    private final boolean mutable;
    private final MutableVote holder = new MutableVote();
    private final MutableProposal proposalHolder = new MutableProposal();
    private final long[] probeBytes = new long[Path.values().length];
    private final long[] probeCount = new long[Path.values().length];
    private boolean probe;
    private long now = 1_000_000;
    private Hash32 parentHash = Hash32.ZERO;
    private long delivered;

    /**
     * @param n       members, equal stake, slack "auto".
     * @param self    this member's index.
     * @param mutable peer votes through one reused {@link MutableVote} and {@code ConsensusCore.onVote},
     *                proposals through one reused {@link MutableProposal} and {@code onProposal}
     *                (nothing allocated per message outside the core); else a new {@link Vote} or
     *                {@link Proposal} and {@code Input.MessageReceived} per message, as a decoder and
     *                {@code on(Input)} need.
     */
    public FollowerHarness(final int n, final int self, final boolean mutable)
    {
        this.n = n;
        this.self = self;
        this.mutable = mutable;
        final List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x55;
            d[31] = (byte)(i + 1);
            members.add(new Member(SequencerKey.fromPrivateKey(d).publicKey(), 1));
        }
        final MemberSet set = new MemberSet(members, Quorums.AUTO_SLACK);
        this.schedule = set.schedule();
        final ConsensusParams params = new ConsensusParams().members(set).domain(new SigningDomain(5115, new byte[32]));
        core = new ConsensusCore(params, self, digest -> FIXED_SIGNATURE, RecoveredState.GENESIS);
        core.on(new Input.Start(now), host);
        core.on(new Input.TxBatchAdmitted(now, 1), host);
    }

    /** Counts allocated bytes per {@link Path} from now on. */
    public void probe(final boolean on)
    {
        probe = on;
    }

    /** Bytes allocated by inputs of {@code path} since the probe was turned on, per input. */
    public double bytesPer(final Path path)
    {
        final long c = probeCount[path.ordinal()];
        return c == 0 ? Double.NaN : (double)probeBytes[path.ordinal()] / c;
    }

    /** Inputs of {@code path} seen by the probe. */
    public long count(final Path path)
    {
        return probeCount[path.ordinal()];
    }

    /** Runs one whole view; returns the height finalized by it. */
    public long runView()
    {
        final long w = core.view();
        final Hash32 hash = blockHash(w);
        if (schedule.leader(w) == self)
        {
            final Command.BuildBlock b = host.build;
            if (b == null || b.view() != w)
            {
                throw new IllegalStateException("leader of view " + w + " was not asked to build");
            }
            host.build = null;
            final Input in = new Input.ProposalReady(tick(), w, b.parentView(), candidate(hash, b.parentHash(), b.height()));
            feed(Path.PROPOSAL_READY, in);
        }
        else
        {
            proposal(Path.PROPOSAL, w, hash);
            if (probe)
            {
                proposal(Path.PROPOSAL_DUPLICATE, w, hash); // the probe only: CoreViewBenchmark's view stays as it was
            }
            if (!host.verify)
            {
                throw new IllegalStateException("view " + w + ": no VerifyBlock");
            }
            host.verify = false;
            feed(Path.VERIFIED, new Input.BlockVerified(tick(), w, hash, Verdict.VALID));
        }
        for (int j = 0; j < n; j++)
        {
            if (j != self)
            {
                vote(MessageKind.NOTARIZE, j, w, hash, null);
            }
        }
        for (int j = 0; j < n; j++)
        {
            if (j != self)
            {
                vote(MessageKind.FINALIZE, j, w, hash, Path.VOTE_LATE);
            }
        }
        if (delivered != w || core.view() != w + 1)
        {
            throw new IllegalStateException("view " + w + " did not finalize: delivered " + delivered + ", view " + core.view());
        }
        parentHash = hash;
        return delivered;
    }

    /** One peer vote; {@code path} null means: classify by what it completed. */
    private void vote(final MessageKind kind, final int signer, final long w, final Hash32 hash, final Path path)
    {
        final long now = tick();
        Input in = null;
        if (mutable)
        {
            holder.set(kind, signer, w, hash.unsafeBytes(), FIXED_SIGNATURE);
        }
        else
        {
            in = new Input.MessageReceived(now, new Vote(kind, signer, w, hash, FIXED_SIGNATURE));
        }
        final long view = core.view();
        final long finalized = core.finalizedView();
        final long before = probe ? THREADS.getCurrentThreadAllocatedBytes() : 0;
        if (mutable)
        {
            core.onVote(now, holder, host);
        }
        else
        {
            core.on(in, host);
        }
        if (probe)
        {
            final long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            final Path p = path != null ? path : core.finalizedView() != finalized ? Path.VOTE_FINALIZATION :
                core.view() != view ? Path.VOTE_NOTARIZATION : Path.VOTE_NO_QUORUM;
            probeBytes[p.ordinal()] += bytes;
            probeCount[p.ordinal()]++;
        }
    }

    /**
     * A peer's proposal of view {@code w}: a new {@link Proposal} through {@code on(MessageReceived)},
     * or written into the reused {@link MutableProposal} as a decoder would and handed to
     * {@code onProposal} (which copies it once it records it).
     */
    private void proposal(final Path path, final long w, final Hash32 hash)
    {
        if (!mutable)
        {
            final Proposal p = new Proposal(w, w - 1, schedule.leader(w), candidate(hash, parentHash, w), FIXED_SIGNATURE);
            feed(path, new Input.MessageReceived(tick(), p));
            return;
        }
        System.arraycopy(hash.unsafeBytes(), 0, proposalHolder.blockHashBuffer(), 0, Hash32.LENGTH);
        System.arraycopy(parentHash.unsafeBytes(), 0, proposalHolder.parentHashBuffer(), 0, Hash32.LENGTH);
        System.arraycopy(FIXED_SIGNATURE, 0, proposalHolder.headerSignatureBuffer(), 0, FIXED_SIGNATURE.length);
        System.arraycopy(FIXED_SIGNATURE, 0, proposalHolder.signatureBuffer(), 0, FIXED_SIGNATURE.length);
        // As candidate(hash, parentHash, w): state and tx roots stay zero, no transactions.
        proposalHolder.setDecoded(w, w - 1, schedule.leader(w), w, w, 0, 1, 0, 1, 0);
        final long now = tick();
        final long before = probe ? THREADS.getCurrentThreadAllocatedBytes() : 0;
        core.onProposal(now, proposalHolder, host);
        if (probe)
        {
            probeBytes[path.ordinal()] += THREADS.getCurrentThreadAllocatedBytes() - before;
            probeCount[path.ordinal()]++;
        }
    }

    private void feed(final Path path, final Input in)
    {
        final long before = probe ? THREADS.getCurrentThreadAllocatedBytes() : 0;
        core.on(in, host);
        if (probe)
        {
            probeBytes[path.ordinal()] += THREADS.getCurrentThreadAllocatedBytes() - before;
            probeCount[path.ordinal()]++;
        }
    }

    private long tick()
    {
        now += 1_000;
        return now;
    }

    private static BlockCandidate candidate(final Hash32 hash, final Hash32 parent, final long height)
    {
        return new BlockCandidate(hash, parent, height, height, 0, 1, 0, 1, Hash32.ZERO, Hash32.ZERO, FIXED_SIGNATURE, List.of());
    }

    /** A distinct, well-spread 32-byte value per view (no hashing: the harness should cost little). */
    static Hash32 blockHash(final long view)
    {
        final byte[] b = new byte[Hash32.LENGTH];
        long x = view * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < b.length; i += 8)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            for (int k = 0; k < 8; k++)
            {
                b[i + k] = (byte)(x >>> (8 * k));
            }
        }
        return Hash32.wrap(b);
    }

    /** The host side: remembers the build and verify requests, counts deliveries, ignores the rest. */
    private final class Host implements CommandSink
    {
        Command.BuildBlock build;
        boolean verify;

        @Override
        public void accept(final Command command)
        {
            if (command instanceof Command.BuildBlock)
            {
                build = (Command.BuildBlock)command;
            }
            else if (command instanceof Command.VerifyBlock)
            {
                verify = true;
            }
            else if (command instanceof Command.Deliver)
            {
                delivered = ((Command.Deliver)command).block().height();
            }
            else if (command instanceof Command.RequestCertificates || command instanceof Command.FetchBlock ||
                command instanceof Command.StartSync)
            {
                throw new IllegalStateException("member " + self + " asked for " + command);
            }
        }
    }
}
