package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.codecs.EvidenceEncoder;
import dev.seqnet.codecs.FinalizedBlockEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.codecs.OwnVoteEncoder;
import dev.seqnet.codecs.ProposalBodyEncoder;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.Evidence;
import dev.seqnet.consensus.core.EvidenceKind;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.NullifyReason;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * SBE framing of the consensus journal records of PROTOCOL.md §8: {@code OwnVote} (30),
 * {@code FinalizedBlock} (31), {@code CertificateRecord} (32), {@code Evidence} (33) and
 * {@code ProposalBody} (34). The journal
 * checks a CRC already, but decoding is as strict as for the wire: it never throws and rejects any
 * frame that is not exactly one well-formed record. One instance per thread.
 */
public final class JournalCodec
{
    private static final int VAR = FrameReader.VAR_DATA_HEADER_LENGTH;
    private static final int GROUP = FrameReader.GROUP_HEADER_LENGTH;
    private static final int BODY_TX_LENGTH = ProposalBodyEncoder.TxsEncoder.sbeBlockLength();
    private static final byte[] NO_CERTIFICATE = new byte[0];

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final OwnVoteEncoder ownVote = new OwnVoteEncoder();
    private final FinalizedBlockEncoder finalizedBlock = new FinalizedBlockEncoder();
    private final EvidenceEncoder evidence = new EvidenceEncoder();
    private final ProposalBodyEncoder proposalBody = new ProposalBodyEncoder();
    private final byte[] senderScratch = new byte[Address.LENGTH];
    /** Grows to the largest transaction written (at most 128 KiB), then is reused. */
    private byte[] rawScratch = new byte[1024];
    private final ConsensusCodec consensus = new ConsensusCodec();
    private final FrameReader reader = new FrameReader();

    /** Writes an {@code OwnVote} record (162 bytes). */
    public int encodeOwnVote(final OwnVoteRecord record, final MutableDirectBuffer buffer, final int offset)
    {
        final OwnVote v = record.vote();
        buffer.checkLimit(offset + FrameLimits.OWN_VOTE);
        ownVote.wrapAndApplyHeader(buffer, offset, header)
            .kind((short)v.kind().code())
            .view(v.view())
            .parentView(v.parentView())
            .putBlockHash(v.blockHash().unsafeBytes(), 0, Hash32.LENGTH)
            .putParentHash(v.parentHash().unsafeBytes(), 0, Hash32.LENGTH)
            .reason((short)(v.reason() == null ? 0 : v.reason().code()))
            .putSignature(v.signature(), 0, ConsensusCodec.SIGNATURE_LENGTH)
            .journaledAtNs(record.journaledAtNs());
        return FrameLimits.OWN_VOTE;
    }

    /**
     * Writes a {@code FinalizedBlock} record. The certificate is written when present (PROTOCOL.md
     * §8.1 leaves it empty for INDIRECT: pass a block without one) and read back as null when empty.
     */
    public int encodeFinalizedBlock(final FinalizedBlock block, final MutableDirectBuffer buffer, final int offset)
    {
        final byte[] certificate = block.certificate() == null ? NO_CERTIFICATE : consensus.encode(block.certificate());
        final int length = FrameLimits.HEADER + FinalizedBlockEncoder.BLOCK_LENGTH + VAR + certificate.length;
        buffer.checkLimit(offset + length);
        finalizedBlock.wrapAndApplyHeader(buffer, offset, header)
            .height(block.height())
            .view(block.view())
            .parentView(block.parentView())
            .proposer(ConsensusCodec.u16(block.proposer()))
            .path((short)block.path().code())
            .certifiedHeight(block.certifiedHeight())
            .putBlockHash(block.blockHash().unsafeBytes(), 0, Hash32.LENGTH)
            .putCertificate(certificate, 0, certificate.length);
        return length;
    }

    /** Writes a {@code CertificateRecord} (the certificate body under template 32). */
    public int encodeCertificateRecord(final Certificate certificate, final MutableDirectBuffer buffer, final int offset)
    {
        return consensus.encodeCertificateRecord(certificate, buffer, offset);
    }

