package dev.seqnet.consensus;

import dev.seqnet.codecs.CertificateDecoder;
import dev.seqnet.codecs.CertificateEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * SBE framing of {@link Certificate} (template 12 of {@code seqnet-schema.xml}): the 8-byte message
 * header, 105 bytes of fixed fields, a 4-byte group header and 64 bytes per signature.
 */
public final class CertificateCodec
{
    /** Bytes of a certificate frame with no signatures: 8 + 105 + 4. */
    public static final int EMPTY_LENGTH =
        MessageHeaderEncoder.ENCODED_LENGTH + CertificateEncoder.BLOCK_LENGTH + CertificateEncoder.SignaturesEncoder.HEADER_SIZE;

    /** Bytes of one signature entry. */
    public static final int SIGNATURE_LENGTH = 64;

    /** The §3.6 limit: 117 + 64 · 256 = 16,501 bytes. */
    public static final int MAX_LENGTH = EMPTY_LENGTH + SIGNATURE_LENGTH * MemberSet.MAX_MEMBERS;

    private CertificateCodec()
    {
    }

    /** The frame length of a certificate with {@code signatures} signatures. */
    public static int encodedLength(final int signatures)
    {
        return EMPTY_LENGTH + SIGNATURE_LENGTH * signatures;
    }

    /**
     * Writes {@code certificate} at {@code offset}, header included.
     *
     * @return the frame length.
     */
    public static int encode(final Certificate certificate, final MutableDirectBuffer buffer, final int offset)
    {
        final CertificateEncoder encoder = new CertificateEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder());
        encoder.kind((short)certificate.kind().code())
            .view(certificate.view())
            .putBlockHash(certificate.unsafeBlockHash(), 0, SigningDomain.HASH_LENGTH)
            .putSigners(certificate.unsafeSigners(), 0, Certificate.BITMAP_LENGTH)
            .putFallback(certificate.unsafeFallback(), 0, Certificate.BITMAP_LENGTH);
        final CertificateEncoder.SignaturesEncoder group = encoder.signaturesCount(certificate.signatureCount());
        for (int i = 0; i < certificate.signatureCount(); i++)
        {
            group.next().putSig(certificate.unsafeSignature(i), 0, SIGNATURE_LENGTH);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /** The frame of {@code certificate} as a new array. */
    public static byte[] encode(final Certificate certificate)
    {
        final byte[] bytes = new byte[encodedLength(certificate.signatureCount())];
        encode(certificate, new org.agrona.concurrent.UnsafeBuffer(bytes), 0);
        return bytes;
    }

    // Field offsets inside the frame, from the generated codec, for the bounds-checked reads of
    // FinalityVerifier (it reads peers' bytes and must never step outside the frame).
    static final int KIND_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + CertificateDecoder.kindEncodingOffset();
    static final int VIEW_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + CertificateDecoder.viewEncodingOffset();
    static final int HASH_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + CertificateDecoder.blockHashEncodingOffset();
    static final int SIGNERS_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + CertificateDecoder.signersEncodingOffset();
    static final int FALLBACK_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + CertificateDecoder.fallbackEncodingOffset();
    static final int GROUP_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + CertificateDecoder.BLOCK_LENGTH;

    /** Reads a u16 little-endian (the schema's byte order) without allocation. */
    static int u16(final DirectBuffer buffer, final int index)
    {
        return (buffer.getByte(index) & 0xFF) | (buffer.getByte(index + 1) & 0xFF) << 8;
    }
}
