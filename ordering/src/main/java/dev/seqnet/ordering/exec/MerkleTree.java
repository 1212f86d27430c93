package dev.seqnet.ordering.exec;

import dev.seqnet.chain.crypto.Sha256;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A binary SHA-256 Merkle tree over a growable list of 32-byte leaves, updated incrementally: after
 * leaves change, only their paths to the root are rehashed, O(dirty × log n). The shape follows
 * rs_merkle (the rule of Citrea's transaction root): a parent is SHA-256(left ‖ right), a node without
 * a right sibling is carried up unchanged, a single leaf is its own root. Hand-written because the
 * state root is recomputed every block and must not rehash untouched accounts; nodes live in one flat
 * byte array per level, so updates allocate nothing once the arrays have grown.
 */
final class MerkleTree
{
    private static final int NODE = 32;
    private static final int MAX_LEVELS = 33;

    private final byte[][] levels = new byte[MAX_LEVELS][];
    private final MessageDigest digest = Sha256.newDigest();
    private int leafCount;
    private int[] work = new int[64];

    MerkleTree()
    {
        for (int i = 0; i < MAX_LEVELS; i++)
        {
            levels[i] = new byte[0];
        }
    }

    int leafCount()
    {
        return leafCount;
    }

    /**
     * Sets the number of leaves. Growing leaves new leaves to be written with {@link #leafArray()} and
     * then passed as dirty; shrinking requires the last remaining leaf (index {@code n − 1}) to be
     * passed as dirty, since its ancestors may have lost a right sibling.
     */
    void resize(final int n)
    {
        if (n < 0)
        {
            throw new IllegalArgumentException("negative leaf count");
        }
        leafCount = n;
        int size = n;
        for (int level = 0; size > 0; level++)
        {
            ensureCapacity(level, size);
            if (size == 1)
            {
                break;
            }
            size = (size + 1) >>> 1;
        }
    }

    /** The leaf array: leaf {@code i} occupies bytes {@code [32·i, 32·i + 32)}. */
    byte[] leafArray()
    {
        return levels[0];
    }

    /**
     * Rehashes the ancestors of the given leaves.
     *
     * @param dirty sorted, distinct leaf indices below {@link #leafCount()}; not modified.
     * @param count how many entries of {@code dirty} to use.
     */
    void update(final int[] dirty, final int count)
    {
        if (count == 0 || leafCount <= 1)
        {
            return;
        }
        if (work.length < count)
        {
            work = new int[Math.max(count, work.length * 2)];
        }
        final int[] idx = work;
        System.arraycopy(dirty, 0, idx, 0, count);
        int n = count;
        int size = leafCount;
        for (int level = 0; size > 1; level++)
        {
            final byte[] child = levels[level];
            final byte[] parent = levels[level + 1];
            int parents = 0;
            for (int i = 0; i < n; i++)
            {
                final int p = idx[i] >>> 1;
                if (parents == 0 || idx[parents - 1] != p)
                {
                    idx[parents++] = p;
                }
            }
            for (int i = 0; i < parents; i++)
            {
                final int p = idx[i];
                final int left = 2 * p;
                if (left + 1 < size)
                {
                    digest.update(child, left * NODE, 2 * NODE);
                    try
                    {
                        digest.digest(parent, p * NODE, NODE);
                    }
                    catch (final DigestException e)
                    {
                        throw new IllegalStateException(e);
                    }
                }
                else
                {
                    System.arraycopy(child, left * NODE, parent, p * NODE, NODE);
                }
            }
            n = parents;
            size = (size + 1) >>> 1;
        }
    }

    /** Copies the root into {@code out} at {@code offset}; the tree must have at least one leaf. */
    void root(final byte[] out, final int offset)
    {
        if (leafCount == 0)
        {
            throw new IllegalStateException("empty tree has no root");
        }
        int size = leafCount;
        int level = 0;
        while (size > 1)
        {
            size = (size + 1) >>> 1;
            level++;
        }
        System.arraycopy(levels[level], 0, out, offset, NODE);
    }

    private void ensureCapacity(final int level, final int nodes)
    {
        final byte[] current = levels[level];
        final long needed = (long)nodes * NODE;
        if (current.length < needed)
        {
            final long grown = Math.max(needed, Math.min((long)current.length * 2, Integer.MAX_VALUE - 8));
            if (grown > Integer.MAX_VALUE - 8)
            {
                throw new IllegalStateException("merkle level " + level + " too large: " + nodes + " nodes");
            }
            levels[level] = Arrays.copyOf(current, (int)grown);
        }
    }
}
