package dev.seqnet.chain.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 from the JDK (SHA-NI intrinsics where the CPU has them); one digest per thread. */
public final class Sha256
{
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

    private Sha256()
    {
    }

    public static MessageDigest newDigest()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** The calling thread's digest, reset; callers must finish with {@code digest()}. */
    public static MessageDigest digest()
    {
        final MessageDigest d = DIGEST.get();
        d.reset();
        return d;
    }

    public static byte[] hash(final byte[] data)
    {
        return digest().digest(data);
    }

    public static byte[] hash(final byte[] data, final int offset, final int length)
    {
        final MessageDigest d = digest();
        d.update(data, offset, length);
        return d.digest();
    }

    /** SHA-256(left ‖ right), the parent rule of the transaction merkle tree. */
    public static byte[] hashPair(final byte[] left, final byte[] right)
    {
        final MessageDigest d = digest();
        d.update(left);
        d.update(right);
        return d.digest();
    }
}
