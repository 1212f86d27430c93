package dev.seqnet.consensus;

import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FinalityVerifierTest
{
    private static final long CHAIN_ID = 5115;
    private static final byte[] GENESIS = Sha256.hash("genesis".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] BLOCK = Sha256.hash("block".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] OTHER_BLOCK = Sha256.hash("other".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] ZERO = new byte[32];
    private static final long VIEW = 42;

    /** A genesis: keys of every member and the verifier built from genesis alone. */
    private static final class Net
    {
        final SequencerKey[] keys;
        final SigningDomain domain = new SigningDomain(CHAIN_ID, GENESIS);
        final FinalityVerifier verifier;

        Net(final long[] stakes, final long slack)
        {
            keys = TestMembers.keys(stakes.length);
            verifier = new FinalityVerifier(CHAIN_ID, GENESIS, TestMembers.members(stakes), slack);
        }

        byte[] vote(final int member, final MessageKind kind, final long view, final byte[] hash)
        {
            return domain.signVote(keys[member], kind, view, hash);
        }

        /** A correctly signed certificate: signers in ascending order, fallback signers sign NOTARIZE_FALLBACK. */
        Certificate certificate(
            final CertificateKind kind, final long view, final byte[] hash, final int[] signers, final int... fallback)
        {
            final int[] sorted = signers.clone();
            Arrays.sort(sorted);
            final byte[] fallbackBits = Certificate.bitmap(fallback);
            final byte[][] sigs = new byte[sorted.length][];
            for (int i = 0; i < sorted.length; i++)
            {
                final MessageKind voteKind = Certificate.isSet(fallbackBits, sorted[i]) ?
                    MessageKind.NOTARIZE_FALLBACK : kind.voteKind();
                sigs[i] = vote(sorted[i], voteKind, view, hash);
            }
            return new Certificate(kind, view, hash, Certificate.bitmap(sorted), fallbackBits, sigs);
        }

        CertificateCheck verify(final Certificate c)
        {
            return verifier.verify(CertificateCodec.encode(c));
        }
    }

    private static final Net N4 = new Net(TestMembers.equal(4), Quorums.AUTO_SLACK);

    private static int[] range(final int n)
    {
        final int[] r = new int[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = i;
        }
        return r;
    }

    private static Certificate withSignatures(final Certificate c, final byte[] signers, final byte[][] sigs)
    {
        return new Certificate(c.kind(), c.view(), c.blockHash(), signers, c.fallback(), sigs);
    }

    private static byte[][] signatures(final Certificate c)
    {
        final byte[][] sigs = new byte[c.signatureCount()][];
        for (int i = 0; i < sigs.length; i++)
        {
            sigs[i] = c.signature(i);
        }
        return sigs;
    }

    private static void assertRejected(final CertificateError expected, final CertificateCheck check)
    {
        assertFalse(check.isValid(), check.toString());
        assertEquals(expected, check.error(), check.toString());
    }

    // ---- valid certificates ------------------------------------------------------------------

    @Test
    void n4FastFinalizationNeedsAllFour()
    {
        final Certificate c = N4.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, range(4));
        final byte[] frame = CertificateCodec.encode(c);
        assertEquals(373, frame.length, "§3.6: n = 4 fast certificate is 373 bytes");
        final CertificateCheck check = N4.verifier.verify(frame);
        assertTrue(check.isValid(), check.toString());
        assertEquals(CertificateKind.FINALIZATION_FAST, check.kind());
        assertEquals(VIEW, check.view());
        assertArrayEquals(BLOCK, check.blockHash());
        assertEquals(4, check.stake());

        // One signature missing: 3 < F = 4, rejected on stake before any signature is checked.
        final CertificateCheck three = N4.verify(N4.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, new int[] {0, 1, 3}));
        assertRejected(CertificateError.INSUFFICIENT_STAKE, three);
        assertEquals(3, three.stake());
    }

    @Test
    void n4NotarizationNullificationAndSlowFinalizationNeedThree()
    {
        for (final CertificateKind kind : new CertificateKind[] {
            CertificateKind.NOTARIZATION, CertificateKind.NULLIFICATION, CertificateKind.FINALIZATION_SLOW})
        {
            final byte[] hash = kind == CertificateKind.NULLIFICATION ? ZERO : BLOCK;
            final CertificateCheck ok = N4.verify(N4.certificate(kind, VIEW, hash, new int[] {0, 2, 3}));
            assertTrue(ok.isValid(), kind + " " + ok);
            assertEquals(kind, ok.kind());
            assertEquals(3, ok.stake());
            assertTrue(N4.verify(N4.certificate(kind, VIEW, hash, range(4))).isValid(), kind + " with all four");
            assertRejected(CertificateError.INSUFFICIENT_STAKE, N4.verify(N4.certificate(kind, VIEW, hash, new int[] {1, 3})));
        }
    }

    @Test
    void mixedNotarizationWithFallbackVotes()
    {
        // §4.7: A and B notarize b, C falls back: support 3 = Q.
        final Certificate mixed = N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1, 2}, 2);
        assertTrue(N4.verify(mixed).isValid());

        // Fallback bit set, but the signature is a strict Notarize: it is over another digest.
        final Certificate strict = N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1, 2});
        final Certificate lying = new Certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, strict.signers(),
            Certificate.bitmap(2), signatures(strict));
        final CertificateCheck check = N4.verify(lying);
        assertRejected(CertificateError.BAD_SIGNATURE, check);
        assertEquals(2, check.signer());

        // Fallback votes never count for the fast path: the same mixed set as FINALIZATION_FAST is rejected.
        final Certificate fastMixed = N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, range(4), 3);
        final Certificate asFast = new Certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, fastMixed.signers(),
            fastMixed.fallback(), signatures(fastMixed));
        assertRejected(CertificateError.FALLBACK_ON_WRONG_KIND, N4.verify(asFast));
        final Certificate asFastNoBits = new Certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, fastMixed.signers(),
            new byte[32], signatures(fastMixed));
        final CertificateCheck fastCheck = N4.verify(asFastNoBits);
        assertRejected(CertificateError.BAD_SIGNATURE, fastCheck);
        assertEquals(3, fastCheck.signer());
    }

    @Test
    void sevenMembersWithSlackOneFinalizeFastWithSix()
    {
        final Net n7 = new Net(TestMembers.equal(7), 1);
        final Certificate six = n7.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, new int[] {0, 1, 2, 4, 5, 6});
        assertTrue(n7.verify(six).isValid());
        assertRejected(CertificateError.INSUFFICIENT_STAKE,
            n7.verify(n7.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, new int[] {0, 1, 2, 4, 5})));
        final Certificate all = n7.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, range(7));
        assertEquals(565, CertificateCodec.encode(all).length, "§3.6: n = 7 fast certificate is 565 bytes");
        assertTrue(n7.verify(all).isValid());

        // With p auto (p = 0) the same six are not enough: F = 7.
        final Net n7auto = new Net(TestMembers.equal(7), Quorums.AUTO_SLACK);
        assertRejected(CertificateError.INSUFFICIENT_STAKE,
            n7auto.verify(n7auto.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, new int[] {0, 1, 2, 4, 5, 6})));
        assertTrue(n7auto.verify(n7auto.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1, 2, 4, 5})).isValid());
        assertRejected(CertificateError.INSUFFICIENT_STAKE,
            n7auto.verify(n7auto.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1, 2, 4})));
    }

    /** Stakes {5, 3, 2, 1, 1}: Q = 8, F = 11 (hand-derived in QuorumsTest). Thresholds are stake, not head count. */
    @Test
    void unequalStakesCountStakeNotMembers()
    {
        final Net net = new Net(new long[] {5, 3, 2, 1, 1}, Quorums.AUTO_SLACK);
        final CertificateCheck two = net.verify(net.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1}));
        assertTrue(two.isValid(), two.toString());
        assertEquals(8, two.stake());
        assertRejected(CertificateError.INSUFFICIENT_STAKE,
            net.verify(net.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {1, 2, 3, 4}))); // 7
        assertTrue(net.verify(net.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, new int[] {0, 1, 2, 3})).isValid()); // 11
        assertRejected(CertificateError.INSUFFICIENT_STAKE,
            net.verify(net.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, new int[] {0, 1, 3, 4}))); // 10
    }

    @Test
    void verifiesAtAnOffsetInsideALargerBuffer()
    {
        final Certificate c = N4.certificate(CertificateKind.FINALIZATION_SLOW, VIEW, BLOCK, new int[] {1, 2, 3});
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final int length = CertificateCodec.encode(c, buffer, 100);
        assertEquals(CertificateCodec.encodedLength(3), length);
        assertTrue(N4.verifier.verify(buffer, 100, length).isValid());
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify(buffer, 100, length + 1));
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify(buffer, 1000, length));
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify(buffer, -1, length));
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify(buffer, 100, -5));
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify(null, 0, 10));
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify((byte[])null));
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify(buffer, Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    // ---- signatures over something else -------------------------------------------------------

    @Test
    void signatureOverAnotherBlockViewKindOrNetworkIsRejected()
    {
        final Certificate good = N4.certificate(CertificateKind.FINALIZATION_SLOW, VIEW, BLOCK, new int[] {0, 1, 2});
        final byte[][] sigs = signatures(good);

        final byte[][] otherHash = sigs.clone();
        otherHash[1] = N4.vote(1, MessageKind.FINALIZE, VIEW, OTHER_BLOCK);
        CertificateCheck check = N4.verify(withSignatures(good, good.signers(), otherHash));
        assertRejected(CertificateError.BAD_SIGNATURE, check);
        assertEquals(1, check.signer());

        final byte[][] otherView = sigs.clone();
        otherView[2] = N4.vote(2, MessageKind.FINALIZE, VIEW + 1, BLOCK);
        check = N4.verify(withSignatures(good, good.signers(), otherView));
        assertRejected(CertificateError.BAD_SIGNATURE, check);
        assertEquals(2, check.signer());

        final byte[][] otherKind = sigs.clone();
        otherKind[0] = N4.vote(0, MessageKind.NOTARIZE, VIEW, BLOCK);
        check = N4.verify(withSignatures(good, good.signers(), otherKind));
        assertRejected(CertificateError.BAD_SIGNATURE, check);
        assertEquals(0, check.signer());

        // The whole certificate relabelled: a valid slow certificate is not a nullification or a fast one.
        final Certificate relabelled = new Certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, good.signers(),
            good.fallback(), sigs);
        assertRejected(CertificateError.BAD_SIGNATURE, N4.verify(relabelled));

        // Another chain id or genesis: same members, different domain.
        final FinalityVerifier otherChain =
            new FinalityVerifier(4114, GENESIS, TestMembers.members(TestMembers.equal(4)), Quorums.AUTO_SLACK);
        assertRejected(CertificateError.BAD_SIGNATURE, otherChain.verify(CertificateCodec.encode(good)));
        final FinalityVerifier otherGenesis =
            new FinalityVerifier(CHAIN_ID, OTHER_BLOCK, TestMembers.members(TestMembers.equal(4)), Quorums.AUTO_SLACK);
        assertRejected(CertificateError.BAD_SIGNATURE, otherGenesis.verify(CertificateCodec.encode(good)));
        assertTrue(N4.verify(good).isValid());
    }

    // ---- signers ------------------------------------------------------------------------------

    @Test
    void nonMemberSignerIsRejected()
    {
        // Bit 4 set in a 4-member network, with a matching fifth signature so counts agree.
        final SequencerKey outsider = TestMembers.key(4);
        final Certificate good = N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, range(4));
        final byte[][] five = Arrays.copyOf(signatures(good), 5);
        five[4] = new SigningDomain(CHAIN_ID, GENESIS).signVote(outsider, MessageKind.NOTARIZE, VIEW, BLOCK);
        assertRejected(CertificateError.NON_MEMBER_SIGNER, N4.verify(withSignatures(good, Certificate.bitmap(0, 1, 2, 3, 4), five)));
        assertRejected(CertificateError.NON_MEMBER_SIGNER,
            N4.verify(withSignatures(good, Certificate.bitmap(0, 1, 2, 255), Arrays.copyOf(five, 4))));

        // An outsider's signature in a member's slot.
        final byte[][] impersonated = signatures(good);
        impersonated[3] = five[4];
        final CertificateCheck check = N4.verify(withSignatures(good, good.signers(), impersonated));
        assertRejected(CertificateError.BAD_SIGNATURE, check);
        assertEquals(3, check.signer());
    }

    @Test
    void duplicateSignerIsRejected()
    {
        final Certificate good = N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1, 2});
        final byte[][] sigs = signatures(good);

        // Member 0's signature listed twice: 4 signatures for 3 bits.
        final byte[][] repeated = {sigs[0], sigs[0], sigs[1], sigs[2]};
        assertRejected(CertificateError.SIGNATURE_COUNT_MISMATCH, N4.verify(withSignatures(good, good.signers(), repeated)));

        // Member 0's signature standing in for member 1 to reach the threshold.
        final byte[][] standIn = {sigs[0], sigs[0], sigs[2]};
        final CertificateCheck check = N4.verify(withSignatures(good, good.signers(), standIn));
        assertRejected(CertificateError.BAD_SIGNATURE, check);
        assertEquals(1, check.signer());

        // Signatures in the wrong order are each checked against the wrong key.
        final byte[][] swapped = {sigs[1], sigs[0], sigs[2]};
        assertRejected(CertificateError.BAD_SIGNATURE, N4.verify(withSignatures(good, good.signers(), swapped)));
    }

    @Test
    void bitmapAndSignatureCountMustAgree()
    {
        final Certificate good = N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, range(4));
        final byte[][] sigs = signatures(good);
        assertRejected(CertificateError.SIGNATURE_COUNT_MISMATCH,
            N4.verify(withSignatures(good, Certificate.bitmap(0, 1, 2), sigs)));
        assertRejected(CertificateError.SIGNATURE_COUNT_MISMATCH,
            N4.verify(withSignatures(good, good.signers(), Arrays.copyOf(sigs, 3))));
        assertRejected(CertificateError.INSUFFICIENT_STAKE,
            N4.verify(withSignatures(good, new byte[32], new byte[0][])));
    }

    // ---- structure ----------------------------------------------------------------------------

    @Test
    void structuralRulesOfSection34()
    {
        final Certificate notarization = N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1, 2});
        final byte[][] sigs = signatures(notarization);

        assertRejected(CertificateError.FALLBACK_NOT_SUBSET, N4.verify(new Certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK,
            notarization.signers(), Certificate.bitmap(3), sigs)));

        final Certificate slow = N4.certificate(CertificateKind.FINALIZATION_SLOW, VIEW, BLOCK, new int[] {0, 1, 2});
        assertRejected(CertificateError.FALLBACK_ON_WRONG_KIND, N4.verify(new Certificate(CertificateKind.FINALIZATION_SLOW, VIEW,
            BLOCK, slow.signers(), Certificate.bitmap(1), signatures(slow))));

        // A nullification signed over a non-zero hash is rejected before its signatures are read.
        assertRejected(CertificateError.NONZERO_NULLIFICATION_HASH,
            N4.verify(N4.certificate(CertificateKind.NULLIFICATION, VIEW, BLOCK, new int[] {0, 1, 2})));

        assertRejected(CertificateError.ZERO_VIEW,
            N4.verify(N4.certificate(CertificateKind.NOTARIZATION, 0, BLOCK, new int[] {0, 1, 2})));

        final byte[] frame = CertificateCodec.encode(notarization);
        for (final int kind : new int[] {0, 5, 255})
        {
            final byte[] bad = frame.clone();
            bad[CertificateCodec.KIND_OFFSET] = (byte)kind;
            assertRejected(CertificateError.UNKNOWN_KIND, N4.verifier.verify(bad));
        }
        // Views are u64: a view above Long.MAX_VALUE is still a view.
        assertTrue(N4.verify(N4.certificate(CertificateKind.NOTARIZATION, -2L, BLOCK, new int[] {0, 1, 2})).isValid());
    }

    @Test
    void wrongHeaderTrailingBytesAndOversize()
    {
        final byte[] frame = CertificateCodec.encode(N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, new int[] {0, 1, 2}));
        for (int i = 0; i < 8; i += 2)
        {
            final byte[] bad = frame.clone();
            bad[i] ^= 1; // blockLength, templateId, schemaId, version
            assertRejected(CertificateError.WRONG_HEADER, N4.verifier.verify(bad));
        }
        assertRejected(CertificateError.MALFORMED, N4.verifier.verify(Arrays.copyOf(frame, frame.length + 1)));
        assertRejected(CertificateError.OVERSIZE, N4.verifier.verify(new byte[CertificateCodec.MAX_LENGTH + 1]));
        assertEquals(16_501, CertificateCodec.MAX_LENGTH);
        assertEquals(117, CertificateCodec.EMPTY_LENGTH);
    }

    // ---- garbage never throws -----------------------------------------------------------------

    @Test
    void everyTruncationIsAnErrorNotAnException()
    {
        final byte[] frame = CertificateCodec.encode(N4.certificate(CertificateKind.FINALIZATION_FAST, VIEW, BLOCK, range(4)));
        for (int len = 0; len < frame.length; len++)
        {
            final CertificateCheck check = N4.verifier.verify(Arrays.copyOf(frame, len));
            assertFalse(check.isValid(), "length " + len);
            assertTrue(check.error() == CertificateError.MALFORMED || check.error() == CertificateError.WRONG_HEADER,
                "length " + len + ": " + check);
        }
    }

    /** A slow certificate's kind byte 4 has no valid neighbour at Hamming distance 1, so every flip must fail. */
    @Test
    void everySingleBitFlipIsRejected()
    {
        final byte[] frame = CertificateCodec.encode(N4.certificate(CertificateKind.FINALIZATION_SLOW, VIEW, BLOCK, new int[] {0, 1, 3}));
        assertTrue(N4.verifier.verify(frame).isValid());
        for (int bit = 0; bit < frame.length * 8; bit++)
        {
            final byte[] bad = frame.clone();
            bad[bit >>> 3] ^= (byte)(1 << (bit & 7));
            final CertificateCheck check = N4.verifier.verify(bad);
            assertFalse(check.isValid(), "bit " + bit + " flipped still verifies");
            assertNotEquals(CertificateError.NONE, check.error());
        }
    }

    @Test
    void randomGarbageIsAnErrorNotAnException()
    {
        final Random random = new Random(5115);
        final byte[] frame = CertificateCodec.encode(N4.certificate(CertificateKind.NOTARIZATION, VIEW, BLOCK, range(4)));
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] garbage;
            if (i % 2 == 0)
            {
                garbage = new byte[random.nextInt(600)];
                random.nextBytes(garbage);
            }
            else
            {
                // A valid header and lengths with random fields and signatures, to get past the framing checks.
                garbage = frame.clone();
                final byte[] noise = new byte[garbage.length - 8];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, garbage, 8, noise.length);
                garbage[CertificateCodec.GROUP_OFFSET] = 64;
                garbage[CertificateCodec.GROUP_OFFSET + 1] = 0;
                garbage[CertificateCodec.GROUP_OFFSET + 2] = 4;
                garbage[CertificateCodec.GROUP_OFFSET + 3] = 0;
                if (i % 4 == 1)
                {
                    garbage[CertificateCodec.KIND_OFFSET] = (byte)(1 + random.nextInt(4));
                    Arrays.fill(garbage, CertificateCodec.SIGNERS_OFFSET, CertificateCodec.SIGNERS_OFFSET + 64, (byte)0);
                    garbage[CertificateCodec.SIGNERS_OFFSET] = 0x0F;
                }
            }
            assertFalse(N4.verifier.verify(garbage).isValid());
        }
    }
}
