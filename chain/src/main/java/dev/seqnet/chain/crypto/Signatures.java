package dev.seqnet.chain.crypto;

import fr.acinq.secp256k1.Secp256k1;

/**
 * Verification of sequencer signatures (secp256k1 ECDSA, 64-byte compact r‖s, 33-byte compressed
 * or 65-byte uncompressed key). It answers false for anything malformed so that a peer's bytes can
 * never raise an exception in the validation path.
 * <p>
 * Keys checked often (the members') should be passed uncompressed ({@link #verificationKey}):
 * libsecp256k1 then parses the point without the square root that decompression costs: 25.4
 * against 22.3 µs per check here ({@code ConsensusCodecBenchmark.signatureVerify} and
 * {@code signatureVerifyUncompressedKey}, secp256k1-kmp 0.23, 2-vCPU VM).
 */
public final class Signatures
{
    /** Length of an uncompressed key: 0x04 ‖ x ‖ y. */
    public static final int UNCOMPRESSED_KEY_LENGTH = 65;

    private static final Secp256k1 SECP256K1 = Secp256k1Library.get();

    private Signatures()
    {
    }

    /**
     * True when {@code sig64} is a valid low-s signature of {@code hash32} by the key; false for a
     * wrong length, a key not on the curve, r or s out of range, a high s or a plain mismatch.
     */
    public static boolean verify(final byte[] sig64, final byte[] hash32, final byte[] publicKey)
    {
        if (sig64 == null || sig64.length != SequencerKey.SIGNATURE_LENGTH ||
            hash32 == null || hash32.length != SequencerKey.PRIVATE_KEY_LENGTH || !wellFormedKey(publicKey))
        {
            return false;
        }
        try
        {
            return SECP256K1.verify(sig64, hash32, publicKey);
        }
        catch (final RuntimeException e)
        {
            // secp256k1-kmp throws Secp256k1Exception for a key that does not parse; malformed
            // input is an invalid signature, not an error.
            return false;
        }
    }

    /**
     * The 65-byte uncompressed form (0x04 ‖ x ‖ y) of a 33-byte compressed key, for keys that are
     * checked many times.
     *
     * @throws IllegalArgumentException if the key is not a compressed point on the curve.
     */
    public static byte[] verificationKey(final byte[] compressedPublicKey33)
    {
        if (compressedPublicKey33 == null || compressedPublicKey33.length != SequencerKey.PUBLIC_KEY_LENGTH ||
            (compressedPublicKey33[0] != 0x02 && compressedPublicKey33[0] != 0x03))
        {
            throw new IllegalArgumentException("not a 33-byte compressed secp256k1 key");
        }
        try
        {
            return SECP256K1.pubkeyParse(compressedPublicKey33);
        }
        catch (final RuntimeException e)
        {
            throw new IllegalArgumentException("not a point on secp256k1", e);
        }
    }

    private static boolean wellFormedKey(final byte[] key)
    {
        return key != null &&
            ((key.length == SequencerKey.PUBLIC_KEY_LENGTH && (key[0] == 0x02 || key[0] == 0x03)) ||
            (key.length == UNCOMPRESSED_KEY_LENGTH && key[0] == 0x04));
    }
}
