package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;
import dev.seqnet.codecs.EvidenceEncoder;
import dev.seqnet.codecs.FinalizedBlockEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.codecs.OwnVoteEncoder;
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
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * SBE framing of the consensus journal records of PROTOCOL.md §8: {@code OwnVote} (30),
 * {@code FinalizedBlock} (31), {@code CertificateRecord} (32) and {@code Evidence} (33). The journal
 * checks a CRC already, but decoding is as strict as for the wire: it never throws and rejects any
 * frame that is not exactly one well-formed record. One instance per thread.
 */
public final class JournalCodec
{
    private static final int VAR = FrameReader.VAR_DATA_HEADER_LENGTH;
    private static final byte[] NO_CERTIFICATE = new byte[0];

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final OwnVoteEncoder ownVote = new OwnVoteEncoder();
    private final FinalizedBlockEncoder finalizedBlock = new FinalizedBlockEncoder();
    private final EvidenceEncoder evidence = new EvidenceEncoder();
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

    /** Decodes an {@code OwnVote} record. */
    public Decoded<OwnVoteRecord> decodeOwnVote(final DirectBuffer buffer, final int offset, final int length)
    {
        final DropReason sizeDrop = size(buffer, offset, length, Templates.OWN_VOTE);
        if (sizeDrop != null)
        {
            return Decoded.drop(sizeDrop);
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.OWN_VOTE, OwnVoteEncoder.BLOCK_LENGTH);
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
        final DropReason sizeDrop = size(buffer, offset, length, Templates.FINALIZED_BLOCK);
        if (sizeDrop != null)
        {
            return Decoded.drop(sizeDrop);
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.FINALIZED_BLOCK, FinalizedBlockEncoder.BLOCK_LENGTH);
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
        final DropReason sizeDrop = size(buffer, offset, length, Templates.EVIDENCE);
        if (sizeDrop != null)
        {
            return Decoded.drop(sizeDrop);
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.EVIDENCE, EvidenceEncoder.BLOCK_LENGTH);
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
     * Decodes any of the four record templates: an {@link OwnVoteRecord}, a {@link FinalizedBlock},
     * a {@link Certificate} (from a {@code CertificateRecord}) or an {@link EvidenceRecord}.
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
            default: return Decoded.drop(DropReason.MALFORMED);
        }
        @SuppressWarnings("unchecked") final Decoded<Object> widened = (Decoded<Object>)decoded;
        return widened;
    }

    /** The frame of {@code record} as a new array, for any of the four record types. */
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

    private static DropReason size(final DirectBuffer buffer, final int offset, final int length, final int templateId)
    {
        return FrameReader.templateId(buffer, offset, length) == templateId && length > FrameLimits.maxLength(templateId) ?
            DropReason.OVERSIZE : null;
    }
}
