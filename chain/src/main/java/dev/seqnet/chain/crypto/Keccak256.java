package dev.seqnet.chain.crypto;

import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Keccak-256 (the pre-standard SHA-3 Ethereum uses) from BouncyCastle. One digest per thread, so
 * hashing allocates only its 32-byte result.
 */
public final class Keccak256
{
    private static final ThreadLocal<KeccakDigest> DIGEST = ThreadLocal.withInitial(() -> new KeccakDigest(256));

    private Keccak256()
    {
    }

    public static byte[] hash(final byte[] data)
    {
        return hash(data, 0, data.length);
    }

    public static byte[] hash(final byte[] data, final int offset, final int length)
    {
        final byte[] out = new byte[32];
        hash(data, offset, length, out, 0);
        return out;
    }

    public static void hash(final byte[] data, final int offset, final int length, final byte[] out, final int outOffset)
    {
        final KeccakDigest digest = DIGEST.get();
        digest.update(data, offset, length);
        digest.doFinal(out, outOffset);
    }
}
