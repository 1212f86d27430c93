package dev.seqnet.chain.block;

import dev.seqnet.chain.crypto.Sha256;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.List;

/**
 * The transaction merkle root of an L2 block, with rs_merkle's rule as Citrea uses it: leaves are
 * 32-byte digests in block order, a parent is SHA-256(left ‖ right), a node without a right sibling
 * is carried up unchanged, one leaf is its own root and an empty block has {@link #EMPTY_TX_ROOT}.
 * Hand-written because it runs over every transaction of every block: the tree is reduced in
 * place in one array, so a root costs one allocation besides the result.
 */
public final class TxMerkle
{
    private static final int DIGEST_LENGTH = 32;

    private static final byte[] EMPTY_ROOT = Sha256.hash("citrea".getBytes(StandardCharsets.US_ASCII));

    /**
     * SHA-256("citrea"), the root of a block without transactions. Arrays cannot be frozen: this
     * copy is for callers; the computations here use a private one, so writing to it breaks nothing.
     */
    public static final byte[] EMPTY_TX_ROOT = EMPTY_ROOT.clone();

    private TxMerkle()
    {
    }

    /** The empty-block root, as a fresh copy nobody else holds. */
    public static byte[] emptyRoot()
    {
        return EMPTY_ROOT.clone();
    }

    /**
     * Root over 32-byte leaf digests.
     *
     * @throws IllegalArgumentException if a leaf is not 32 bytes.
     */
    public static byte[] root(final List<byte[]> leafDigests)
    {
        final int n = leafDigests.size();
        if (n == 0)
        {
            return EMPTY_ROOT.clone();
        }
        final byte[] nodes = new byte[n * DIGEST_LENGTH];
        for (int i = 0; i < n; i++)
        {
            final byte[] leaf = leafDigests.get(i);
            if (leaf == null || leaf.length != DIGEST_LENGTH)
            {
                throw new IllegalArgumentException("leaf " + i + " is not a 32-byte digest");
            }
            System.arraycopy(leaf, 0, nodes, i * DIGEST_LENGTH, DIGEST_LENGTH);
        }
        return reduce(nodes, n);
    }

    /** Root over the SHA-256 digests of raw transaction bytes, in block order. */
    public static byte[] rootOfRawTxs(final List<byte[]> rawTxs)
    {
        final int n = rawTxs.size();
        if (n == 0)
        {
            return EMPTY_ROOT.clone();
        }
        final byte[] nodes = new byte[n * DIGEST_LENGTH];
        final MessageDigest digest = Sha256.digest();
        for (int i = 0; i < n; i++)
        {
            digest.update(rawTxs.get(i));
            finish(digest, nodes, i * DIGEST_LENGTH);
        }
        return reduce(nodes, n);
    }

    /**
     * Reduces {@code count} packed digests level by level: node i of the next level overwrites
     * slot i, which is never read again because slots 2i and 2i+1 are consumed first.
     */
    static byte[] reduce(final byte[] nodes, final int count)
    {
        final MessageDigest digest = Sha256.digest();
        int n = count;
        while (n > 1)
        {
            final int pairs = n >>> 1;
            for (int i = 0; i < pairs; i++)
            {
                digest.update(nodes, 2 * i * DIGEST_LENGTH, 2 * DIGEST_LENGTH);
                finish(digest, nodes, i * DIGEST_LENGTH);
            }
            if ((n & 1) != 0)
            {
                System.arraycopy(nodes, (n - 1) * DIGEST_LENGTH, nodes, pairs * DIGEST_LENGTH, DIGEST_LENGTH);
            }
            n = pairs + (n & 1);
        }
        final byte[] root = new byte[DIGEST_LENGTH];
        System.arraycopy(nodes, 0, root, 0, DIGEST_LENGTH);
        return root;
    }

    private static void finish(final MessageDigest digest, final byte[] dst, final int offset)
    {
        try
        {
            digest.digest(dst, offset, DIGEST_LENGTH);
        }
        catch (final DigestException e)
        {
            throw new IllegalStateException("SHA-256 output always fits 32 bytes", e);
        }
    }
}