    /**
     * Writes an {@code Evidence} record: both messages as complete SBE frames.
     *
     * @throws IllegalArgumentException when a message is not a signed one (Proposal, Vote or Certificate).
     */
    public int encodeEvidence(final EvidenceRecord record, final MutableDirectBuffer buffer, final int offset)
    {
        final Evidence e = record.evidence();
        final byte[] first = signedFrame(e.first());
        final byte[] second = signedFrame(e.second());
        final int length = FrameLimits.HEADER + EvidenceEncoder.BLOCK_LENGTH + VAR + first.length + VAR + second.length;
        buffer.checkLimit(offset + length);
        evidence.wrapAndApplyHeader(buffer, offset, header)
            .seq(record.seq())
            .kind((short)e.kind().code())
            .member(e.member())
            .view(e.view())
            .putFirst(first, 0, first.length)
            .putSecond(second, 0, second.length);
        return length;
    }

    /**
     * Writes a {@code ProposalBody} record from the host's executed block: the proposal's frame and
     * {@code block}'s transactions with their senders. Once its scratch has grown to the largest
     * transaction it allocates only the copy of the block's hash that checks it is the proposal's.
     *
     * @throws IllegalArgumentException when the block's transactions are not the proposal's, or the frame would exceed 4 MiB.
     */
    public int encodeProposalBody(final Proposal proposal, final L2Block block, final MutableDirectBuffer buffer, final int offset)
    {
        return encodeProposalBody(proposal, block, null, buffer, offset);
    }

    /** Writes a {@code ProposalBody} record. */
    public int encodeProposalBody(final ProposalBody body, final MutableDirectBuffer buffer, final int offset)
    {
        return encodeProposalBody(body.proposal(), null, body, buffer, offset);
    }

    /** Either {@code block} or {@code body} supplies the transactions. */
    private int encodeProposalBody(
        final Proposal proposal, final L2Block block, final ProposalBody body, final MutableDirectBuffer buffer, final int offset)
    {
        final int count = block != null ? block.txCount() : body.txs().size();
        if (count != proposal.block().txHashes().size() ||
            (block != null && !java.util.Arrays.equals(block.hash(), proposal.blockHash().unsafeBytes())))
        {
            throw new IllegalArgumentException("the block is not the proposal's: " + proposal.blockHash());
        }
        final int proposalLength = ConsensusCodec.proposalLength(count);
        long length = FrameLimits.HEADER + ProposalBodyEncoder.BLOCK_LENGTH + GROUP + VAR + proposalLength;
        for (int i = 0; i < count; i++)
        {
            length += BODY_TX_LENGTH + VAR + (block != null ? block.rawTxLength(i) : body.txs().get(i).length);
        }
        if (length > FrameLimits.PROPOSAL_BODY)
        {
            throw new IllegalArgumentException("proposal body of " + length + " bytes exceeds " + FrameLimits.PROPOSAL_BODY);
        }
        buffer.checkLimit(offset + (int)length);
        final ProposalBodyEncoder.TxsEncoder txs = proposalBody.wrapAndApplyHeader(buffer, offset, header).txsCount(count);
        for (int i = 0; i < count; i++)
        {
            final ProposalBodyEncoder.TxsEncoder tx = txs.next();
            if (block != null)
            {
                block.sender(i).copyTo(senderScratch, 0);
                final int rawLength = block.rawTxLength(i);
                if (rawScratch.length < rawLength)
                {
                    rawScratch = new byte[Math.max(rawLength, 2 * rawScratch.length)];
                }
                block.copyRawTx(i, rawScratch, 0);
                tx.putSender(senderScratch, 0, Address.LENGTH).putRaw(rawScratch, 0, rawLength);
            }
            else
            {
                body.senders().get(i).copyTo(senderScratch, 0);
                final byte[] raw = body.txs().get(i);
                tx.putSender(senderScratch, 0, Address.LENGTH).putRaw(raw, 0, raw.length);
            }
        }
        // The proposal frame is written in place after its var-data length.
        final int at = proposalBody.limit();
        buffer.putInt(at, proposalLength, java.nio.ByteOrder.LITTLE_ENDIAN);
        consensus.encodeProposal(proposal, buffer, at + VAR);
        return (int)length;
    }

