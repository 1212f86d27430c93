package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.crypto.Secp256k1Library;
import fr.acinq.secp256k1.Secp256k1;

import java.util.Arrays;

/**
 * secp256k1 pieces shared by {@link TxDecoder} and {@link TxSigner}: the curve-order range checks
 * on r and s (EIP-2), public-key recovery through libsecp256k1 (secp256k1-kmp JNI) and the
 * Ethereum address of a public key.
 */
final class EcdsaRecovery
{
    static final Secp256k1 SECP256K1 = Secp256k1Library.get();

    /** The curve order n, big-endian. */
    private static final byte[] N = Hex.decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

    /** n / 2 (rounded down), the largest s EIP-2 allows. */
    private static final byte[] HALF_N = Hex.decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");

    private static final byte[] ZERO = new byte[32];

    private EcdsaRecovery()
    {
    }

    /** True when the 32-byte big-endian scalar at {@code offset} is in [1, n-1]. */
    static boolean inRange(final byte[] scalar, final int offset)
    {
        return !Arrays.equals(scalar, offset, offset + 32, ZERO, 0, 32) &&
            Arrays.compareUnsigned(scalar, offset, offset + 32, N, 0, 32) < 0;
    }

    /** True when the 32-byte big-endian s at {@code offset} is above n/2 (malleable, EIP-2). */
    static boolean isHighS(final byte[] scalar, final int offset)
    {
        return Arrays.compareUnsigned(scalar, offset, offset + 32, HALF_N, 0, 32) > 0;
    }

    /**
     * Recovers the signer of {@code hash32} from the compact {@code sig64} (r ‖ s) and recovery id.
     *
     * @param scratch32 32 bytes the address hash is computed in (overwritten).
     * @return the address, or null when no public key recovers.
     */
    static Address recover(final byte[] sig64, final byte[] hash32, final int recoveryId, final byte[] scratch32)
    {
        final byte[] publicKey;
        try
        {
            publicKey = SECP256K1.ecdsaRecover(sig64, hash32, recoveryId);
        }
        catch (final RuntimeException ex)
        {
            // secp256k1-kmp reports an unrecoverable signature by throwing Secp256k1Exception.
            return null;
        }
        if (publicKey == null || publicKey.length != 65)
        {
            return null;
        }
        return address(publicKey, scratch32);
    }

    /** The address of a 65-byte uncompressed public key: the last 20 bytes of keccak(x ‖ y). */
    static Address address(final byte[] publicKey65, final byte[] scratch32)
    {
        Keccak256.hash(publicKey65, 1, 64, scratch32, 0);
        return Address.wrap(scratch32, 12);
    }
}
