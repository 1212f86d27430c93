package dev.seqnet.consensus;

import dev.seqnet.chain.block.L2Header;
import dev.seqnet.codecs.CertificateDecoder;
import dev.seqnet.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Checks any {@link Certificate} frame against the genesis member set alone (PROTOCOL.md §3.4), so
 * clients, syncing members and the simulator can trust a certificate without any consensus state.
 * Structure is checked first, then the signers' stake (so a forged bitmap costs no signature
 * verification), then every signature. Garbage input yields an error, never an exception.
 * Immutable and thread-safe.
 */
public final class FinalityVerifier
{
    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private final MemberSet members;
    private final SigningDomain domain;
    private final SignatureCheck signatureCheck;

    /**
     * @param genesisHash   SHA-256 of the genesis file.
     * @param fastPathSlack genesis {@code consensus.fast_path_slack}, or {@link Quorums#AUTO_SLACK}.
     * @throws IllegalArgumentException for an invalid genesis (see {@link MemberSet}).
     */
    public FinalityVerifier(final long chainId, final byte[] genesisHash, final List<Member> members, final long fastPathSlack)
    {
        this(new MemberSet(members, fastPathSlack), new SigningDomain(chainId, genesisHash));
    }

    public FinalityVerifier(final MemberSet members, final SigningDomain domain)
    {
        this(members, domain, SignatureCheck.SECP256K1);
    }

    /** A verifier that checks each signature with {@code signatureCheck}. */
    public FinalityVerifier(final MemberSet members, final SigningDomain domain, final SignatureCheck signatureCheck)
    {
        if (members == null || domain == null || signatureCheck == null)
        {
            throw new IllegalArgumentException("members, domain and signature check are required");
        }
        this.members = members;
        this.domain = domain;
        this.signatureCheck = signatureCheck;
    }

    public MemberSet members()
    {
        return members;
    }

    /** Checks a whole frame held in an array. */
    public CertificateCheck verify(final byte[] frame)
    {
        if (frame == null)
        {
            return CertificateCheck.invalid(CertificateError.MALFORMED);
        }
        return verify(new UnsafeBuffer(frame), 0, frame.length);
    }

