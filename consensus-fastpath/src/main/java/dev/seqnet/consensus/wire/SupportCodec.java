package dev.seqnet.consensus.wire;

import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.codecs.BlockRequestEncoder;
import dev.seqnet.codecs.BlockResponseEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.codecs.StatusEncoder;
import dev.seqnet.codecs.StatusRequestEncoder;
import dev.seqnet.codecs.SyncRequestEncoder;
import dev.seqnet.codecs.SyncResponseEncoder;
import dev.seqnet.codecs.TxBatchEncoder;
import dev.seqnet.codecs.TxRequestEncoder;
import dev.seqnet.codecs.TxResponseEncoder;
import dev.seqnet.consensus.FinalityProof;
import dev.seqnet.consensus.message.Proposal;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * SBE framing of the unsigned support messages of PROTOCOL.md §3.5 (templates 13–15 and 17–22).
 * Encoding refuses a frame over its §3.6 limit; decoding never throws and checks every count and
 * length against the frame and the limits before it allocates. One instance per thread.
 */
public final class SupportCodec
{
    private static final int GROUP = FrameReader.GROUP_HEADER_LENGTH;
    private static final int VAR = FrameReader.VAR_DATA_HEADER_LENGTH;
    private static final int PROOF_HEADER_LENGTH = SyncResponseEncoder.ProofHeadersEncoder.sbeBlockLength();
    private static final int SYNCED_BLOCK_LENGTH = SyncResponseEncoder.BlocksEncoder.sbeBlockLength();

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TxBatchEncoder txBatch = new TxBatchEncoder();
    private final TxRequestEncoder txRequest = new TxRequestEncoder();
    private final TxResponseEncoder txResponse = new TxResponseEncoder();
    private final BlockRequestEncoder blockRequest = new BlockRequestEncoder();
    private final BlockResponseEncoder blockResponse = new BlockResponseEncoder();
    private final StatusRequestEncoder statusRequest = new StatusRequestEncoder();
    private final StatusEncoder status = new StatusEncoder();
    private final SyncRequestEncoder syncRequest = new SyncRequestEncoder();
    private final SyncResponseEncoder syncResponse = new SyncResponseEncoder();
    private final ConsensusCodec consensus = new ConsensusCodec();
    private final FrameReader reader = new FrameReader();

    /** Frame length of {@code message}. */
    public static int encodedLength(final SupportMessage message)
    {
        final long length;
        if (message instanceof TxBatch)
        {
            length = FrameLimits.HEADER + TxBatchEncoder.BLOCK_LENGTH + rawTxsLength(((TxBatch)message).txs());
        }
        else if (message instanceof TxRequest)
        {
            length = FrameLimits.HEADER + TxRequestEncoder.BLOCK_LENGTH + GROUP + Hash32.LENGTH * ((TxRequest)message).hashes().size();
        }
        else if (message instanceof TxResponse)
        {
            length = FrameLimits.HEADER + TxResponseEncoder.BLOCK_LENGTH + rawTxsLength(((TxResponse)message).txs());
        }
        else if (message instanceof BlockRequest)
        {
            length = FrameLimits.BLOCK_REQUEST;
        }
        else if (message instanceof BlockResponse)
        {
            final BlockResponse m = (BlockResponse)message;
            length = FrameLimits.HEADER + BlockResponseEncoder.BLOCK_LENGTH + rawTxsLength(m.txs()) + VAR +
                ConsensusCodec.proposalLength(m.proposal().block().txHashes().size());
        }
        else if (message instanceof StatusRequest)
        {
            length = FrameLimits.STATUS_REQUEST;
        }
        else if (message instanceof Status)
        {
            length = FrameLimits.STATUS;
        }
        else if (message instanceof SyncRequest)
        {
            length = FrameLimits.SYNC_REQUEST;
        }
        else if (message instanceof SyncResponse)
        {
            final SyncResponse m = (SyncResponse)message;
            long blocks = GROUP;
            for (final SyncedBlock b : m.blocks())
            {
                blocks += SYNCED_BLOCK_LENGTH + VAR + b.l2Block().length;
            }
            length = FrameLimits.HEADER + SyncResponseEncoder.BLOCK_LENGTH + blocks +
                GROUP + (long)PROOF_HEADER_LENGTH * m.proof().headers().size() + VAR + m.proof().certificate().length;
        }
        else
        {
            throw new IllegalArgumentException("not a support message: " + message);
        }
        return (int)Math.min(length, Integer.MAX_VALUE);
    }

