package dev.seqnet.chain.crypto;

import dev.seqnet.chain.Address;
import fr.acinq.secp256k1.Secp256k1;
import fr.acinq.secp256k1.Secp256k1Exception;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A sequencer member's secp256k1 key pair (libsecp256k1 through secp256k1-kmp JNI). It signs L2
 * block hashes as Citrea's sequencer does: ECDSA with RFC 6979 nonces, low-s, 64-byte compact r‖s.
 */
public final class SequencerKey
{
    /** Length of a private scalar, of a signed hash and of r and s. */
    public static final int PRIVATE_KEY_LENGTH = 32;

    /** Length of a compressed SEC1 public key. */
    public static final int PUBLIC_KEY_LENGTH = 33;

    /** Length of a compact r‖s signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final Secp256k1 SECP256K1 = Secp256k1Library.get();

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final Address address;

    private SequencerKey(final byte[] privateKey)
    {
        this.privateKey = privateKey;
        final byte[] uncompressed = SECP256K1.pubkeyCreate(privateKey);
        this.publicKey = SECP256K1.pubKeyCompress(uncompressed);
        this.address = uncompressedAddress(uncompressed);
    }

    /** A fresh key from {@code random}; scalars outside [1, n) are redrawn. */
    public static SequencerKey generate(final SecureRandom random)
    {
        final byte[] d = new byte[PRIVATE_KEY_LENGTH];
        do
        {
            random.nextBytes(d);
        }
        while (!SECP256K1.secKeyVerify(d));
        return new SequencerKey(d);
    }

    /**
     * The key with private scalar {@code d32} (big-endian).
     *
     * @throws IllegalArgumentException unless it is 32 bytes and in [1, n).
     */
    public static SequencerKey fromPrivateKey(final byte[] d32)
    {
        if (d32 == null || d32.length != PRIVATE_KEY_LENGTH)
        {
            throw new IllegalArgumentException("private key must be 32 bytes");
        }
        final byte[] d = d32.clone();
        if (!SECP256K1.secKeyVerify(d))
        {
            throw new IllegalArgumentException("private key is not a valid secp256k1 scalar");
        }
        return new SequencerKey(d);
    }

    /**
     * The Ethereum-style address of a compressed public key: the last 20 bytes of the Keccak-256
     * of the uncompressed point without its 0x04 prefix.
     *
     * @throws IllegalArgumentException unless it is a valid 33-byte compressed key.
     */
    public static Address publicKeyAddress(final byte[] compressedPublicKey)
    {
        if (compressedPublicKey == null || compressedPublicKey.length != PUBLIC_KEY_LENGTH ||
            (compressedPublicKey[0] != 0x02 && compressedPublicKey[0] != 0x03))
        {
            throw new IllegalArgumentException("public key must be 33-byte compressed SEC1");
        }
        final byte[] uncompressed;
        try
        {
            uncompressed = SECP256K1.pubkeyParse(compressedPublicKey);
        }
        catch (final Secp256k1Exception e)
        {
            throw new IllegalArgumentException("public key is not on secp256k1", e);
        }
        return uncompressedAddress(uncompressed);
    }

    private static Address uncompressedAddress(final byte[] uncompressed65)
    {
        final byte[] digest = Keccak256.hash(uncompressed65, 1, 64);
        return Address.wrap(digest, 32 - Address.LENGTH);
    }

    /** A copy of the 32-byte private scalar. */
    public byte[] privateKey()
    {
        return privateKey.clone();
    }

    /** A copy of the 33-byte compressed SEC1 public key. */
    public byte[] publicKey()
    {
        return publicKey.clone();
    }

    public Address address()
    {
        return address;
    }

    /**
     * Signs a 32-byte hash: deterministic RFC 6979 nonce, low-s normalised by libsecp256k1.
     *
     * @return 64 bytes r‖s.
     */
    public byte[] sign(final byte[] hash32)
    {
        if (hash32 == null || hash32.length != PRIVATE_KEY_LENGTH)
        {
            throw new IllegalArgumentException("can only sign a 32-byte hash");
        }
        return SECP256K1.sign(hash32, privateKey, null);
    }

    /** Equal when the private keys are equal (compared in constant time). */
    @Override
    public boolean equals(final Object o)
    {
        return this == o ||
            (o instanceof SequencerKey && java.security.MessageDigest.isEqual(privateKey, ((SequencerKey)o).privateKey));
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(publicKey);
    }

    /** Names the address only: the private key never reaches a log. */
    @Override
    public String toString()
    {
        return "SequencerKey[" + address + "]";
    }
}
