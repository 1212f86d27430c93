package dev.seqnet.chain.rlp;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxRejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RlpReaderTest
{
    private final RlpReader reader = new RlpReader();

    @Test
    void readsWeb3jEncodedStringsOfEveryLength() throws Exception
    {
        final Random random = new Random(1);
        for (final int length : new int[]{0, 1, 2, 55, 56, 255, 256, 65_536})
        {
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            if (length == 1)
            {
                bytes[0] = (byte)0x90;
            }
            final byte[] encoded = RlpEncoder.encode(RlpString.create(bytes));
            reader.wrap(encoded, 0, encoded.length);
            assertEquals(length, reader.readString());
            assertArrayEquals(bytes, Arrays.copyOfRange(encoded, reader.itemOffset(), reader.itemOffset() + length));
            reader.requireEnd();
        }
    }

    @Test
    void readsSingleBytesBelow0x80AsThemselves() throws Exception
    {
        final byte[] encoded = {0x00, 0x7F};
        reader.wrap(encoded, 0, 2);
        assertEquals(1, reader.readString());
        assertEquals(0, reader.itemOffset());
        assertEquals(1, reader.readString());
        assertEquals(1, reader.itemOffset());
        reader.requireEnd();
    }

    @Test
    void readsWeb3jEncodedIntegers() throws Exception
    {
        final BigInteger[] values = {BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(127), BigInteger.valueOf(128),
            BigInteger.valueOf(5115), BigInteger.valueOf(Long.MAX_VALUE)};
        for (final BigInteger value : values)
        {
            final byte[] encoded = RlpEncoder.encode(RlpString.create(value));
            assertEquals(value.longValue(), reader.wrap(encoded, 0, encoded.length).readLong("x"));
            assertEquals(value.longValue(), reader.wrap(encoded, 0, encoded.length).readUInt256AsLong());
            assertEquals(value, reader.wrap(encoded, 0, encoded.length).readBigInteger(32));
        }
        final BigInteger big = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
        final byte[] encoded = RlpEncoder.encode(RlpString.create(big));
        assertEquals(big, reader.wrap(encoded, 0, encoded.length).readBigInteger(32));
        assertEquals(-1, reader.wrap(encoded, 0, encoded.length).readUInt256AsLong());
        final byte[] twoTo63 = RlpEncoder.encode(RlpString.create(BigInteger.TWO.pow(63)));
        assertEquals(-1, reader.wrap(twoTo63, 0, twoTo63.length).readUInt256AsLong());
        assertMalformed(() -> reader.wrap(twoTo63, 0, twoTo63.length).readLong("gas"));
    }

    @Test
    void integersLongerThanAllowedAreMalformed()
    {
        final byte[] thirtyThree = RlpEncoder.encode(RlpString.create(BigInteger.TWO.pow(256)));
        assertMalformed(() -> reader.wrap(thirtyThree, 0, thirtyThree.length).readUInt256AsLong());
        assertMalformed(() -> reader.wrap(thirtyThree, 0, thirtyThree.length).readBigInteger(32));
    }

    @Test
    void readsNestedWeb3jLists() throws Exception
    {
        final byte[] longString = new byte[70];
        final byte[] encoded = RlpEncoder.encode(new RlpList(
            RlpString.create(1),
            new RlpList(RlpString.create(longString), new RlpList()),
            RlpString.create(new byte[]{(byte)0xAA, (byte)0xBB})));

        reader.wrap(encoded, 0, encoded.length);
        final int top = reader.enterList();
        assertEquals(1, reader.readLong("a"));
        final int inner = reader.enterList();
        assertEquals(70, reader.readString());
        final int empty = reader.enterList();
        assertFalse(reader.hasRemaining());
        reader.exitList(empty);
        reader.exitList(inner);
        assertEquals(reader.itemOffset() + 70 + 1, reader.position()); // the 70 bytes, then the empty list 0xc0
        assertEquals(0xAABB, reader.readLong("c"));
        assertFalse(reader.hasRemaining());
        reader.exitList(top);
        reader.requireEnd();
    }

    @Test
    void skipItemSkipsStringsAndLists() throws Exception
    {
        final byte[] encoded = RlpEncoder.encode(new RlpList(
            new RlpList(RlpString.create(new byte[100]), RlpString.create(5)), RlpString.create(new byte[60]), RlpString.create(9)));
        reader.wrap(encoded, 0, encoded.length);
        final int top = reader.enterList();
        reader.skipItem();
        reader.skipItem();
        assertEquals(9, reader.readLong("last"));
        reader.exitList(top);
        reader.requireEnd();
    }

    @Test
    void readsWithinASliceOfALargerArray() throws Exception
    {
        final byte[] buffer = Hex.decode("ffff" + "c3010203" + "ffff");
        reader.wrap(buffer, 2, 4);
        final int top = reader.enterList();
        assertEquals(1, reader.readLong("a"));
        assertEquals(2, reader.readLong("b"));
        assertEquals(3, reader.readLong("c"));
        reader.exitList(top);
        reader.requireEnd();
        assertThrows(IndexOutOfBoundsException.class, () -> reader.wrap(buffer, 5, 4));
    }

    @Test
    void wrappedSingleByteIsMalformed()
    {
        assertMalformed(() -> read("8105"));
        assertMalformed(() -> read("8100"));
        assertMalformed(() -> read("817f"));
    }

    @Test
    void longFormForShortLengthIsMalformed()
    {
        // 5-byte string with the long-form header 0xb8 0x05.
        assertMalformed(() -> read("b805" + "0102030405"));
        // 55 bytes, the largest short-form length, in long form.
        assertMalformed(() -> read("b837" + "01".repeat(55)));
        assertMalformed(() -> readList("f803" + "010203"));
    }

    @Test
    void lengthWithLeadingZeroIsMalformed()
    {
        assertMalformed(() -> read("b90038" + "01".repeat(56)));
        assertMalformed(() -> readList("f90038" + "01".repeat(56)));
    }

    @Test
    void lengthsPastTheEndAreMalformed()
    {
        assertMalformed(() -> read("83010203".substring(0, 6)));
        assertMalformed(() -> read("81"));
        assertMalformed(() -> read("b8"));
        assertMalformed(() -> read("b838" + "01".repeat(55)));
        assertMalformed(() -> readList("c3" + "0102"));
        assertMalformed(() -> readList("bbffffffff"));
        assertMalformed(() -> read("bcffffffffff"));
    }

    @Test
    void itemOverrunningItsListIsMalformedEvenIfTheInputHasTheBytes()
    {
        // The list says 2 bytes of content but its string needs 4.
        final byte[] encoded = Hex.decode("c283010203");
        reader.wrap(encoded, 0, encoded.length);
        assertMalformed(() ->
        {
            reader.enterList();
            reader.readString();
        });
    }

    @Test
    void leadingZeroIntegerIsMalformed()
    {
        assertMalformed(() -> reader.wrap(Hex.decode("820001"), 0, 3).readLong("nonce"));
        assertMalformed(() -> reader.wrap(Hex.decode("00"), 0, 1).readLong("nonce"));
        assertMalformed(() -> reader.wrap(Hex.decode("00"), 0, 1).readUInt256AsLong());
        assertMalformed(() -> reader.wrap(Hex.decode("820001"), 0, 3).readBigInteger(32));
        assertMalformed(() -> reader.wrap(Hex.decode("820001"), 0, 3).readIntegerBytes(32));
    }

    @Test
    void trailingBytesAreMalformed() throws Exception
    {
        reader.wrap(Hex.decode("0102"), 0, 2);
        reader.readString();
        assertTrue(reader.hasRemaining());
        assertMalformed(reader::requireEnd);
    }

    @Test
    void unreadListItemsAreMalformed()
    {
        assertMalformed(() ->
        {
            reader.wrap(Hex.decode("c20102"), 0, 3);
            final int top = reader.enterList();
            reader.readString();
            reader.exitList(top);
        });
    }

    @Test
    void kindMismatchesAreMalformed()
    {
        assertMalformed(() -> reader.wrap(Hex.decode("c0"), 0, 1).readString());
        assertMalformed(() -> reader.wrap(Hex.decode("80"), 0, 1).enterList());
        assertMalformed(() -> reader.wrap(Hex.decode("05"), 0, 1).enterList());
        assertMalformed(() -> reader.wrap(new byte[0], 0, 0).readString());
        assertMalformed(() -> reader.wrap(new byte[0], 0, 0).enterList());
    }

    @Test
    void readFixedRequiresTheExactLength() throws Exception
    {
        final byte[] twenty = RlpEncoder.encode(RlpString.create(new byte[20]));
        assertEquals(1, reader.wrap(twenty, 0, twenty.length).readFixed(20, "address"));
        assertMalformed(() -> reader.wrap(twenty, 0, twenty.length).readFixed(32, "key"));
    }

    private void read(final String hex) throws TxDecodeException
    {
        final byte[] bytes = Hex.decode(hex);
        reader.wrap(bytes, 0, bytes.length);
        reader.readString();
        reader.requireEnd();
    }

    private void readList(final String hex) throws TxDecodeException
    {
        final byte[] bytes = Hex.decode(hex);
        reader.wrap(bytes, 0, bytes.length);
        final int top = reader.enterList();
        while (reader.hasRemaining())
        {
            reader.skipItem();
        }
        reader.exitList(top);
        reader.requireEnd();
    }

    private static void assertMalformed(final Executable executable)
    {
        final TxDecodeException ex = assertThrows(TxDecodeException.class, executable);
        assertEquals(TxRejection.MALFORMED_RLP, ex.reason());
    }
}
