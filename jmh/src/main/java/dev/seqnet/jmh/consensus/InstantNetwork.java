package dev.seqnet.jmh.consensus;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.Quorums;
import dev.seqnet.consensus.SignatureCheck;
import dev.seqnet.consensus.VerifiedSignatures;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.CommandSink;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.consensus.core.Input;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.consensus.core.TimerKind;
import dev.seqnet.consensus.core.Verdict;
import dev.seqnet.consensus.core.VoteSigner;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.consensus.wire.ConsensusCodec;
import dev.seqnet.consensus.wire.Decoded;
import dev.seqnet.consensus.wire.DropCounters;
import dev.seqnet.consensus.wire.DropReason;
import dev.seqnet.consensus.wire.HeldCertificates;
import dev.seqnet.consensus.wire.InboundVerifier;
import dev.seqnet.consensus.wire.Templates;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * n {@link ConsensusCore}s on one thread with an instant network, for benchmarks: every broadcast
 * and send is queued for its receivers at once and delivered in FIFO order, {@code BuildBlock} is
 * answered with a ready (empty) candidate and {@code VerifyBlock} with {@link Verdict#VALID}, as the
 * core tests' MiniNet does, but with no delays. Virtual time advances 1 µs per delivered input;
 * timers are kept and fired only when nothing else is left to deliver (a steady run fires none).
 *
 * <p>{@link Mode} chooses how much of the production path each message goes through.
 */
public final class InstantNetwork
{
    /** How messages travel and what signs and checks them. */
    public enum Mode
    {
        /**
         * Production crypto and wire: the core signs with {@link SequencerKey#sign} (libsecp256k1),
         * every message is SBE-encoded once per send and every receiver runs its own
         * {@link InboundVerifier} (decode, membership, every signature, certificates' included) with
         * {@link SignatureCheck#SECP256K1}, as the node's recovery threads do.
         */
        CRYPTO,
        /**
         * CRYPTO, except that a certificate frame whose certificate the receiving core already holds
         * ({@code ConsensusCore.holdsCertificate}) is dropped before its signatures are checked, as
         * PROTOCOL §11 allows and the node does ({@code HeldCertificates}).
         */
        CRYPTO_SKIP_HELD,
        /**
         * What the node does now: CRYPTO_SKIP_HELD, plus messages of views the receiver has finalized
         * dropped as late before checking ({@code HeldCertificates.finalizedThrough}), plus a
         * {@link VerifiedSignatures} per member in front of libsecp256k1, fed with the member's own
         * signatures, so a certificate's signatures already checked as votes are not checked again.
         */
        CRYPTO_NODE,
        /**
         * Wire without crypto: encode and {@link InboundVerifier} as in CRYPTO, but a signer that
         * returns one fixed signature and a signature check that accepts everything. Not a
         * production configuration: it isolates the codec and verifier cost from libsecp256k1.
         */
        WIRE,
        /**
         * The core logic alone: decoded message objects are handed from core to core, the signer
         * returns one fixed signature and nothing is verified. Not a production configuration.
         */
        CORE
    }

    private static final long STEP_NS = 1_000;
    private static final byte[] FIXED_SIGNATURE = fixedSignature();

    private final int n;
    private final Mode mode;
    private final boolean mutableVotes;
    private final MutableVote vote = new MutableVote();
    private final SequencerKey[] keys;
    private final ConsensusCore[] cores;
    private final InboundVerifier[] verifiers;
    /** CRYPTO_NODE only: each member's finalized-view watermark for its verifier, else null. */
    private final HeldCertificates[] held;
    private final ConsensusCodec codec = new ConsensusCodec();
    private final ExpandableArrayBuffer encodeBuffer = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer frameBuffer = new UnsafeBuffer(new byte[0]);
    private final ArrayDeque<Object> queue = new ArrayDeque<>(1024);
    private final long[] delivered;
    private final long[][] timerDeadline;
    private final long[][] timerView;
    private final Sink[] sinks;
    private final byte[] blockId = new byte[L2Header.HASH_INPUT_LENGTH];
    private long now = 1_000_000;
    private long inputs;
    private long timersFired;
    private long drops;
    private long heldSkipped;
    private long lateSkipped;
    private long signatureChecks;
    private long certificateFrames;

    /** A delivery of {@code what} (an {@link Input} or an encoded frame) to member {@code to}. */
    private record Delivery(int to, Object what)
    {
    }

    /**
     * @param n            members, equal stake, fast-path slack "auto".
     * @param mode         how messages travel, see {@link Mode}.
     * @param mutableVotes peer votes through the allocation-free path ({@link InboundVerifier#verifyVote}
     *                     into one reused {@link MutableVote}, then {@code ConsensusCore.onVote}); else
     *                     {@link InboundVerifier#verify} and {@code on(Input.MessageReceived)} as the
     *                     node does today. Proposals and certificates always take the object path.
     */
    public InstantNetwork(final int n, final Mode mode, final boolean mutableVotes)
    {
        this(n, mode, mutableVotes, false);
    }

    /**
     * @param relayAllCertificates R10 with {@code consensus.relay_certificates = all}: every member broadcasts
     *                             each certificate it forms at once (else one goes only to members that lack
     *                             one a while later, which on an instant network is nobody).
     */
    public InstantNetwork(final int n, final Mode mode, final boolean mutableVotes, final boolean relayAllCertificates)
    {
        this.n = n;
        this.mode = mode;
        this.mutableVotes = mutableVotes;
        this.keys = new SequencerKey[n];
        final Member[] members = new Member[n];
        for (int i = 0; i < n; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x33;
            d[31] = (byte)(i + 1);
            keys[i] = SequencerKey.fromPrivateKey(d);
            members[i] = new Member(keys[i].publicKey(), 1);
        }
        final MemberSet memberSet = new MemberSet(List.of(members), Quorums.AUTO_SLACK);
        final SigningDomain domain = new SigningDomain(5115, new byte[32]);
        final ConsensusParams params = new ConsensusParams().members(memberSet).domain(domain)
            .relayAllCertificates(relayAllCertificates);
        final boolean crypto = mode == Mode.CRYPTO || mode == Mode.CRYPTO_SKIP_HELD || mode == Mode.CRYPTO_NODE;
        final SignatureCheck base = crypto ? SignatureCheck.SECP256K1 : (sig, digest, key) -> true;
        final SignatureCheck check = (sig, digest, key) ->
        {
            signatureChecks++;
            return base.verify(sig, digest, key);
        };
        this.cores = new ConsensusCore[n];
        this.verifiers = new InboundVerifier[n];
        this.sinks = new Sink[n];
        this.delivered = new long[n];
        this.timerDeadline = new long[n][TimerKind.values().length];
        this.timerView = new long[n][TimerKind.values().length];
        this.held = mode == Mode.CRYPTO_NODE ? new HeldCertificates[n] : null;
        for (int i = 0; i < n; i++)
        {
            VoteSigner signer = crypto ? keys[i]::sign : digest -> FIXED_SIGNATURE;
            SignatureCheck memberCheck = check;
            if (held != null)
            {
                final VerifiedSignatures verified = new VerifiedSignatures(check, 4096);
                final SequencerKey key = keys[i];
                final byte[] publicKey = key.publicKey();
                signer = digest ->
                {
                    final byte[] signature = key.sign(digest);
                    verified.record(signature, digest, publicKey);
                    return signature;
                };
                memberCheck = verified;
                held[i] = new HeldCertificates(4096);
            }
            cores[i] = new ConsensusCore(params, i, signer, RecoveredState.GENESIS);
            verifiers[i] = new InboundVerifier(memberSet, domain, memberCheck, new DropCounters());
            if (held != null)
            {
                verifiers[i].heldCertificates(held[i]);
            }
            sinks[i] = new Sink(i);
            Arrays.fill(timerDeadline[i], Long.MAX_VALUE);
        }
        for (int i = 0; i < n; i++)
        {
            input(i, new Input.Start(now));
        }
        for (int i = 0; i < n; i++)
        {
            // One pending transaction, never consumed: every leader proposes as soon as it enters its view.
            input(i, new Input.TxBatchAdmitted(now, 1));
        }
    }

    /** Members. */
    public int size()
    {
        return n;
    }

    /** The lowest finalized height over all members. */
    public long finalizedHeight()
    {
        long min = Long.MAX_VALUE;
        for (final long h : delivered)
        {
            min = Math.min(min, h);
        }
        return min;
    }

    /** Runs until every member has delivered the next finalized block; returns that height. */
    public long finalizeNext()
    {
        final long target = finalizedHeight() + 1;
        while (finalizedHeight() < target)
        {
            if (!step())
            {
                fireEarliestTimer();
            }
        }
        return target;
    }

    /** Inputs handed to cores so far. */
    public long inputs()
    {
        return inputs;
    }

    /** Timers that had to fire (zero in a steady run). */
    public long timersFired()
    {
        return timersFired;
    }

    /** Frames an inbound verifier dropped, late ones in CRYPTO_NODE aside (zero unless something is broken). */
    public long drops()
    {
        return drops;
    }

    /** Certificate frames members sent each other: broadcasts (R10 with {@code all}) count n − 1, sends one. */
    public long certificateFrames()
    {
        return certificateFrames;
    }

    /** Certificate copies dropped unverified because the receiver held them (CRYPTO_SKIP_HELD and CRYPTO_NODE). */
    public long heldSkipped()
    {
        return heldSkipped;
    }

    /** Frames dropped unverified as late because the receiver had finalized their view (CRYPTO_NODE only). */
    public long lateSkipped()
    {
        return lateSkipped;
    }

    /**
     * Signatures the inbound verifiers checked with libsecp256k1 (or, in WIRE, accepted unchecked),
     * certificates' included; in CRYPTO_NODE, not those answered by {@link VerifiedSignatures}.
     */
    public long signatureChecks()
    {
        return signatureChecks;
    }

    /** The core of member {@code i}. */
    public ConsensusCore core(final int i)
    {
        return cores[i];
    }

    private boolean step()
    {
        final Delivery d = (Delivery)queue.poll();
        if (d == null)
        {
            return false;
        }
        now += STEP_NS;
        if (d.what instanceof byte[])
        {
            final byte[] frame = (byte[])d.what;
            frameBuffer.wrap(frame);
            if (mutableVotes && frameBuffer.getShort(2, ByteOrder.LITTLE_ENDIAN) == Templates.VOTE)
            {
                final DropReason drop = verifiers[d.to].verifyVote(frameBuffer, 0, frame.length, vote);
                if (drop != null)
                {
                    countDrop(drop);
                    return true;
                }
                inputs++;
                cores[d.to].onVote(now, vote, sinks[d.to]);
                publishFinalized(d.to);
                return true;
            }
            if ((mode == Mode.CRYPTO_SKIP_HELD || mode == Mode.CRYPTO_NODE) && frameBuffer.getShort(2, ByteOrder.LITTLE_ENDIAN) == Templates.CERTIFICATE)
            {
                final Decoded<Certificate> c = codec.decodeCertificate(frameBuffer, 0, frame.length);
                if (c.isOk() && cores[d.to].holdsCertificate(
                    c.value().kind(), c.value().view(), Hash32.wrap(c.value().unsafeBlockHash())))
                {
                    heldSkipped++;
                    return true;
                }
            }
            final Decoded<ConsensusMessage> decoded = verifiers[d.to].verify(frameBuffer, 0, frame.length);
            if (!decoded.isOk())
            {
                countDrop(decoded.drop());
                return true;
            }
            input(d.to, new Input.MessageReceived(now, decoded.value()));
        }
        else if (mutableVotes && d.what instanceof Vote)
        {
            inputs++;
            cores[d.to].onVote(now, vote.set((Vote)d.what), sinks[d.to]);
        }
        else if (d.what instanceof ConsensusMessage)
        {
            input(d.to, new Input.MessageReceived(now, (ConsensusMessage)d.what));
        }
        else
        {
            input(d.to, retime((Input)d.what));
        }
        return true;
    }

    /** A late drop is expected in CRYPTO_NODE (a view the receiver finalized); anything else is a fault. */
    private void countDrop(final DropReason drop)
    {
        if (drop == DropReason.LATE && held != null)
        {
            lateSkipped++;
        }
        else
        {
            drops++;
        }
    }

    private Input retime(final Input in)
    {
        if (in instanceof Input.ProposalReady)
        {
            final Input.ProposalReady r = (Input.ProposalReady)in;
            return new Input.ProposalReady(now, r.view(), r.parentView(), r.candidate());
        }
        if (in instanceof Input.BlockVerified)
        {
            final Input.BlockVerified v = (Input.BlockVerified)in;
            return new Input.BlockVerified(now, v.view(), v.blockHash(), v.verdict());
        }
        return in;
    }

    private void fireEarliestTimer()
    {
        int who = -1;
        int kind = -1;
        long at = Long.MAX_VALUE;
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < timerDeadline[i].length; k++)
            {
                if (timerDeadline[i][k] < at)
                {
                    at = timerDeadline[i][k];
                    who = i;
                    kind = k;
                }
            }
        }
        if (who < 0)
        {
            throw new IllegalStateException("stalled: nothing to deliver and no timer armed");
        }
        now = Math.max(now, at);
        timerDeadline[who][kind] = Long.MAX_VALUE;
        timersFired++;
        input(who, new Input.TimerFired(now, TimerKind.values()[kind], timerView[who][kind]));
    }

    private void input(final int member, final Input in)
    {
        inputs++;
        cores[member].on(in, sinks[member]);
        publishFinalized(member);
    }

    /** CRYPTO_NODE: what the node's host does after each input, for its inbound verifier. */
    private void publishFinalized(final int member)
    {
        if (held != null)
        {
            held[member].finalizedThrough(cores[member].finalizedView());
        }
    }

    private void broadcast(final int from, final ConsensusMessage message)
    {
        if (message instanceof Certificate)
        {
            certificateFrames += n - 1;
        }
        final Object payload = payload(message);
        for (int to = 0; to < n; to++)
        {
            if (to != from)
            {
                queue.add(new Delivery(to, payload));
            }
        }
    }

    /** The message itself in CORE mode, else its frame (one copy per send, as a transport hands over). */
    private Object payload(final ConsensusMessage message)
    {
        if (mode == Mode.CORE)
        {
            return message;
        }
        final int length = codec.encode(message, encodeBuffer, 0);
        final byte[] frame = new byte[length];
        encodeBuffer.getBytes(0, frame);
        return frame;
    }

    private BlockCandidate candidate(final int leader, final Command.BuildBlock b)
    {
        final Hash32 parent = b.parentHash();
        // A real header hash (the inbound check recomputes it): timestamp = view keeps blocks distinct.
        L2Header.encodeForHash(blockId, 0, b.height(), parent.unsafeBytes(), Hash32.ZERO.unsafeBytes(), 0, 1,
            Hash32.ZERO.unsafeBytes(), b.view());
        final Hash32 hash = Hash32.wrap(Sha256.hash(blockId));
        // The host seals the header with the leader's key; CRYPTO pays for that signature too.
        final byte[] headerSignature = mode == Mode.CRYPTO || mode == Mode.CRYPTO_SKIP_HELD || mode == Mode.CRYPTO_NODE ?
            keys[leader].sign(hash.unsafeBytes()) : FIXED_SIGNATURE;
        return new BlockCandidate(hash, parent, b.height(), b.view(), 0, 1, 0, 1, Hash32.ZERO, Hash32.ZERO,
            headerSignature, List.of());
    }

    private static byte[] fixedSignature()
    {
        final byte[] sig = new byte[64];
        for (int i = 0; i < sig.length; i++)
        {
            sig[i] = (byte)(i + 1);
        }
        return sig;
    }

    /** The host of one member: runs its commands against the instant network. */
    private final class Sink implements CommandSink
    {
        private final int self;

        Sink(final int self)
        {
            this.self = self;
        }

        @Override
        public void accept(final Command command)
        {
            if (command instanceof Command.PersistThenBroadcast)
            {
                broadcast(self, ((Command.PersistThenBroadcast)command).message());
            }
            else if (command instanceof Command.Broadcast)
            {
                broadcast(self, ((Command.Broadcast)command).message());
            }
            else if (command instanceof Command.Send)
            {
                final Command.Send s = (Command.Send)command;
                if (s.member() != self)
                {
                    if (s.message() instanceof Certificate)
                    {
                        certificateFrames++;
                    }
                    queue.add(new Delivery(s.member(), payload(s.message())));
                }
            }
            else if (command instanceof Command.BuildBlock)
            {
                final Command.BuildBlock b = (Command.BuildBlock)command;
                queue.add(new Delivery(self, new Input.ProposalReady(now, b.view(), b.parentView(), candidate(self, b))));
            }
            else if (command instanceof Command.VerifyBlock)
            {
                final Command.VerifyBlock v = (Command.VerifyBlock)command;
                queue.add(new Delivery(self, new Input.BlockVerified(now, v.view(), v.proposal().blockHash(), Verdict.VALID)));
            }
            else if (command instanceof Command.Deliver)
            {
                delivered[self] = ((Command.Deliver)command).block().height();
            }
            else if (command instanceof Command.SetTimer)
            {
                final Command.SetTimer t = (Command.SetTimer)command;
                timerDeadline[self][t.kind().ordinal()] = t.deadlineNs();
                timerView[self][t.kind().ordinal()] = t.view();
            }
            else if (command instanceof Command.CancelTimer)
            {
                timerDeadline[self][((Command.CancelTimer)command).kind().ordinal()] = Long.MAX_VALUE;
            }
            else if (command instanceof Command.RequestCertificates || command instanceof Command.FetchBlock ||
                command instanceof Command.StartSync)
            {
                // Nothing is ever lost on this network: these would show a broken run.
                throw new IllegalStateException("member " + self + " asked for " + command);
            }
            // Abandon and RecordEvidence need no answer.
        }
    }
}