    /** Decodes an {@code OwnVote} record. */
    public Decoded<OwnVoteRecord> decodeOwnVote(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = open(buffer, offset, length, Templates.OWN_VOTE, OwnVoteEncoder.BLOCK_LENGTH);
        if (r == null)
        {
            return Decoded.drop(DropReason.OVERSIZE);
        }
        final MessageKind kind = ConsensusCodec.messageKind(r.u8());
        final long view = r.u64();
        final long parentView = r.u64();
        final Hash32 blockHash = r.hash();
        final Hash32 parentHash = r.hash();
        final int reasonCode = r.u8();
        final byte[] signature = r.bytes(ConsensusCodec.SIGNATURE_LENGTH);
        final long journaledAtNs = r.u64();
        final NullifyReason reason = NullifyReason.fromCode(reasonCode);
        if (!r.complete() || kind == null ||
            (kind == MessageKind.NULLIFY ? reason == null : reasonCode != 0))
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        return Decoded.ok(new OwnVoteRecord(
            new OwnVote(kind, view, parentView, blockHash, parentHash, reason, signature), journaledAtNs));
    }

    /** Decodes a {@code FinalizedBlock} record; an empty certificate decodes as null. */
    public Decoded<FinalizedBlock> decodeFinalizedBlock(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = open(buffer, offset, length, Templates.FINALIZED_BLOCK, FinalizedBlockEncoder.BLOCK_LENGTH);
        if (r == null)
        {
            return Decoded.drop(DropReason.OVERSIZE);
        }
        final long height = r.u64();
        final long view = r.u64();
        final long parentView = r.u64();
        final int proposer = r.u16();
        final FinalizationPath path = FinalizationPath.fromCode(r.u8());
        final long certifiedHeight = r.u64();
        final Hash32 blockHash = r.hash();
        final int certificateLength = r.varDataLength(FrameLimits.CERTIFICATE);
        if (!r.ok() || path == null)
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        Certificate certificate = null;
        if (certificateLength > 0)
        {
            final Decoded<Certificate> c = consensus.decodeCertificate(buffer, r.position(), certificateLength);
            if (!c.isOk())
            {
                return Decoded.drop(DropReason.MALFORMED);
            }
            certificate = c.value();
            r.skip(certificateLength);
        }
        if (!r.complete())
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        return Decoded.ok(new FinalizedBlock(height, view, parentView, proposer, blockHash, path, certifiedHeight, certificate));
    }

