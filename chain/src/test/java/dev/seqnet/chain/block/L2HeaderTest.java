package dev.seqnet.chain.block;

import dev.seqnet.chain.Hex;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Header hash vectors computed with Python 3 hashlib, independently of this code. */
class L2HeaderTest
{
    static byte[] seq(final int from)
    {
        final byte[] b = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            b[i] = (byte)(from + i);
        }
        return b;
    }

    static byte[] filled(final int value)
    {
        final byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte)value);
        return b;
    }

    /**
     * python3 -c "import hashlib; E=hashlib.sha256(b'citrea').digest(); print(hashlib.sha256(
     * (1).to_bytes(8,'big')+bytes(32)+bytes([0x11])*32+(1000).to_bytes(16,'big')+E+
     * (1700000000).to_bytes(8,'big')).hexdigest())"
     */
    @Test
    void hashOfAnOrdinaryHeader()
    {
        final L2Header header = new L2Header(
            1, new byte[32], filled(0x11), BigInteger.valueOf(1000), TxMerkle.EMPTY_TX_ROOT.clone(), 1_700_000_000L);

        assertEquals("0x7b7434e858baf79ab977a1c603c8defbc1fe342c0db720dd61b7593504638fc3", Hex.encode(header.hash()));
    }

    /**
     * Every field at its unsigned extreme, so sign handling shows.
     * python3 -c "import hashlib; print(hashlib.sha256((2**64-1).to_bytes(8,'big')+bytes(range(32))+
     * bytes(range(32,64))+(2**127+12345).to_bytes(16,'big')+bytes(range(64,96))+
     * (2**63+5).to_bytes(8,'big')).hexdigest())"
     */
    @Test
    void hashOfAHeaderWithUnsignedExtremes()
    {
        final BigInteger feeRate = BigInteger.ONE.shiftLeft(127).add(BigInteger.valueOf(12345));
        final L2Header header = new L2Header(-1L, seq(0), seq(32), feeRate, seq(64), Long.MIN_VALUE + 5);

        assertEquals("0x4f522a2fa0490ccc150c9ba1794474765a984609810260adda9a88a00b0beab7", Hex.encode(header.hash()));
        assertEquals(feeRate, header.l1FeeRate());
        assertEquals(Long.MIN_VALUE, header.l1FeeRateHi());
        assertEquals(12345L, header.l1FeeRateLo());
    }

    @Test
    void encodeForHashIsTheBigEndianConcatenation()
    {
        final L2Header header = new L2Header(
            0x0102030405060708L, seq(0), seq(32), new BigInteger("0a0b0c0d0e0f101112131415161718ff", 16), seq(64), 0x2122232425262728L);
        final byte[] in = header.encodeForHash();

        assertEquals(128, in.length);
        assertEquals("0x0102030405060708", Hex.encode(in, 0, 8));
        assertArrayEquals(seq(0), java.util.Arrays.copyOfRange(in, 8, 40));
        assertArrayEquals(seq(32), java.util.Arrays.copyOfRange(in, 40, 72));
        assertEquals("0x0a0b0c0d0e0f101112131415161718ff", Hex.encode(in, 72, 16));
        assertArrayEquals(seq(64), java.util.Arrays.copyOfRange(in, 88, 120));
        assertEquals("0x2122232425262728", Hex.encode(in, 120, 8));
    }

    @Test
    void feeRateMustBeAU128()
    {
        final BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        assertEquals(max, new L2Header(1, seq(0), seq(0), max, seq(0), 1).l1FeeRate());
        assertEquals(BigInteger.ZERO, new L2Header(1, seq(0), seq(0), BigInteger.ZERO, seq(0), 1).l1FeeRate());
        assertThrows(IllegalArgumentException.class,
            () -> new L2Header(1, seq(0), seq(0), max.add(BigInteger.ONE), seq(0), 1));
        assertThrows(IllegalArgumentException.class,
            () -> new L2Header(1, seq(0), seq(0), BigInteger.valueOf(-1), seq(0), 1));
        assertThrows(IllegalArgumentException.class, () -> new L2Header(1, seq(0), seq(0), null, seq(0), 1));
    }

    @Test
    void digestFieldsMustBe32Bytes()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new L2Header(1, new byte[31], seq(0), BigInteger.ONE, seq(0), 1));
        assertThrows(IllegalArgumentException.class,
            () -> new L2Header(1, seq(0), new byte[33], BigInteger.ONE, seq(0), 1));
        assertThrows(IllegalArgumentException.class,
            () -> new L2Header(1, seq(0), seq(0), BigInteger.ONE, null, 1));
    }

    @Test
    void isImmutable()
    {
        final byte[] prev = seq(0);
        final L2Header header = new L2Header(7, prev, seq(32), BigInteger.TEN, seq(64), 9);
        final byte[] before = header.hash();

        prev[0] ^= 1;
        header.prevHash()[0] ^= 1;
        header.hash()[0] ^= 1;

        assertArrayEquals(seq(0), header.prevHash());
        assertArrayEquals(before, header.hash());
        assertArrayEquals(before, new L2Header(7, seq(0), seq(32), BigInteger.TEN, seq(64), 9).hash());
    }

    @Test
    void everyFieldChangesTheHash()
    {
        final L2Header base = new L2Header(7, seq(0), seq(32), BigInteger.TEN, seq(64), 9);
        final L2Header[] variants = {
            new L2Header(8, seq(0), seq(32), BigInteger.TEN, seq(64), 9),
            new L2Header(7, seq(1), seq(32), BigInteger.TEN, seq(64), 9),
            new L2Header(7, seq(0), seq(33), BigInteger.TEN, seq(64), 9),
            new L2Header(7, seq(0), seq(32), BigInteger.TEN.shiftLeft(64), seq(64), 9),
            new L2Header(7, seq(0), seq(32), BigInteger.TEN, seq(65), 9),
            new L2Header(7, seq(0), seq(32), BigInteger.TEN, seq(64), 10),
        };
        for (final L2Header v : variants)
        {
            assertNotEquals(Hex.encode(base.hash()), Hex.encode(v.hash()), v.toString());
            assertNotEquals(base, v);
        }
        assertEquals(base, new L2Header(7, seq(0), seq(32), BigInteger.TEN, seq(64), 9));
        assertTrue(base.hashEquals(base.hash()));
    }
}
