package dev.seqnet.consensus;

import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IsFinalTest
{
    private static final long CHAIN_ID = 5115;
    private static final byte[] GENESIS = Sha256.hash("genesis".getBytes(StandardCharsets.US_ASCII));
    private static final SequencerKey[] KEYS = TestMembers.keys(4);
    private static final SigningDomain DOMAIN = new SigningDomain(CHAIN_ID, GENESIS);
    private static final FinalityVerifier VERIFIER =
        new FinalityVerifier(CHAIN_ID, GENESIS, TestMembers.members(TestMembers.equal(4)), Quorums.AUTO_SLACK);

    private static L2Header header(final long height, final byte[] prev)
    {
        return new L2Header(height, prev, Sha256.hash(new byte[] {(byte)height}), BigInteger.TEN, new byte[32], 1_700_000_000L + height);
    }

    private static byte[] certificate(final CertificateKind kind, final byte[] hash, final int... signers)
    {
        final byte[][] sigs = new byte[signers.length][];
        for (int i = 0; i < signers.length; i++)
        {
            sigs[i] = DOMAIN.signVote(KEYS[signers[i]], kind.voteKind(), 9, hash);
        }
        return CertificateCodec.encode(new Certificate(kind, 9, hash, Certificate.bitmap(signers), new byte[32], sigs));
    }

    @Test
    void headerIsFinalThroughItsOwnOrADescendantsCertificate()
    {
        final L2Header h1 = header(1, new byte[32]);
        final L2Header h2 = header(2, h1.hash());
        final L2Header h3 = header(3, h2.hash());
        final byte[] fast = certificate(CertificateKind.FINALIZATION_FAST, h3.hash(), 0, 1, 2, 3);
        final byte[] slow = certificate(CertificateKind.FINALIZATION_SLOW, h3.hash(), 0, 1, 3);

        assertTrue(VERIFIER.isFinal(h3, new FinalityProof(fast, List.of())));
        assertTrue(VERIFIER.isFinal(h2, new FinalityProof(fast, List.of(h3))));
        assertTrue(VERIFIER.isFinal(h1, new FinalityProof(slow, List.of(h2, h3))));

        // Broken or incomplete chains.
        assertFalse(VERIFIER.isFinal(h1, new FinalityProof(fast, List.of(h3))), "gap at height 2");
        assertFalse(VERIFIER.isFinal(h1, new FinalityProof(fast, List.of(h2))), "ends below the certified block");
        assertFalse(VERIFIER.isFinal(h2, new FinalityProof(fast, List.of())), "certificate is for another block");
        final L2Header forked = header(2, Sha256.hash(new byte[] {1}));
        assertFalse(VERIFIER.isFinal(h1, new FinalityProof(certificate(CertificateKind.FINALIZATION_FAST, header(3,
            forked.hash()).hash(), 0, 1, 2, 3), List.of(forked, header(3, forked.hash())))), "prev_hash does not link to h1");

        // Certificates that do not finalize.
        assertFalse(VERIFIER.isFinal(h3, new FinalityProof(certificate(CertificateKind.NOTARIZATION, h3.hash(), 0, 1, 2), List.of())));
        assertFalse(VERIFIER.isFinal(h3, new FinalityProof(certificate(CertificateKind.FINALIZATION_FAST, h3.hash(), 0, 1, 2), List.of())));
        final byte[] forged = fast.clone();
        forged[forged.length - 1] ^= 1;
        assertFalse(VERIFIER.isFinal(h3, new FinalityProof(forged, List.of())));
        assertFalse(VERIFIER.isFinal(h3, new FinalityProof(new byte[7], List.of())));
        assertFalse(VERIFIER.isFinal(h3, null));
        assertFalse(VERIFIER.isFinal(null, new FinalityProof(fast, List.of())));
    }
}
