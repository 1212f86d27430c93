package dev.seqnet.chain.block;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Sha256;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Roots computed with this Python 3 script implementing rs_merkle's rule (pairs hashed, an odd last
 * node carried up unchanged), leaves = sha256(b"tx%d" % i):
 * <pre>
 * def root(leaves):
 *     if not leaves: return hashlib.sha256(b"citrea").digest()
 *     lvl = list(leaves)
 *     while len(lvl) > 1:
 *         nxt = [hashlib.sha256(lvl[i] + lvl[i + 1]).digest() for i in range(0, len(lvl) - 1, 2)]
 *         if len(lvl) % 2: nxt.append(lvl[-1])
 *         lvl = nxt
 *     return lvl[0]
 * </pre>
 */
class TxMerkleTest
{
    private static final String EMPTY = "0xb9388352ddd59e59f67a208cbebab3cd6b23f962a9032efe7858cd840138aa27";
    private static final String[] ROOTS = {
        EMPTY,
        "0x95cd603fe577fa9548ec0c9b50b067566fe07c8af6acba45f6196f3a15d511f6",
        "0x9db4d4c69f3d7236f4de569987d746845d8d85250703351226c5a3cdaf1f66ea",
        "0x720d8a7c24cd365e24ce1e5eb99410715bb1d17a906712ea8b8cbfe6e9726405",
        null,
        "0x069ebc1c02937f0a6d6157146496a5bcd068f5cb5795cf9b3cdac911374830de",
        null,
        "0x8b68ccf5f69232eee363abf3f52da77449cfd5426267d03f9fbc774d7a64b24f",
    };

    private static List<byte[]> rawTxs(final int n)
    {
        final List<byte[]> txs = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            txs.add(("tx" + i).getBytes(StandardCharsets.US_ASCII));
        }
        return txs;
    }

    private static List<byte[]> leaves(final List<byte[]> rawTxs)
    {
        final List<byte[]> leaves = new ArrayList<>();
        for (final byte[] raw : rawTxs)
        {
            leaves.add(Sha256.hash(raw));
        }
        return leaves;
    }

    /** python3 -c "import hashlib; print(hashlib.sha256(b'citrea').hexdigest())" */
    @Test
    void emptyRootIsSha256OfCitrea()
    {
        assertEquals(EMPTY, Hex.encode(TxMerkle.EMPTY_TX_ROOT));
        assertEquals(EMPTY, Hex.encode(TxMerkle.emptyRoot()));
        assertEquals(EMPTY, Hex.encode(TxMerkle.root(List.of())));
        assertEquals(EMPTY, Hex.encode(TxMerkle.rootOfRawTxs(List.of())));
    }

    @Test
    void rootsMatchPythonVectors()
    {
        for (final int n : new int[] {0, 1, 2, 3, 5, 7})
        {
            assertEquals(ROOTS[n], Hex.encode(TxMerkle.rootOfRawTxs(rawTxs(n))), "raw, n=" + n);
            assertEquals(ROOTS[n], Hex.encode(TxMerkle.root(leaves(rawTxs(n)))), "leaves, n=" + n);
        }
    }

    @Test
    void oneLeafIsItsOwnRoot()
    {
        final byte[] leaf = Sha256.hash("tx0".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(leaf, TxMerkle.root(List.of(leaf)));
    }

    @Test
    void inPlaceReductionAgreesWithARecursiveDefinitionUpTo130Leaves()
    {
        final Random random = new Random(7);
        for (int n = 1; n <= 130; n++)
        {
            final List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                final byte[] leaf = new byte[32];
                random.nextBytes(leaf);
                leaves.add(leaf);
            }
            assertArrayEquals(recursiveRoot(leaves), TxMerkle.root(leaves), "n=" + n);
        }
    }

    @Test
    void inputIsNotModified()
    {
        final List<byte[]> leaves = leaves(rawTxs(5));
        final List<byte[]> copy = new ArrayList<>();
        leaves.forEach(l -> copy.add(l.clone()));
        TxMerkle.root(leaves);
        for (int i = 0; i < 5; i++)
        {
            assertArrayEquals(copy.get(i), leaves.get(i));
        }
    }

    @Test
    void rejectsLeavesThatAreNotDigests()
    {
        assertThrows(IllegalArgumentException.class, () -> TxMerkle.root(List.of(new byte[32], new byte[31])));
    }

    /** The rule, written as a fresh list per level: an independent statement of rs_merkle's shape. */
    private static byte[] recursiveRoot(final List<byte[]> level)
    {
        if (level.size() == 1)
        {
            return level.get(0);
        }
        final List<byte[]> next = new ArrayList<>();
        for (int i = 0; i + 1 < level.size(); i += 2)
        {
            final byte[] both = new byte[64];
            System.arraycopy(level.get(i), 0, both, 0, 32);
            System.arraycopy(level.get(i + 1), 0, both, 32, 32);
            next.add(Sha256.hash(both));
        }
        if (level.size() % 2 == 1)
        {
            next.add(level.get(level.size() - 1));
        }
        return recursiveRoot(next);
    }
}