    /** The template id {@code message} is sent under. */
    public static int templateId(final SupportMessage message)
    {
        if (message instanceof TxBatch) return Templates.TX_BATCH;
        if (message instanceof TxRequest) return Templates.TX_REQUEST;
        if (message instanceof TxResponse) return Templates.TX_RESPONSE;
        if (message instanceof BlockRequest) return Templates.BLOCK_REQUEST;
        if (message instanceof BlockResponse) return Templates.BLOCK_RESPONSE;
        if (message instanceof StatusRequest) return Templates.STATUS_REQUEST;
        if (message instanceof Status) return Templates.STATUS;
        if (message instanceof SyncRequest) return Templates.SYNC_REQUEST;
        if (message instanceof SyncResponse) return Templates.SYNC_RESPONSE;
        throw new IllegalArgumentException("not a support message: " + message);
    }

    /** The frame of {@code message} as a new array. */
    public byte[] encode(final SupportMessage message)
    {
        final byte[] frame = new byte[checkedLength(message)];
        encode(message, new UnsafeBuffer(frame), 0);
        return frame;
    }

    /**
     * Writes {@code message} (header included) at {@code offset}.
     *
     * @return the frame length.
     * @throws IllegalArgumentException when the frame would exceed its §3.6 limit (peers would drop it).
     * @throws IndexOutOfBoundsException when a fixed-size buffer is too small.
     */
    public int encode(final SupportMessage message, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = checkedLength(message);
        buffer.checkLimit(offset + length);
        if (message instanceof TxBatch)
        {
            final TxBatch m = (TxBatch)message;
            final TxBatchEncoder e = txBatch.wrapAndApplyHeader(buffer, offset, header).origin(m.origin()).batchSeq(m.batchSeq());
            final TxBatchEncoder.TxsEncoder g = e.txsCount(m.txs().size());
            for (final byte[] tx : m.txs())
            {
                g.next().putRaw(tx, 0, tx.length);
            }
        }
        else if (message instanceof TxRequest)
        {
            final TxRequest m = (TxRequest)message;
            final TxRequestEncoder.HashesEncoder g = txRequest.wrapAndApplyHeader(buffer, offset, header)
                .requester(m.requester()).view(m.view()).hashesCount(m.hashes().size());
            for (final Hash32 h : m.hashes())
            {
                g.next().putHash(h.unsafeBytes(), 0, Hash32.LENGTH);
            }
        }
        else if (message instanceof TxResponse)
        {
            final TxResponse m = (TxResponse)message;
            final TxResponseEncoder.TxsEncoder g = txResponse.wrapAndApplyHeader(buffer, offset, header)
                .responder(m.responder()).txsCount(m.txs().size());
            for (final byte[] tx : m.txs())
            {
                g.next().putRaw(tx, 0, tx.length);
            }
        }
        else if (message instanceof BlockRequest)
        {
            final BlockRequest m = (BlockRequest)message;
            blockRequest.wrapAndApplyHeader(buffer, offset, header)
                .requester(m.requester()).view(m.view()).putBlockHash(m.blockHash().unsafeBytes(), 0, Hash32.LENGTH);
        }
        else if (message instanceof BlockResponse)
        {
            final BlockResponse m = (BlockResponse)message;
            final BlockResponseEncoder e = blockResponse.wrapAndApplyHeader(buffer, offset, header).responder(m.responder());
            final BlockResponseEncoder.TxsEncoder g = e.txsCount(m.txs().size());
            for (final byte[] tx : m.txs())
            {
                g.next().putRaw(tx, 0, tx.length);
            }
            final byte[] proposal = consensus.encode(m.proposal());
            e.putProposal(proposal, 0, proposal.length);
        }
        else if (message instanceof StatusRequest)
        {
            statusRequest.wrapAndApplyHeader(buffer, offset, header).requester(((StatusRequest)message).requester());
        }
        else if (message instanceof Status)
        {
            final Status m = (Status)message;
            status.wrapAndApplyHeader(buffer, offset, header)
                .member(m.member()).view(m.view()).finalizedHeight(m.finalizedHeight()).finalizedView(m.finalizedView())
                .putFinalizedHash(m.finalizedHash().unsafeBytes(), 0, Hash32.LENGTH);
        }
        else if (message instanceof SyncRequest)
        {
            final SyncRequest m = (SyncRequest)message;
            syncRequest.wrapAndApplyHeader(buffer, offset, header)
                .requester(m.requester()).fromHeight(m.fromHeight()).maxBlocks(m.maxBlocks());
        }
        else
        {
            encodeSyncResponse((SyncResponse)message, buffer, offset);
        }
        return length;
    }

