package dev.seqnet.consensus;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningDomainTest
{
    private static final byte[] GENESIS = Sha256.hash("genesis".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] BLOCK = new byte[32];

    static
    {
        for (int i = 0; i < 32; i++)
        {
            BLOCK[i] = (byte)i;
        }
    }

    /**
     * Vectors from Python 3 hashlib:
     * <pre>
     * g = sha256(b'genesis'); bh = bytes(range(32))
     * si = b'seqnet/consensus/v1\x00' + pack('>Q', 5115) + g + bytes([2]) + pack('>Q', 7) + bh + pack('>Q', 0) + bytes(32)
     * sha256(si)  (len(si) = 141)
     * si = ... + bytes([2]) + pack('>Q', 9) + bh + pack('>Q', 0) + bytes(32)    (a proposal in view 9)
     * </pre>
     */
    @Test
    void digestMatchesIndependentVectors()
    {
        assertEquals("aeebad4a796fcc2e15dc4c6061b45ed9b373f26adfc798ca7d2d8cc58182718e", Hex.encodeBare(GENESIS));
        final SigningDomain domain = new SigningDomain(5115, GENESIS);
        assertEquals("cec8c4947beabf6a1ec3bc30f12304302a7dd6b67402b78cd08142eca1fe61b1",
            Hex.encodeBare(domain.voteDigest(MessageKind.NOTARIZE, 7, BLOCK)));
        // A proposal is signed as its leader's NOTARIZE (PROTOCOL.md §3.2): kind 2, no parent fields.
        assertEquals("93c6b342b75466f680559fe7469086bc18fb970a8ae3bc3e25b085ff4a6543cd",
            Hex.encodeBare(domain.proposalDigest(9, BLOCK)));
        assertEquals(141, SigningDomain.SIGN_INPUT_LENGTH);
        assertEquals(20, SigningDomain.TAG.length);
    }

    @Test
    void signatureVerifiesOnlyForTheSignedContent()
    {
        final SequencerKey key = TestMembers.key(0);
        final byte[] pub = key.publicKey();
        final SigningDomain domain = new SigningDomain(5115, GENESIS);
        final byte[] sig = domain.signVote(key, MessageKind.NOTARIZE, 7, BLOCK);
        assertEquals(64, sig.length);
        assertArrayEquals(sig, domain.signVote(key, MessageKind.NOTARIZE, 7, BLOCK), "RFC 6979 is deterministic");
        assertTrue(domain.verifyVote(sig, pub, MessageKind.NOTARIZE, 7, BLOCK));

        final byte[] otherBlock = BLOCK.clone();
        otherBlock[31] ^= 1;
        assertFalse(domain.verifyVote(sig, pub, MessageKind.NOTARIZE, 7, otherBlock));
        assertFalse(domain.verifyVote(sig, pub, MessageKind.NOTARIZE, 8, BLOCK));
        assertFalse(domain.verifyVote(sig, pub, MessageKind.FINALIZE, 7, BLOCK));
        assertFalse(domain.verifyVote(sig, pub, MessageKind.NOTARIZE_FALLBACK, 7, BLOCK));
        assertFalse(new SigningDomain(4114, GENESIS).verifyVote(sig, pub, MessageKind.NOTARIZE, 7, BLOCK));
        final byte[] otherGenesis = GENESIS.clone();
        otherGenesis[0] ^= 1;
        assertFalse(new SigningDomain(5115, otherGenesis).verifyVote(sig, pub, MessageKind.NOTARIZE, 7, BLOCK));
        assertFalse(domain.verifyVote(sig, TestMembers.key(1).publicKey(), MessageKind.NOTARIZE, 7, BLOCK));
        // A vote signature is not a header signature over the block hash itself.
        assertFalse(dev.seqnet.chain.crypto.Signatures.verify(sig, BLOCK, pub));
        // Malformed input is a plain false.
        assertFalse(domain.verifyVote(new byte[3], pub, MessageKind.NOTARIZE, 7, BLOCK));
        assertFalse(domain.verifyVote(sig, pub, MessageKind.NOTARIZE, 7, new byte[5]));
    }

    @Test
    void rejectsBadHashLengths()
    {
        assertThrows(IllegalArgumentException.class, () -> new SigningDomain(1, new byte[31]));
        final SigningDomain domain = new SigningDomain(1, new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> domain.voteDigest(MessageKind.NOTARIZE, 1, new byte[33]));
    }
}
