package dev.seqnet.chain.crypto;

import dev.seqnet.chain.Hex;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

import java.math.BigInteger;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signatures.verify accepts exactly valid low-s signatures and never throws on garbage. */
class SignaturesTest
{
    private static final byte[] PRIVATE_KEY =
        Hex.decode("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    private static final byte[] HASH =
        Hex.decode("0xaf1dee894786c304604a039b041463c9ab8defb393403ea03cf2c85b1eb8cbfd");
    private static final BigInteger N =
        new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

    private final SequencerKey key = SequencerKey.fromPrivateKey(PRIVATE_KEY);

    @Test
    void acceptsASignatureMadeByWeb3j()
    {
        final Sign.SignatureData web3j = Sign.signMessage(HASH, ECKeyPair.create(PRIVATE_KEY), false);
        final byte[] sig = new byte[64];
        System.arraycopy(web3j.getR(), 0, sig, 0, 32);
        System.arraycopy(web3j.getS(), 0, sig, 32, 32);

        assertTrue(Signatures.verify(sig, HASH, key.publicKey()));
    }

    @Test
    void rejectsAnyFlippedBitOfSignatureOrHash()
    {
        final byte[] sig = key.sign(HASH);
        for (int bit = 0; bit < 64 * 8; bit += 7)
        {
            final byte[] bad = sig.clone();
            bad[bit >>> 3] ^= (byte)(1 << (bit & 7));
            assertFalse(Signatures.verify(bad, HASH, key.publicKey()), "signature bit " + bit);
        }
        for (int bit = 0; bit < 32 * 8; bit += 5)
        {
            final byte[] bad = HASH.clone();
            bad[bit >>> 3] ^= (byte)(1 << (bit & 7));
            assertFalse(Signatures.verify(sig, bad, key.publicKey()), "hash bit " + bit);
        }
    }

    @Test
    void rejectsAnotherKey()
    {
        final byte[] other = PRIVATE_KEY.clone();
        other[31] ^= 1;
        assertFalse(Signatures.verify(key.sign(HASH), HASH, SequencerKey.fromPrivateKey(other).publicKey()));
    }

    @Test
    void rejectsHighSTwinOfAValidSignature()
    {
        final byte[] sig = key.sign(HASH);
        final BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
        final byte[] highS = N.subtract(s).toByteArray();
        final byte[] twin = sig.clone();
        Arrays.fill(twin, 32, 64, (byte)0);
        final int len = Math.min(highS.length, 32);
        System.arraycopy(highS, highS.length - len, twin, 64 - len, len);

        assertFalse(Signatures.verify(twin, HASH, key.publicKey()));
    }

    @Test
    void answersFalseForGarbageWithoutThrowing()
    {
        final byte[] sig = key.sign(HASH);
        final byte[] pub = key.publicKey();

        assertFalse(Signatures.verify(null, HASH, pub));
        assertFalse(Signatures.verify(sig, null, pub));
        assertFalse(Signatures.verify(sig, HASH, null));
        assertFalse(Signatures.verify(Arrays.copyOf(sig, 63), HASH, pub));
        assertFalse(Signatures.verify(Arrays.copyOf(sig, 65), HASH, pub));
        assertFalse(Signatures.verify(new byte[0], HASH, pub));
        assertFalse(Signatures.verify(sig, Arrays.copyOf(HASH, 31), pub));
        assertFalse(Signatures.verify(sig, Arrays.copyOf(HASH, 33), pub));
        assertFalse(Signatures.verify(sig, HASH, Arrays.copyOf(pub, 32)));
        assertFalse(Signatures.verify(sig, HASH, Arrays.copyOf(pub, 65)));
        assertFalse(Signatures.verify(new byte[64], HASH, pub));

        final byte[] filled = new byte[64];
        Arrays.fill(filled, (byte)0xFF);
        assertFalse(Signatures.verify(filled, HASH, pub));

        final byte[] uncompressedPrefix = pub.clone();
        uncompressedPrefix[0] = 0x04;
        assertFalse(Signatures.verify(sig, HASH, uncompressedPrefix));

        final byte[] offCurve = new byte[33];
        Arrays.fill(offCurve, (byte)0xFF);
        offCurve[0] = 0x02;
        assertFalse(Signatures.verify(sig, HASH, offCurve));
        assertFalse(Signatures.verify(sig, HASH, new byte[33]));
    }

    @Test
    void theUncompressedVerificationKeyIsWeb3jsPublicKeyAndChecksTheSame()
    {
        final byte[] uncompressed = Signatures.verificationKey(key.publicKey());
        assertEquals(65, uncompressed.length);
        assertEquals(0x04, uncompressed[0]);
        // web3j's public key is x ‖ y as an unsigned integer: an independent derivation of the same point.
        final byte[] web3j = new byte[64];
        final byte[] raw = ECKeyPair.create(PRIVATE_KEY).getPublicKey().toByteArray();
        final int len = Math.min(raw.length, 64);
        System.arraycopy(raw, raw.length - len, web3j, 64 - len, len);
        assertArrayEquals(web3j, Arrays.copyOfRange(uncompressed, 1, 65));
        assertArrayEquals(Arrays.copyOfRange(key.publicKey(), 1, 33), Arrays.copyOfRange(uncompressed, 1, 33), "same x");

        final byte[] sig = key.sign(HASH);
        assertTrue(Signatures.verify(sig, HASH, uncompressed));
        final byte[] bad = sig.clone();
        bad[5] ^= 1;
        assertFalse(Signatures.verify(bad, HASH, uncompressed));
        final byte[] otherHash = HASH.clone();
        otherHash[0] ^= 1;
        assertFalse(Signatures.verify(sig, otherHash, uncompressed));
    }

    @Test
    void anUncompressedKeyMustBeTheExactPoint()
    {
        final byte[] sig = key.sign(HASH);
        final byte[] uncompressed = Signatures.verificationKey(key.publicKey());

        // The negated point (x, p − y) shares x and the first 33 bytes: a different key, which must not verify.
        final BigInteger p = new BigInteger("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16);
        final BigInteger negY = p.subtract(new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        final byte[] negated = uncompressed.clone();
        final byte[] y = negY.toByteArray();
        Arrays.fill(negated, 33, 65, (byte)0);
        final int len = Math.min(y.length, 32);
        System.arraycopy(y, y.length - len, negated, 65 - len, len);
        assertFalse(Signatures.verify(sig, HASH, negated));

        final byte[] offCurve = uncompressed.clone();
        offCurve[64] ^= 1;
        assertFalse(Signatures.verify(sig, HASH, offCurve), "y of another point: not on the curve, refused without throwing");
        final byte[] wrongPrefix = uncompressed.clone();
        wrongPrefix[0] = 0x02;
        assertFalse(Signatures.verify(sig, HASH, wrongPrefix));
    }

    @Test
    void onlyACompressedPointOnTheCurveHasAVerificationKey()
    {
        assertThrows(IllegalArgumentException.class, () -> Signatures.verificationKey(null));
        assertThrows(IllegalArgumentException.class, () -> Signatures.verificationKey(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> Signatures.verificationKey(Signatures.verificationKey(key.publicKey())));
        final byte[] offCurve = new byte[33];
        Arrays.fill(offCurve, (byte)0xFF);
        offCurve[0] = 0x02;
        assertThrows(IllegalArgumentException.class, () -> Signatures.verificationKey(offCurve));
    }
}