    private void encodeSyncResponse(final SyncResponse m, final MutableDirectBuffer buffer, final int offset)
    {
        final SyncResponseEncoder e = syncResponse.wrapAndApplyHeader(buffer, offset, header).responder(m.responder());
        final SyncResponseEncoder.BlocksEncoder blocks = e.blocksCount(m.blocks().size());
        for (final SyncedBlock b : m.blocks())
        {
            blocks.next().view(b.view()).parentView(b.parentView()).proposer(b.proposer())
                .putL2Block(b.l2Block(), 0, b.l2Block().length);
        }
        final SyncResponseEncoder.ProofHeadersEncoder headers = e.proofHeadersCount(m.proof().headers().size());
        for (final L2Header h : m.proof().headers())
        {
            headers.next().height(h.height()).timestamp(h.timestamp())
                .l1FeeRateHi(h.l1FeeRateHi()).l1FeeRateLo(h.l1FeeRateLo())
                .putPrevHash(h.prevHash(), 0, Hash32.LENGTH)
                .putStateRoot(h.stateRoot(), 0, Hash32.LENGTH)
                .putTxMerkleRoot(h.txMerkleRoot(), 0, Hash32.LENGTH);
        }
        final byte[] certificate = m.proof().certificate();
        e.putProofCertificate(certificate, 0, certificate.length);
    }

