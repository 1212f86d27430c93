package dev.seqnet.ordering.exec;

import dev.seqnet.ordering.NaiveMerkle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class MerkleTreeTest
{
    @Test
    void incrementalRootMatchesFullRecomputationWhileGrowingUpdatingAndShrinking()
    {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final MerkleTree tree = new MerkleTree();
        final List<byte[]> model = new ArrayList<>();
        try
        {
            for (int round = 0; round < 400; round++)
            {
                final TreeSet<Integer> dirty = new TreeSet<>();
                final int op = rnd.nextInt(10);
                if (op < 6 || model.isEmpty())
                {
                    final int grow = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 40);
                    for (int i = 0; i < grow; i++)
                    {
                        dirty.add(model.size());
                        model.add(randomNode(rnd));
                    }
                }
                else if (op < 8)
                {
                    final int newSize = rnd.nextInt(model.size());
                    while (model.size() > newSize)
                    {
                        model.remove(model.size() - 1);
                    }
                    if (newSize > 0)
                    {
                        dirty.add(newSize - 1);
                    }
                }
                final int updates = model.isEmpty() ? 0 : rnd.nextInt(5);
                for (int i = 0; i < updates; i++)
                {
                    final int idx = rnd.nextInt(model.size());
                    model.set(idx, randomNode(rnd));
                    dirty.add(idx);
                }

                tree.resize(model.size());
                for (final int idx : dirty)
                {
                    System.arraycopy(model.get(idx), 0, tree.leafArray(), idx * 32, 32);
                }
                final int[] d = dirty.stream().mapToInt(Integer::intValue).toArray();
                tree.update(d, d.length);
                if (!model.isEmpty())
                {
                    final byte[] root = new byte[32];
                    tree.root(root, 0);
                    assertArrayEquals(NaiveMerkle.root(model), root, "round " + round + " size " + model.size());
                }
            }
        }
        catch (final AssertionError e)
        {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    @Test
    void knownShapes()
    {
        final byte[] a = NaiveMerkle.sha256(new byte[]{1});
        final byte[] b = NaiveMerkle.sha256(new byte[]{2});
        final byte[] c = NaiveMerkle.sha256(new byte[]{3});
        final MerkleTree tree = new MerkleTree();
        tree.resize(3);
        System.arraycopy(a, 0, tree.leafArray(), 0, 32);
        System.arraycopy(b, 0, tree.leafArray(), 32, 32);
        System.arraycopy(c, 0, tree.leafArray(), 64, 32);
        tree.update(new int[]{0, 1, 2}, 3);
        final byte[] root = new byte[32];
        tree.root(root, 0);
        // rs_merkle: the odd node c is carried up, not duplicated
        assertArrayEquals(NaiveMerkle.sha256(NaiveMerkle.sha256(a, b), c), root);

        tree.resize(1);
        tree.update(new int[]{0}, 1);
        tree.root(root, 0);
        assertArrayEquals(a, root);
    }

    private static byte[] randomNode(final Random rnd)
    {
        final byte[] b = new byte[32];
        rnd.nextBytes(b);
        return b;
    }
}
