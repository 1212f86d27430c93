package dev.seqnet.chain.rlp;

import org.junit.jupiter.api.Test;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RlpWriter against web3j's RlpEncoder as the oracle. */
class RlpWriterTest
{
    @Test
    void encodesByteStringsOfEveryHeaderForm()
    {
        final Random random = new Random(3);
        for (final int length : new int[]{0, 1, 2, 55, 56, 255, 256, 1024, 65_535, 65_536, 70_000})
        {
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            assertArrayEquals(RlpEncoder.encode(RlpString.create(bytes)), new RlpWriter().bytes(bytes).toByteArray(), "length " + length);
        }
        for (int b = 0; b < 256; b++)
        {
            final byte[] single = {(byte)b};
            assertArrayEquals(RlpEncoder.encode(RlpString.create(single)), new RlpWriter().bytes(single).toByteArray(), "byte " + b);
        }
    }

    @Test
    void encodesLongsAsCanonicalIntegers()
    {
        final long[] values = {0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 5115, 1L << 55, Long.MAX_VALUE};
        for (final long value : values)
        {
            final byte[] expected = RlpEncoder.encode(RlpString.create(BigInteger.valueOf(value)));
            assertArrayEquals(expected, new RlpWriter().longValue(value).toByteArray(), "value " + value);

            final byte[] scratch = new byte[16];
            final int written = RlpWriter.writeLong(value, scratch, 3);
            assertEquals(expected.length, written);
            assertEquals(expected.length, RlpWriter.longLength(value));
            assertArrayEquals(expected, Arrays.copyOfRange(scratch, 3, 3 + written));
        }
        assertThrows(IllegalArgumentException.class, () -> new RlpWriter().longValue(-1));
    }

    @Test
    void encodesBigIntegers()
    {
        final BigInteger[] values = {BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(0x80), BigInteger.TWO.pow(63),
            BigInteger.TWO.pow(64).subtract(BigInteger.ONE), BigInteger.TWO.pow(255), BigInteger.TWO.pow(256).subtract(BigInteger.ONE)};
        for (final BigInteger value : values)
        {
            assertArrayEquals(RlpEncoder.encode(RlpString.create(value)), new RlpWriter().bigInteger(value).toByteArray(), "value " + value);
        }
        assertThrows(IllegalArgumentException.class, () -> new RlpWriter().bigInteger(BigInteger.ONE.negate()));
    }

    @Test
    void unsignedIntegerDropsLeadingZeros()
    {
        final byte[] padded = {0, 0, 0, 0x12, 0x34};
        assertArrayEquals(RlpEncoder.encode(RlpString.create(BigInteger.valueOf(0x1234))), new RlpWriter().unsignedInteger(padded, 0, 5).toByteArray());
        assertArrayEquals(new byte[]{(byte)0x80}, new RlpWriter().unsignedInteger(new byte[32], 0, 32).toByteArray());
        assertArrayEquals(new byte[]{0x05}, new RlpWriter().unsignedInteger(new byte[]{0, 5}, 0, 2).toByteArray());
    }

    @Test
    void encodesNestedListsIncludingLongForms()
    {
        final Random random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            final RlpWriter writer = new RlpWriter(16);
            final RlpType expected = randomTree(random, writer, 0);
            assertArrayEquals(RlpEncoder.encode(expected), writer.toByteArray(), "tree " + i);
        }
    }

    @Test
    void listHeadersMatchWeb3j()
    {
        for (final int length : new int[]{0, 1, 55, 56, 255, 256, 65_536})
        {
            // A list of `length` single bytes below 0x80 has exactly `length` bytes of content.
            final List<RlpType> items = new ArrayList<>();
            for (int i = 0; i < length; i++)
            {
                items.add(RlpString.create(new byte[]{1}));
            }
            final byte[] expected = RlpEncoder.encode(new RlpList(items));
            final byte[] scratch = new byte[8];
            final int written = RlpWriter.writeListHeader(length, scratch, 0);
            assertEquals(expected.length - length, written, "length " + length);
            assertEquals(written, RlpWriter.headerLength(length));
            assertArrayEquals(Arrays.copyOf(expected, written), Arrays.copyOf(scratch, written), "length " + length);
        }
    }

    @Test
    void unbalancedListsAreRejected()
    {
        assertThrows(IllegalStateException.class, () -> new RlpWriter().endList());
        assertThrows(IllegalStateException.class, () -> new RlpWriter().startList().toByteArray());
    }

    private static RlpType randomTree(final Random random, final RlpWriter writer, final int depth)
    {
        final int kind = depth > 3 ? random.nextInt(2) : random.nextInt(3);
        if (kind == 0)
        {
            final byte[] bytes = new byte[random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(3)];
            random.nextBytes(bytes);
            writer.bytes(bytes);
            return RlpString.create(bytes);
        }
        if (kind == 1)
        {
            final long value = random.nextBoolean() ? random.nextInt(300) : random.nextLong() & Long.MAX_VALUE;
            writer.longValue(value);
            return RlpString.create(BigInteger.valueOf(value));
        }
        writer.startList();
        final List<RlpType> items = new ArrayList<>();
        final int count = random.nextInt(8);
        for (int i = 0; i < count; i++)
        {
            items.add(randomTree(random, writer, depth + 1));
        }
        writer.endList();
        return new RlpList(items);
    }
}