    /**
     * Decodes a frame of any support template.
     *
     * @return the message, or OVERSIZE (over its limit) or MALFORMED (anything else wrong, including a
     *         template that is not a support message).
     */
    public Decoded<SupportMessage> decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final DropReason sizeDrop = FrameLimits.check(buffer, offset, length);
        if (sizeDrop != null)
        {
            return Decoded.drop(sizeDrop);
        }
        final SupportMessage m;
        switch (FrameReader.templateId(buffer, offset, length))
        {
            case Templates.TX_BATCH: m = txBatch(buffer, offset, length); break;
            case Templates.TX_REQUEST: m = txRequest(buffer, offset, length); break;
            case Templates.TX_RESPONSE: m = txResponse(buffer, offset, length); break;
            case Templates.BLOCK_REQUEST: m = blockRequest(buffer, offset, length); break;
            case Templates.BLOCK_RESPONSE: m = blockResponse(buffer, offset, length); break;
            case Templates.STATUS_REQUEST: m = statusRequest(buffer, offset, length); break;
            case Templates.STATUS: m = status(buffer, offset, length); break;
            case Templates.SYNC_REQUEST: m = syncRequest(buffer, offset, length); break;
            case Templates.SYNC_RESPONSE: m = syncResponse(buffer, offset, length); break;
            default: m = null;
        }
        return m == null ? Decoded.drop(DropReason.MALFORMED) : Decoded.ok(m);
    }

    // Each reader below returns null for a malformed frame; decode() has already checked the size.

    private TxBatch txBatch(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.TX_BATCH, TxBatchEncoder.BLOCK_LENGTH);
        final int origin = r.u16();
        final long batchSeq = r.u64();
        final List<byte[]> txs = rawTxs(r, FrameLimits.MAX_BATCH_TXS);
        return r.complete() ? new TxBatch(origin, batchSeq, txs) : null;
    }

    private TxRequest txRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.TX_REQUEST, TxRequestEncoder.BLOCK_LENGTH);
        final int requester = r.u16();
        final long view = r.u64();
        final int count = r.group(Hash32.LENGTH, Hash32.LENGTH, FrameLimits.MAX_REQUEST_TXS);
        if (!r.ok())
        {
            return null;
        }
        final List<Hash32> hashes = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            hashes.add(r.hash());
        }
        return r.complete() ? new TxRequest(requester, view, hashes) : null;
    }

    private TxResponse txResponse(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.TX_RESPONSE, TxResponseEncoder.BLOCK_LENGTH);
        final int responder = r.u16();
        final List<byte[]> txs = rawTxs(r, FrameLimits.MAX_REQUEST_TXS);
        return r.complete() ? new TxResponse(responder, txs) : null;
    }

    private BlockRequest blockRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.BLOCK_REQUEST, BlockRequestEncoder.BLOCK_LENGTH);
        final int requester = r.u16();
        final long view = r.u64();
        final Hash32 blockHash = r.hash();
        return r.complete() ? new BlockRequest(requester, view, blockHash) : null;
    }

    private BlockResponse blockResponse(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.BLOCK_RESPONSE, BlockResponseEncoder.BLOCK_LENGTH);
        final int responder = r.u16();
        final List<byte[]> txs = rawTxs(r, FrameLimits.MAX_REQUEST_TXS);
        final int proposalLength = r.varDataLength(FrameLimits.PROPOSAL);
        if (!r.ok())
        {
            return null;
        }
        final Decoded<Proposal> proposal = consensus.decodeProposal(buffer, r.position(), proposalLength);
        r.skip(proposalLength);
        return r.complete() && proposal.isOk() ? new BlockResponse(responder, proposal.value(), txs) : null;
    }

    private StatusRequest statusRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.STATUS_REQUEST, StatusRequestEncoder.BLOCK_LENGTH);
        final int requester = r.u16();
        return r.complete() ? new StatusRequest(requester) : null;
    }

    private Status status(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.STATUS, StatusEncoder.BLOCK_LENGTH);
        final int member = r.u16();
        final long view = r.u64();
        final long finalizedHeight = r.u64();
        final long finalizedView = r.u64();
        final Hash32 finalizedHash = r.hash();
        return r.complete() ? new Status(member, view, finalizedHeight, finalizedView, finalizedHash) : null;
    }

    private SyncRequest syncRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.SYNC_REQUEST, SyncRequestEncoder.BLOCK_LENGTH);
        final int requester = r.u16();
        final long fromHeight = r.u64();
        final int maxBlocks = r.u16();
        if (!r.complete() || fromHeight < 1 || maxBlocks < 1 || maxBlocks > FrameLimits.MAX_SYNC_BLOCKS)
        {
            return null;
        }
        return new SyncRequest(requester, fromHeight, maxBlocks);
    }

    private SyncResponse syncResponse(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.SYNC_RESPONSE, SyncResponseEncoder.BLOCK_LENGTH);
        final int responder = r.u16();
        final int blockCount = r.group(SYNCED_BLOCK_LENGTH, SYNCED_BLOCK_LENGTH + VAR, FrameLimits.MAX_SYNC_BLOCKS);
        if (!r.ok())
        {
            return null;
        }
        final List<SyncedBlock> blocks = new ArrayList<>(blockCount);
        for (int i = 0; i < blockCount; i++)
        {
            final long view = r.u64();
            final long parentView = r.u64();
            final int proposer = r.u16();
            final byte[] l2Block = r.varData(FrameLimits.LARGE);
            if (!r.ok() || view < 1 || parentView < 0 || parentView >= view)
            {
                return null;
            }
            blocks.add(new SyncedBlock(view, parentView, proposer, l2Block));
        }
        final int headerCount = r.group(PROOF_HEADER_LENGTH, PROOF_HEADER_LENGTH, FrameLimits.MAX_PROOF_HEADERS);
        if (!r.ok())
        {
            return null;
        }
        final List<L2Header> headers = new ArrayList<>(headerCount);
        final byte[] fee = new byte[16];
        for (int i = 0; i < headerCount; i++)
        {
            final long height = r.u64();
            final long timestamp = r.u64();
            final long hi = r.u64();
            final long lo = r.u64();
            final byte[] prevHash = r.bytes(Hash32.LENGTH);
            final byte[] stateRoot = r.bytes(Hash32.LENGTH);
            final byte[] txMerkleRoot = r.bytes(Hash32.LENGTH);
            for (int b = 0; b < 8; b++)
            {
                fee[b] = (byte)(hi >>> (56 - 8 * b));
                fee[8 + b] = (byte)(lo >>> (56 - 8 * b));
            }
            headers.add(new L2Header(height, prevHash, stateRoot, new BigInteger(1, fee), txMerkleRoot, timestamp));
        }
        final byte[] certificate = r.varData(FrameLimits.CERTIFICATE);
        if (!r.complete())
        {
            return null;
        }
        return new SyncResponse(responder, blocks, new FinalityProof(certificate, headers));
    }

    /** A txs group of at most {@code max} raw transactions, each at most MAX_TX_SIZE; null when malformed. */
    private static List<byte[]> rawTxs(final FrameReader r, final int max)
    {
        final int count = r.group(0, VAR, max);
        if (!r.ok())
        {
            return null;
        }
        final List<byte[]> txs = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final byte[] raw = r.varData(ChainConstants.MAX_TX_SIZE);
            if (raw == null)
            {
                return null;
            }
            txs.add(raw);
        }
        return txs;
    }

    private static long rawTxsLength(final List<byte[]> txs)
    {
        long length = GROUP;
        for (final byte[] tx : txs)
        {
            length += VAR + tx.length;
        }
        return length;
    }

    private static int checkedLength(final SupportMessage message)
    {
        final int length = encodedLength(message);
        final int max = FrameLimits.maxLength(templateId(message));
        if (length > max)
        {
            throw new IllegalArgumentException(message.getClass().getSimpleName() + " of " + length +
                " bytes is over its limit of " + max);
        }
        return length;
    }
}