    /** Checks any certificate; returns its kind, view, block hash and signed stake, or the reason it is invalid. */
    public CertificateCheck verify(final DirectBuffer buffer, final int offset, final int length)
    {
        if (buffer == null || offset < 0 || length < 0 || (long)offset + length > buffer.capacity())
        {
            return CertificateCheck.invalid(CertificateError.MALFORMED);
        }
        if (length > CertificateCodec.MAX_LENGTH)
        {
            return CertificateCheck.invalid(CertificateError.OVERSIZE);
        }
        if (length < CertificateCodec.EMPTY_LENGTH)
        {
            return CertificateCheck.invalid(CertificateError.MALFORMED);
        }
        // Message header: blockLength, templateId, schemaId, version (u16 each).
        if (CertificateCodec.u16(buffer, offset) != CertificateDecoder.BLOCK_LENGTH ||
            CertificateCodec.u16(buffer, offset + 2) != CertificateDecoder.TEMPLATE_ID ||
            CertificateCodec.u16(buffer, offset + 4) != CertificateDecoder.SCHEMA_ID ||
            CertificateCodec.u16(buffer, offset + 6) != CertificateDecoder.SCHEMA_VERSION)
        {
            return CertificateCheck.invalid(CertificateError.WRONG_HEADER);
        }
        final int groupBlockLength = CertificateCodec.u16(buffer, offset + CertificateCodec.GROUP_OFFSET);
        final int count = CertificateCodec.u16(buffer, offset + CertificateCodec.GROUP_OFFSET + 2);
        if (groupBlockLength != CertificateCodec.SIGNATURE_LENGTH || length != CertificateCodec.encodedLength(count))
        {
            return CertificateCheck.invalid(CertificateError.MALFORMED);
        }

        final CertificateKind kind = CertificateKind.fromCode(buffer.getByte(offset + CertificateCodec.KIND_OFFSET) & 0xFF);
        if (kind == null)
        {
            return CertificateCheck.invalid(CertificateError.UNKNOWN_KIND);
        }
        final long view = buffer.getLong(offset + CertificateCodec.VIEW_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final byte[] blockHash = new byte[SigningDomain.HASH_LENGTH];
        buffer.getBytes(offset + CertificateCodec.HASH_OFFSET, blockHash);
        if (view == 0)
        {
            return CertificateCheck.invalid(CertificateError.ZERO_VIEW, kind, view, blockHash, 0, -1);
        }
        final byte[] signers = new byte[Certificate.BITMAP_LENGTH];
        final byte[] fallback = new byte[Certificate.BITMAP_LENGTH];
        buffer.getBytes(offset + CertificateCodec.SIGNERS_OFFSET, signers);
        buffer.getBytes(offset + CertificateCodec.FALLBACK_OFFSET, fallback);

        final int n = members.size();
        int popcount = 0;
        boolean anyFallback = false;
        boolean nonMember = false;
        boolean notSubset = false;
        for (int b = 0; b < Certificate.BITMAP_LENGTH; b++)
        {
            final int s = signers[b] & 0xFF;
            final int fb = fallback[b] & 0xFF;
            popcount += Integer.bitCount(s);
            anyFallback |= fb != 0;
            notSubset |= (fb & ~s) != 0;
            // Bits of member indices ≥ n in this byte: index 8b + k ≥ n ⇔ k ≥ n − 8b.
            final int firstOutside = n - 8 * b;
            if (firstOutside < 8)
            {
                final int outsideMask = firstOutside <= 0 ? 0xFF : (0xFF << firstOutside) & 0xFF;
                nonMember |= (s & outsideMask) != 0;
            }
        }
        if (nonMember)
        {
            return CertificateCheck.invalid(CertificateError.NON_MEMBER_SIGNER, kind, view, blockHash, 0, -1);
        }
        if (notSubset)
        {
            return CertificateCheck.invalid(CertificateError.FALLBACK_NOT_SUBSET, kind, view, blockHash, 0, -1);
        }
        if (anyFallback && kind != CertificateKind.NOTARIZATION)
        {
            return CertificateCheck.invalid(CertificateError.FALLBACK_ON_WRONG_KIND, kind, view, blockHash, 0, -1);
        }
        if (kind == CertificateKind.NULLIFICATION && !isZero(blockHash))
        {
            return CertificateCheck.invalid(CertificateError.NONZERO_NULLIFICATION_HASH, kind, view, blockHash, 0, -1);
        }
        if (count != popcount)
        {
            return CertificateCheck.invalid(CertificateError.SIGNATURE_COUNT_MISMATCH, kind, view, blockHash, 0, -1);
        }

        long stake = 0;
        for (int i = 0; i < n; i++)
        {
            if (Certificate.isSet(signers, i))
            {
                stake += members.stake(i);
            }
        }
        if (stake < kind.threshold(members.quorums()))
        {
            return CertificateCheck.invalid(CertificateError.INSUFFICIENT_STAKE, kind, view, blockHash, stake, -1);
        }

        final byte[] digest = domain.voteDigest(kind.voteKind(), view, blockHash);
        final byte[] fallbackDigest = anyFallback ? domain.voteDigest(MessageKind.NOTARIZE_FALLBACK, view, blockHash) : null;
        final byte[] signature = new byte[CertificateCodec.SIGNATURE_LENGTH];
        int sigOffset = offset + CertificateCodec.EMPTY_LENGTH;
        for (int i = 0; i < n; i++)
        {
            if (Certificate.isSet(signers, i))
            {
                buffer.getBytes(sigOffset, signature);
                sigOffset += CertificateCodec.SIGNATURE_LENGTH;
                final byte[] d = Certificate.isSet(fallback, i) ? fallbackDigest : digest;
                if (!signatureCheck.verify(signature, d, members.verificationKeyUnsafe(i)))
                {
                    return CertificateCheck.invalid(CertificateError.BAD_SIGNATURE, kind, view, blockHash, stake, i);
                }
            }
        }
        return CertificateCheck.valid(kind, view, blockHash, stake);
    }

    /**
     * True when {@code header} is final: {@code proof} holds a valid FINALIZATION_FAST or
     * FINALIZATION_SLOW certificate for a block d and the headers from header.height + 1 up to d,
     * each linked to the one before by {@code prev_hash}, starting from {@code header}'s hash.
     * False for anything else, including null or malformed input.
     */
    public boolean isFinal(final L2Header header, final FinalityProof proof)
    {
        if (header == null || proof == null)
        {
            return false;
        }
        final CertificateCheck check = verify(proof.certificateUnsafe());
        if (!check.isValid() ||
            (check.kind() != CertificateKind.FINALIZATION_FAST && check.kind() != CertificateKind.FINALIZATION_SLOW))
        {
            return false;
        }
        byte[] hash = header.hash();
        long height = header.height();
        for (final L2Header next : proof.headers())
        {
            // The hash covers the height, so the height check only rejects what the link check would.
            if (next.height() != height + 1 || !Arrays.equals(next.prevHash(), hash))
            {
                return false;
            }
            hash = next.hash();
            height = next.height();
        }
        return Arrays.equals(hash, check.blockHash());
    }

    private static boolean isZero(final byte[] bytes)
    {
        int acc = 0;
        for (final byte b : bytes)
        {
            acc |= b;
        }
        return acc == 0;
    }
}
