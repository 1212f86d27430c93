package dev.seqnet.chain.crypto;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SequencerKey against web3j (BouncyCastle ECDSA, RFC 6979 + low-s) as an independent oracle. */
class SequencerKeyTest
{
    private static final byte[] PRIVATE_KEY =
        Hex.decode("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    private static final byte[] HASH =
        Hex.decode("0xaf1dee894786c304604a039b041463c9ab8defb393403ea03cf2c85b1eb8cbfd");
    /** The secp256k1 group order n. */
    private static final BigInteger N =
        new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

    @Test
    void signatureIsByteForByteWeb3jsRfc6979LowS()
    {
        final byte[] sig = SequencerKey.fromPrivateKey(PRIVATE_KEY).sign(HASH);

        final Sign.SignatureData expected = Sign.signMessage(HASH, ECKeyPair.create(PRIVATE_KEY), false);
        assertEquals(64, sig.length);
        assertArrayEquals(expected.getR(), java.util.Arrays.copyOfRange(sig, 0, 32));
        assertArrayEquals(expected.getS(), java.util.Arrays.copyOfRange(sig, 32, 64));
    }

    @Test
    void signaturesOfRandomKeysAndHashesMatchWeb3jAndAreLowS()
    {
        final Random random = new Random(42);
        for (int i = 0; i < 25; i++)
        {
            final SequencerKey key = SequencerKey.generate(new SecureRandom());
            final byte[] hash = new byte[32];
            random.nextBytes(hash);

            final byte[] sig = key.sign(hash);
            final Sign.SignatureData expected = Sign.signMessage(hash, ECKeyPair.create(key.privateKey()), false);
            assertArrayEquals(expected.getR(), java.util.Arrays.copyOfRange(sig, 0, 32), "r of case " + i);
            assertArrayEquals(expected.getS(), java.util.Arrays.copyOfRange(sig, 32, 64), "s of case " + i);
            final BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
            assertTrue(s.compareTo(N.shiftRight(1)) <= 0, "low s");
            assertTrue(Signatures.verify(sig, hash, key.publicKey()));
        }
    }

    @Test
    void signingIsDeterministic()
    {
        final SequencerKey key = SequencerKey.fromPrivateKey(PRIVATE_KEY);
        assertArrayEquals(key.sign(HASH), key.sign(HASH));
    }

    @Test
    void publicKeyIsCompressedSec1OfWeb3jsPoint()
    {
        final BigInteger point = Sign.publicKeyFromPrivate(new BigInteger(1, PRIVATE_KEY));
        final byte[] xy = toFixed(point, 64);
        final byte[] expected = new byte[33];
        expected[0] = (byte)((xy[63] & 1) == 0 ? 0x02 : 0x03);
        System.arraycopy(xy, 0, expected, 1, 32);

        assertArrayEquals(expected, SequencerKey.fromPrivateKey(PRIVATE_KEY).publicKey());
    }

    @Test
    void addressIsWeb3jsAddress()
    {
        final SequencerKey key = SequencerKey.fromPrivateKey(PRIVATE_KEY);
        final String expected = "0x" + Keys.getAddress(ECKeyPair.create(PRIVATE_KEY));

        assertEquals(expected, key.address().toHex());
        // The well-known address of this key (web3.js / ethers documentation example).
        assertEquals(Address.fromHex("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"), key.address());
        assertEquals(key.address(), SequencerKey.publicKeyAddress(key.publicKey()));
    }

    @Test
    void publicKeyAddressRejectsMalformedKeys()
    {
        final byte[] pub = SequencerKey.fromPrivateKey(PRIVATE_KEY).publicKey();
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.publicKeyAddress(null));
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.publicKeyAddress(new byte[32]));
        final byte[] wrongPrefix = pub.clone();
        wrongPrefix[0] = 0x04;
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.publicKeyAddress(wrongPrefix));
        final byte[] xBeyondP = new byte[33];
        java.util.Arrays.fill(xBeyondP, (byte)0xFF);
        xBeyondP[0] = 0x02;
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.publicKeyAddress(xBeyondP));
    }

    @Test
    void fromPrivateKeyRejectsScalarsOutsideTheGroup()
    {
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.fromPrivateKey(null));
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.fromPrivateKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.fromPrivateKey(new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.fromPrivateKey(toFixed(N, 32)));
        assertThrows(IllegalArgumentException.class, () -> SequencerKey.fromPrivateKey(toFixed(N.add(BigInteger.ONE), 32)));
        // n - 1 is the largest valid scalar.
        assertEquals(32, SequencerKey.fromPrivateKey(toFixed(N.subtract(BigInteger.ONE), 32)).privateKey().length);
    }

    @Test
    void signRejectsAnythingButA32ByteHash()
    {
        final SequencerKey key = SequencerKey.fromPrivateKey(PRIVATE_KEY);
        assertThrows(IllegalArgumentException.class, () -> key.sign(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> key.sign(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> key.sign(null));
    }

    @Test
    void keyDoesNotLeakThroughAccessorsOrToString()
    {
        final SequencerKey key = SequencerKey.fromPrivateKey(PRIVATE_KEY);
        key.privateKey()[0] ^= 1;
        key.publicKey()[1] ^= 1;
        assertArrayEquals(PRIVATE_KEY, key.privateKey());
        assertEquals(key.address(), SequencerKey.publicKeyAddress(key.publicKey()));
        assertFalse(key.toString().contains(Hex.encodeBare(PRIVATE_KEY)));
    }

    @Test
    void generatedKeysDiffer()
    {
        final SecureRandom random = new SecureRandom();
        assertNotEquals(SequencerKey.generate(random).address(), SequencerKey.generate(random).address());
    }

    private static byte[] toFixed(final BigInteger value, final int length)
    {
        final byte[] bytes = value.toByteArray();
        final byte[] out = new byte[length];
        final int copy = Math.min(bytes.length, length);
        System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
        return out;
    }
}
