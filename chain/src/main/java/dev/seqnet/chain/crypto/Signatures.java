package dev.seqnet.chain.crypto;

import fr.acinq.secp256k1.Secp256k1;

/**
 * Verification of sequencer signatures (secp256k1 ECDSA, 64-byte compact r‖s, 33-byte compressed
 * key). It answers false for anything malformed so that a peer's bytes can never raise an
 * exception in the validation path.
 */
public final class Signatures
{
    private static final Secp256k1 SECP256K1 = Secp256k1.get();

    private Signatures()
    {
    }

    /**
     * True when {@code sig64} is a valid low-s signature of {@code hash32} by the key; false for a
     * wrong length, a key not on the curve, r or s out of range, a high s or a plain mismatch.
     */
    public static boolean verify(final byte[] sig64, final byte[] hash32, final byte[] compressedPublicKey33)
    {
        if (sig64 == null || sig64.length != SequencerKey.SIGNATURE_LENGTH ||
            hash32 == null || hash32.length != SequencerKey.PRIVATE_KEY_LENGTH ||
            compressedPublicKey33 == null || compressedPublicKey33.length != SequencerKey.PUBLIC_KEY_LENGTH ||
            (compressedPublicKey33[0] != 0x02 && compressedPublicKey33[0] != 0x03))
        {
            return false;
        }
        try
        {
            return SECP256K1.verify(sig64, hash32, compressedPublicKey33);
        }
        catch (final RuntimeException e)
        {
            // secp256k1-kmp throws Secp256k1Exception for a key that does not parse; malformed
            // input is an invalid signature, not an error.
            return false;
        }
    }
}
