package dev.seqnet.ordering;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** Test oracle: the rs_merkle root recomputed from scratch, level by level, with a fresh digest. */
public final class NaiveMerkle
{
    private NaiveMerkle()
    {
    }

    public static byte[] sha256(final byte[]... parts)
    {
        try
        {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (final byte[] p : parts)
            {
                d.update(p);
            }
            return d.digest();
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new AssertionError(e);
        }
    }

    public static byte[] root(final List<byte[]> leaves)
    {
        if (leaves.isEmpty())
        {
            return sha256();
        }
        List<byte[]> level = leaves;
        while (level.size() > 1)
        {
            final List<byte[]> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2)
            {
                next.add(i + 1 < level.size() ? sha256(level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = next;
        }
        return level.get(0);
    }
}
