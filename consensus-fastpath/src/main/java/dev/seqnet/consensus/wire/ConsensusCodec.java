package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;
import dev.seqnet.codecs.CertificateEncoder;
import dev.seqnet.codecs.CertificateRecordEncoder;
import dev.seqnet.codecs.CertificateRequestEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.codecs.ProposalEncoder;
import dev.seqnet.codecs.VoteEncoder;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * SBE framing of the consensus messages the core consumes ({@link Proposal}, {@link Vote},
 * {@link Certificate}, {@link CertificateRequest}; templates 10, 11, 12, 16). Encoding uses the
 * generated flyweights; decoding reads through a bounds-checked {@link FrameReader} and never throws:
 * a hostile frame gives {@link DropReason#OVERSIZE} or {@link DropReason#MALFORMED}. Signatures are
 * not checked here ({@link InboundVerifier} does). One instance per thread: it reuses its flyweights.
 */
public final class ConsensusCodec
{
    static final int SIGNATURE_LENGTH = 64;

    private static final MessageKind[] VOTE_KINDS = MessageKind.values();

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ProposalEncoder proposalEncoder = new ProposalEncoder();
    private final VoteEncoder voteEncoder = new VoteEncoder();
    private final CertificateEncoder certificateEncoder = new CertificateEncoder();
    private final CertificateRecordEncoder certificateRecordEncoder = new CertificateRecordEncoder();
    private final CertificateRequestEncoder requestEncoder = new CertificateRequestEncoder();
    private final FrameReader reader = new FrameReader();
    private final byte[] signers = new byte[Certificate.BITMAP_LENGTH];
    private final byte[] fallback = new byte[Certificate.BITMAP_LENGTH];
    private MutableProposal scratchProposal;

    /** Frame length of a proposal with {@code txCount} hashes: 334 + 32 · txCount. */
    public static int proposalLength(final int txCount)
    {
        return FrameLimits.HEADER + ProposalEncoder.BLOCK_LENGTH + FrameReader.GROUP_HEADER_LENGTH + Hash32.LENGTH * txCount;
    }

    /** Frame length of {@code message}. */
    public static int encodedLength(final ConsensusMessage message)
    {
        if (message instanceof Proposal)
        {
            return proposalLength(((Proposal)message).block().txHashes().size());
        }
        if (message instanceof Vote)
        {
            return FrameLimits.VOTE;
        }
        if (message instanceof Certificate)
        {
            return dev.seqnet.consensus.CertificateCodec.encodedLength(((Certificate)message).signatureCount());
        }
        if (message instanceof CertificateRequest)
        {
            return FrameLimits.CERTIFICATE_REQUEST;
        }
        throw new IllegalArgumentException("not a wire message: " + message);
    }

    /**
     * Writes {@code message} (header included) at {@code offset}.
     *
     * @return the frame length.
     * @throws IllegalArgumentException for an index that does not fit a u16 or a certificate with more than 256 signatures.
     * @throws IndexOutOfBoundsException when a fixed-size buffer is too small.
     */
    public int encode(final ConsensusMessage message, final MutableDirectBuffer buffer, final int offset)
    {
        if (message instanceof Proposal)
        {
            return encodeProposal((Proposal)message, buffer, offset);
        }
        if (message instanceof Vote)
        {
            return encodeVote((Vote)message, buffer, offset);
        }
        if (message instanceof Certificate)
        {
            return encodeCertificate((Certificate)message, buffer, offset);
        }
        if (message instanceof CertificateRequest)
        {
            return encodeCertificateRequest((CertificateRequest)message, buffer, offset);
        }
        throw new IllegalArgumentException("not a wire message: " + message);
    }

    /** The frame of {@code message} as a new array. */
    public byte[] encode(final ConsensusMessage message)
    {
        final byte[] frame = new byte[encodedLength(message)];
        encode(message, new UnsafeBuffer(frame), 0);
        return frame;
    }

    public int encodeProposal(final Proposal proposal, final MutableDirectBuffer buffer, final int offset)
    {
        final BlockCandidate b = proposal.block();
        final int length = proposalLength(b.txHashes().size());
        buffer.checkLimit(offset + length);
        proposalEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .view(proposal.view())
            .parentView(proposal.parentView())
            .height(b.height())
            .timestamp(b.timestamp())
            .l1FeeRateHi(b.l1FeeRateHi())
            .l1FeeRateLo(b.l1FeeRateLo())
            .gasUsed(b.gasUsed())
            .baseFee(b.baseFee())
            .leader(u16(proposal.leader()))
            .putParentHash(b.parentHash().unsafeBytes(), 0, Hash32.LENGTH)
            .putStateRoot(b.stateRoot().unsafeBytes(), 0, Hash32.LENGTH)
            .putTxMerkleRoot(b.txMerkleRoot().unsafeBytes(), 0, Hash32.LENGTH)
            .putBlockHash(b.blockHash().unsafeBytes(), 0, Hash32.LENGTH)
            .putHeaderSignature(b.headerSignature(), 0, SIGNATURE_LENGTH)
            .putSignature(proposal.signature(), 0, SIGNATURE_LENGTH);
        final List<Hash32> hashes = b.txHashes();
        final ProposalEncoder.TxHashesEncoder group = proposalEncoder.txHashesCount(hashes.size());
        for (int i = 0; i < hashes.size(); i++)
        {
            group.next().putHash(hashes.get(i).unsafeBytes(), 0, Hash32.LENGTH);
        }
        return length;
    }

    public int encodeVote(final Vote vote, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.checkLimit(offset + FrameLimits.VOTE);
        voteEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .kind((short)vote.kind().code())
            .signer(u16(vote.signer()))
            .view(vote.view())
            .putBlockHash(vote.blockHash().unsafeBytes(), 0, Hash32.LENGTH)
            .putSignature(vote.signature(), 0, SIGNATURE_LENGTH);
        return FrameLimits.VOTE;
    }

    /** Writes a {@code Certificate} (template 12). */
    public int encodeCertificate(final Certificate certificate, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = certificateLength(certificate);
        buffer.checkLimit(offset + length);
        final CertificateEncoder e = certificateEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .kind((short)certificate.kind().code())
            .view(certificate.view())
            .putBlockHash(certificate.unsafeBlockHash(), 0, Hash32.LENGTH)
            .putSigners(certificate.unsafeSigners(), 0, Certificate.BITMAP_LENGTH)
            .putFallback(certificate.unsafeFallback(), 0, Certificate.BITMAP_LENGTH);
        final CertificateEncoder.SignaturesEncoder group = e.signaturesCount(certificate.signatureCount());
        for (int i = 0; i < certificate.signatureCount(); i++)
        {
            group.next().putSig(certificate.unsafeSignature(i), 0, SIGNATURE_LENGTH);
        }
        return length;
    }

    /** Writes a journal {@code CertificateRecord} (template 32): the same body under its own id. */
    public int encodeCertificateRecord(final Certificate certificate, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = certificateLength(certificate);
        buffer.checkLimit(offset + length);
        final CertificateRecordEncoder e = certificateRecordEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .kind((short)certificate.kind().code())
            .view(certificate.view())
            .putBlockHash(certificate.unsafeBlockHash(), 0, Hash32.LENGTH)
            .putSigners(certificate.unsafeSigners(), 0, Certificate.BITMAP_LENGTH)
            .putFallback(certificate.unsafeFallback(), 0, Certificate.BITMAP_LENGTH);
        final CertificateRecordEncoder.SignaturesEncoder group = e.signaturesCount(certificate.signatureCount());
        for (int i = 0; i < certificate.signatureCount(); i++)
        {
            group.next().putSig(certificate.unsafeSignature(i), 0, SIGNATURE_LENGTH);
        }
        return length;
    }

    public int encodeCertificateRequest(final CertificateRequest request, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.checkLimit(offset + FrameLimits.CERTIFICATE_REQUEST);
        requestEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .requester(u16(request.requester()))
            .fromView(request.fromView())
            .toView(request.toView());
        return FrameLimits.CERTIFICATE_REQUEST;
    }

    /**
     * Decodes a frame of any of the four consensus templates.
     *
     * @return the value, or OVERSIZE (over the template's limit) or MALFORMED (anything else wrong,
     *         including a template that is not one of the four).
     */
    public Decoded<ConsensusMessage> decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final DropReason sizeDrop = FrameLimits.check(buffer, offset, length);
        if (sizeDrop != null)
        {
            return Decoded.drop(sizeDrop);
        }
        switch (FrameReader.templateId(buffer, offset, length))
        {
            case Templates.PROPOSAL: return widen(decodeProposal(buffer, offset, length));
            case Templates.VOTE: return widen(decodeVote(buffer, offset, length));
            case Templates.CERTIFICATE: return widen(decodeCertificate(buffer, offset, length));
            case Templates.CERTIFICATE_REQUEST: return widen(decodeCertificateRequest(buffer, offset, length));
            default: return Decoded.drop(DropReason.MALFORMED);
        }
    }

    /** Decodes a {@code Proposal} frame (template 10). */
    public Decoded<Proposal> decodeProposal(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null == scratchProposal)
        {
            scratchProposal = new MutableProposal(); // 16 KiB, only for a codec that decodes proposals
        }
        final DropReason drop = decodeProposal(buffer, offset, length, scratchProposal);
        return drop == null ? Decoded.ok(scratchProposal.toProposal()) : Decoded.drop(drop);
    }

    /**
     * Decodes a {@code Proposal} frame (template 10) into {@code into} without allocating: the same
     * checks as {@link #decodeProposal(DirectBuffer, int, int)}.
     *
     * @return null when {@code into} holds the proposal, else OVERSIZE or MALFORMED ({@code into} is
     *         then unspecified).
     */
    public DropReason decodeProposal(final DirectBuffer buffer, final int offset, final int length, final MutableProposal into)
    {
        if (FrameReader.templateId(buffer, offset, length) == Templates.PROPOSAL && length > FrameLimits.PROPOSAL)
        {
            return DropReason.OVERSIZE;
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.PROPOSAL, ProposalEncoder.BLOCK_LENGTH);
        final long view = r.u64();
        final long parentView = r.u64();
        final long height = r.u64();
        final long timestamp = r.u64();
        final long l1FeeRateHi = r.u64();
        final long l1FeeRateLo = r.u64();
        final long gasUsed = r.u64();
        final long baseFee = r.u64();
        final int leader = r.u16();
        r.bytes(into.parentHashBuffer());
        r.bytes(into.stateRootBuffer());
        r.bytes(into.txMerkleRootBuffer());
        r.bytes(into.blockHashBuffer());
        r.bytes(into.headerSignatureBuffer());
        r.bytes(into.signatureBuffer());
        final int count = r.group(Hash32.LENGTH, Hash32.LENGTH, BlockCandidate.MAX_TX_HASHES);
        if (!r.ok())
        {
            return DropReason.MALFORMED;
        }
        r.bytes(into.txHashesBuffer(), 0, count * Hash32.LENGTH);
        if (!r.complete() || view <= 0 || parentView < 0 || parentView >= view || height < 1)
        {
            return DropReason.MALFORMED;
        }
        into.setDecoded(view, parentView, leader, height, timestamp, l1FeeRateHi, l1FeeRateLo, gasUsed, baseFee, count);
        return null;
    }

    /** Decodes a {@code Vote} frame (template 11). */
    public Decoded<Vote> decodeVote(final DirectBuffer buffer, final int offset, final int length)
    {
        if (FrameReader.templateId(buffer, offset, length) == Templates.VOTE && length > FrameLimits.VOTE)
        {
            return Decoded.drop(DropReason.OVERSIZE);
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.VOTE, VoteEncoder.BLOCK_LENGTH);
        final MessageKind kind = voteKind(r.u8());
        final int signer = r.u16();
        final long view = r.u64();
        final Hash32 blockHash = r.hash();
        final byte[] signature = r.bytes(SIGNATURE_LENGTH);
        if (!r.complete() || kind == null || view <= 0 || (kind == MessageKind.NULLIFY && !blockHash.isZero()))
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        return Decoded.ok(new Vote(kind, signer, view, blockHash, signature));
    }

    /**
     * Decodes a {@code Vote} frame (template 11) into {@code into} without allocating: the same
     * checks as {@link #decodeVote(DirectBuffer, int, int)}.
     *
     * @return null when {@code into} holds the vote, else OVERSIZE or MALFORMED ({@code into} is then
     *         unspecified).
     */
    public DropReason decodeVote(final DirectBuffer buffer, final int offset, final int length, final MutableVote into)
    {
        if (FrameReader.templateId(buffer, offset, length) == Templates.VOTE && length > FrameLimits.VOTE)
        {
            return DropReason.OVERSIZE;
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.VOTE, VoteEncoder.BLOCK_LENGTH);
        final MessageKind kind = voteKind(r.u8());
        final int signer = r.u16();
        final long view = r.u64();
        r.bytes(into.blockHashBuffer());
        r.bytes(into.signatureBuffer());
        if (!r.complete() || kind == null || view <= 0 || (kind == MessageKind.NULLIFY && !into.isZeroHash()))
        {
            return DropReason.MALFORMED;
        }
        into.setDecoded(kind, signer, view);
        return null;
    }

    /** Decodes a {@code Certificate} frame (template 12). Validity is {@link dev.seqnet.consensus.FinalityVerifier}'s job. */
    public Decoded<Certificate> decodeCertificate(final DirectBuffer buffer, final int offset, final int length)
    {
        return decodeCertificate(buffer, offset, length, Templates.CERTIFICATE);
    }

    /** Decodes a journal {@code CertificateRecord} frame (template 32). */
    public Decoded<Certificate> decodeCertificateRecord(final DirectBuffer buffer, final int offset, final int length)
    {
        return decodeCertificate(buffer, offset, length, Templates.CERTIFICATE_RECORD);
    }

    /** Decodes a {@code CertificateRequest} frame (template 16). */
    public Decoded<CertificateRequest> decodeCertificateRequest(final DirectBuffer buffer, final int offset, final int length)
    {
        if (FrameReader.templateId(buffer, offset, length) == Templates.CERTIFICATE_REQUEST &&
            length > FrameLimits.CERTIFICATE_REQUEST)
        {
            return Decoded.drop(DropReason.OVERSIZE);
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(Templates.CERTIFICATE_REQUEST, CertificateRequestEncoder.BLOCK_LENGTH);
        final int requester = r.u16();
        final long fromView = r.u64();
        final long toView = r.u64();
        if (!r.complete() || fromView < 1 || toView < fromView || toView - fromView >= CertificateRequest.MAX_SPAN)
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        return Decoded.ok(new CertificateRequest(requester, fromView, toView));
    }

    private Decoded<Certificate> decodeCertificate(
        final DirectBuffer buffer, final int offset, final int length, final int templateId)
    {
        if (FrameReader.templateId(buffer, offset, length) == templateId && length > FrameLimits.CERTIFICATE)
        {
            return Decoded.drop(DropReason.OVERSIZE);
        }
        final FrameReader r = reader.wrap(buffer, offset, length);
        r.header(templateId, CertificateEncoder.BLOCK_LENGTH);
        final CertificateKind kind = CertificateKind.fromCode(r.u8());
        final long view = r.u64();
        final byte[] blockHash = r.bytes(Hash32.LENGTH);
        r.bytes(signers);
        r.bytes(fallback);
        final int count = r.group(SIGNATURE_LENGTH, SIGNATURE_LENGTH, Certificate.BITMAP_LENGTH * 8);
        if (!r.ok() || kind == null || view <= 0)
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        final byte[][] signatures = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            signatures[i] = r.bytes(SIGNATURE_LENGTH);
        }
        if (!r.complete())
        {
            return Decoded.drop(DropReason.MALFORMED);
        }
        // blockHash and the signatures are fresh arrays; the bitmaps are this codec's scratch, so copied.
        return Decoded.ok(Certificate.adopt(kind, view, blockHash, signers.clone(), fallback.clone(), signatures));
    }

    private static int certificateLength(final Certificate certificate)
    {
        if (certificate.signatureCount() > Certificate.BITMAP_LENGTH * 8)
        {
            throw new IllegalArgumentException("a certificate has at most 256 signatures: " + certificate.signatureCount());
        }
        return dev.seqnet.consensus.CertificateCodec.encodedLength(certificate.signatureCount());
    }

    /** The vote kind for a wire code (2–5), or null; PROPOSAL (1) is not a vote. */
    static MessageKind voteKind(final int code)
    {
        return code >= 2 && code <= VOTE_KINDS.length ? VOTE_KINDS[code - 1] : null;
    }

    /** The message kind for a wire code (1–5), or null. */
    static MessageKind messageKind(final int code)
    {
        return code >= 1 && code <= VOTE_KINDS.length ? VOTE_KINDS[code - 1] : null;
    }

    /** A member index as the u16 the wire carries. */
    static int u16(final int index)
    {
        if (index < 0 || index > 0xFFFF)
        {
            throw new IllegalArgumentException("index does not fit a u16: " + index);
        }
        return index;
    }

    @SuppressWarnings("unchecked")
    private static Decoded<ConsensusMessage> widen(final Decoded<? extends ConsensusMessage> decoded)
    {
        return (Decoded<ConsensusMessage>)decoded;
    }
}
