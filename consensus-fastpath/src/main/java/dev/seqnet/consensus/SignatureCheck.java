package dev.seqnet.consensus;

import dev.seqnet.chain.crypto.Signatures;

/**
 * Verifies one 64-byte compact secp256k1 signature over a 32-byte digest with a 33-byte compressed
 * or 65-byte uncompressed key (members' keys are passed uncompressed: {@link Member#verificationKey()}). A seam so verifiers can be given another implementation (for instance one that counts
 * calls); it must answer false, never throw, for malformed input.
 */
@FunctionalInterface
public interface SignatureCheck
{
    /** libsecp256k1 through {@link Signatures#verify}: RFC 6979 ECDSA, low-s only. */
    SignatureCheck SECP256K1 = Signatures::verify;

    /** True when {@code sig64} is {@code publicKey}'s valid signature of {@code digest32}. */
    boolean verify(byte[] sig64, byte[] digest32, byte[] publicKey);
}