    /** Decodes a {@code CertificateRecord}. */
    public Decoded<Certificate> decodeCertificateRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        return consensus.decodeCertificateRecord(buffer, offset, length);
    }

    /** Decodes an {@code Evidence} record; both messages must decode as Proposal, Vote or Certificate. */
    public Decoded<EvidenceRecord> decodeEvidence(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = open(buffer, offset, length, Templates.EVIDENCE, EvidenceEncoder.BLOCK_LENGTH);
        if (r == null)
        {
            return Decoded.drop(DropReason.OVERSIZE);
        }
        final long seq = r.u64();
        final EvidenceKind kind = EvidenceKind.fromCode(r.u8());
        final int member = r.u16();
        final long view = r.u64();
        final ConsensusMessage first = nestedSigned(r);
        final ConsensusMessage second = nestedSigned(r);
        if (!r.complete() || kind == null || first == null || second == null)
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        return Decoded.ok(new EvidenceRecord(seq, new Evidence(kind, member, view, first, second)));
    }

    /**
     * Decodes a {@code ProposalBody} record: the nested frame must be a well-formed {@code Proposal}
     * with exactly one hash per transaction of the record.
     */
    public Decoded<ProposalBody> decodeProposalBody(final DirectBuffer buffer, final int offset, final int length)
    {
        final FrameReader r = open(buffer, offset, length, Templates.PROPOSAL_BODY, ProposalBodyEncoder.BLOCK_LENGTH);
        if (r == null)
        {
            return Decoded.drop(DropReason.OVERSIZE);
        }
        final int count = r.group(BODY_TX_LENGTH, BODY_TX_LENGTH + VAR, FrameLimits.MAX_REQUEST_TXS);
        if (!r.ok())
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        final List<byte[]> txs = new ArrayList<>(count);
        final List<Address> senders = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final byte[] sender = r.bytes(Address.LENGTH);
            final byte[] raw = r.varData(ChainConstants.MAX_TX_SIZE);
            if (raw == null)
            {
                return Decoded.drop(DropReason.MALFORMED);
            }
            senders.add(Address.of(sender));
            txs.add(raw);
        }
        final int proposalLength = r.varDataLength(FrameLimits.PROPOSAL);
        if (!r.ok())
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        final Decoded<Proposal> proposal = consensus.decodeProposal(buffer, r.position(), proposalLength);
        r.skip(proposalLength);
        if (!r.complete() || !proposal.isOk() || proposal.value().block().txHashes().size() != count)
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        return Decoded.ok(new ProposalBody(proposal.value(), txs, senders));
    }

    /**
     * Decodes any of the five record templates: an {@link OwnVoteRecord}, a {@link FinalizedBlock},
     * a {@link Certificate} (from a {@code CertificateRecord}), an {@link EvidenceRecord} or a
     * {@link ProposalBody}.
     */
    public Decoded<Object> decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final Decoded<?> decoded;
        switch (FrameReader.templateId(buffer, offset, length))
        {
            case Templates.OWN_VOTE: decoded = decodeOwnVote(buffer, offset, length); break;
            case Templates.FINALIZED_BLOCK: decoded = decodeFinalizedBlock(buffer, offset, length); break;
            case Templates.CERTIFICATE_RECORD: decoded = decodeCertificateRecord(buffer, offset, length); break;
            case Templates.EVIDENCE: decoded = decodeEvidence(buffer, offset, length); break;
            case Templates.PROPOSAL_BODY: decoded = decodeProposalBody(buffer, offset, length); break;
            default: return Decoded.drop(DropReason.MALFORMED);
        }
        @SuppressWarnings("unchecked") final Decoded<Object> widened = (Decoded<Object>)decoded;
        return widened;
    }

    /** The frame of {@code record} as a new array, for any of the five record types. */
    public byte[] encode(final Object record)
    {
        final byte[] scratch;
        final int length;
        if (record instanceof OwnVoteRecord)
        {
            scratch = new byte[FrameLimits.OWN_VOTE];
            length = encodeOwnVote((OwnVoteRecord)record, new UnsafeBuffer(scratch), 0);
        }
        else if (record instanceof FinalizedBlock)
        {
            scratch = new byte[FrameLimits.FINALIZED_BLOCK];
            length = encodeFinalizedBlock((FinalizedBlock)record, new UnsafeBuffer(scratch), 0);
        }
        else if (record instanceof Certificate)
        {
            scratch = new byte[FrameLimits.CERTIFICATE_RECORD];
            length = encodeCertificateRecord((Certificate)record, new UnsafeBuffer(scratch), 0);
        }
        else if (record instanceof EvidenceRecord)
        {
            scratch = new byte[FrameLimits.EVIDENCE];
            length = encodeEvidence((EvidenceRecord)record, new UnsafeBuffer(scratch), 0);
        }
        else if (record instanceof ProposalBody)
        {
            final org.agrona.ExpandableArrayBuffer body = new org.agrona.ExpandableArrayBuffer(4096);
            length = encodeProposalBody((ProposalBody)record, body, 0);
            scratch = new byte[length];
            body.getBytes(0, scratch);
        }
        else
        {
            throw new IllegalArgumentException("not a journal record: " + record);
        }
        return java.util.Arrays.copyOf(scratch, length);
    }

    /** Reads one var-data field holding a complete Proposal, Vote or Certificate frame; null when malformed. */
    private ConsensusMessage nestedSigned(final FrameReader r)
    {
        final int length = r.varDataLength(FrameLimits.PROPOSAL);
        if (!r.ok())
        {
            return null;
        }
        final Decoded<ConsensusMessage> m = consensus.decode(r.buffer(), r.position(), length);
        r.skip(length);
        return m.isOk() && !(m.value() instanceof CertificateRequest) ? m.value() : null;
    }

    private byte[] signedFrame(final ConsensusMessage message)
    {
        if (message instanceof CertificateRequest)
        {
            throw new IllegalArgumentException("evidence holds signed messages only");
        }
        return consensus.encode(message);
    }

    /** The reader on a record of {@code templateId} with its header read (a mismatch fails it); null when over the limit. */
    private FrameReader open(
        final DirectBuffer buffer, final int offset, final int length, final int templateId, final int blockLength)
    {
        if (FrameReader.templateId(buffer, offset, length) == templateId && length > FrameLimits.maxLength(templateId))
        {
            return null;
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(templateId, blockLength);
        return r;
    }
}
