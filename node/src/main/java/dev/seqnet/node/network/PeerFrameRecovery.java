package dev.seqnet.node.network;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.SignatureCheck;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.wire.Decoded;
import dev.seqnet.consensus.wire.DropCounters;
import dev.seqnet.consensus.wire.DropReason;
import dev.seqnet.consensus.wire.InboundVerifier;
import dev.seqnet.consensus.wire.SupportMessage;
import dev.seqnet.consensus.wire.Templates;
import dev.seqnet.consensus.wire.TxBatch;
import dev.seqnet.consensus.wire.TxResponse;
import dev.seqnet.ringbuffer.FrameRecovery;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks peer frames on the ingress recovery threads, in parallel and off the single writer
 * (PROTOCOL.md §9, §11): consensus messages through {@link InboundVerifier} (decode, limits,
 * membership, signatures), streamed transactions through the same decoder and sender recovery as RPC
 * ingress. Each thread has its own verifier, decoder and drop counters; {@link #drops} sums them.
 */
public final class PeerFrameRecovery implements FrameRecovery
{
    /** Transactions a peer streamed or sent on request, recovered. */
    record RecoveredTxs(int origin, List<EthTransaction> txs)
    {
    }

    private final CopyOnWriteArrayList<DropCounters> counters = new CopyOnWriteArrayList<>();
    private final AtomicLong invalidFromPeer = new AtomicLong();
    private final ThreadLocal<InboundVerifier> verifier;
    private final ThreadLocal<TxDecoder> decoder;
    private final ThreadLocal<MutableProposal> proposals = ThreadLocal.withInitial(MutableProposal::new);

    public PeerFrameRecovery(final MemberSet members, final SigningDomain domain, final long chainId)
    {
        this(members, domain, chainId, null, SignatureCheck.SECP256K1);
    }

    /**
     * @param held           certificates the member holds, shared with its {@link NetworkCore}: duplicates of them
     *                       are dropped before their signatures are checked (null: check every certificate).
     * @param signatureCheck checks every signature: {@link SignatureCheck#SECP256K1}, or a shared
     *                       {@link dev.seqnet.consensus.VerifiedSignatures} in front of it so that certificates
     *                       repeating votes already checked skip those checks.
     */
    public PeerFrameRecovery(
        final MemberSet members, final SigningDomain domain, final long chainId,
        final dev.seqnet.consensus.wire.HeldCertificates held, final SignatureCheck signatureCheck)
    {
        this.verifier = ThreadLocal.withInitial(() ->
        {
            final DropCounters c = new DropCounters();
            counters.add(c);
            return new InboundVerifier(members, domain, signatureCheck, c).heldCertificates(held);
        });
        this.decoder = ThreadLocal.withInitial(() -> new TxDecoder(chainId));
    }

    /**
     * One reusable {@link MutableVote} per ring slot: a peer vote is decoded and checked into it and
     * handed to the single writer without allocating (the node's per-vote hot path).
     */
    @Override
    public Object newHolder()
    {
        return new MutableVote();
    }

    /**
     * Checks one peer frame. A vote goes into {@code holder} when it is a {@link MutableVote} (then
     * the holder is returned, to be copied by the core before the slot is reused), else it is decoded
     * into a new {@link dev.seqnet.consensus.message.Vote}; a proposal is checked in this thread's
     * {@link MutableProposal} and copied only when it passes; other consensus messages as their
     * records, streamed transactions as {@link RecoveredTxs}, support messages as themselves.
     *
     * @return what the writer should see, or null when the frame was dropped (counted).
     */
    @Override
    public Object recover(final DirectBuffer frame, final int offset, final int length, final int origin, final Object holder)
    {
        final InboundVerifier v = verifier.get();
        if (length < 8)
        {
            v.verify(frame, offset, length); // counted as malformed
            return null;
        }
        final int template = frame.getShort(offset + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (template == Templates.VOTE && holder instanceof MutableVote vote)
        {
            return null == v.verifyVote(frame, offset, length, vote) ? vote : null;
        }
        if (template == Templates.PROPOSAL)
        {
            // Checked in this thread's holder: a dropped proposal costs nothing; a good one is copied
            // once, because the core and the host keep it (too large for a holder per ring slot).
            final MutableProposal proposal = proposals.get();
            return null == v.verifyProposal(frame, offset, length, proposal) ? proposal.toProposal() : null;
        }
        if (template == Templates.VOTE || template == Templates.CERTIFICATE || template == Templates.CERTIFICATE_REQUEST)
        {
            final Decoded<ConsensusMessage> d = v.verify(frame, offset, length);
            return d.isOk() ? d.value() : null;
        }
        final Decoded<SupportMessage> d = v.verifySupport(frame, offset, length);
        if (!d.isOk())
        {
            return null;
        }
        final SupportMessage m = d.value();
        if (m instanceof TxBatch b)
        {
            return new RecoveredTxs(b.origin(), recoverAll(b.txs()));
        }
        if (m instanceof TxResponse r)
        {
            return new RecoveredTxs(r.responder(), recoverAll(r.txs()));
        }
        return m;
    }

    /** {@link #recover(DirectBuffer, int, int, int, Object)} of a whole array without a holder (tools and tests). */
    public Object recover(final byte[] frame, final int origin)
    {
        return recover(new UnsafeBuffer(frame), 0, frame.length, origin, null);
    }

    private List<EthTransaction> recoverAll(final List<byte[]> raws)
    {
        final TxDecoder txDecoder = decoder.get();
        final List<EthTransaction> txs = new ArrayList<>(raws.size());
        for (final byte[] raw : raws)
        {
            try
            {
                txs.add(txDecoder.decode(raw));
            }
            catch (final TxDecodeException e)
            {
                invalidFromPeer.incrementAndGet();
            }
        }
        return txs;
    }

    /** Drops of one reason summed over the recovery threads. */
    public long drops(final DropReason reason)
    {
        long sum = 0;
        for (final DropCounters c : counters)
        {
            sum += c.get(reason);
        }
        return sum;
    }

    /** Streamed transactions that failed ingress checks ({@code tx.invalidFromPeer}). */
    public long invalidFromPeer()
    {
        return invalidFromPeer.get();
    }
}
