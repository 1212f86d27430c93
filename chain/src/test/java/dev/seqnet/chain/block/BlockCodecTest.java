package dev.seqnet.chain.block;

import dev.seqnet.chain.ChainConstants;
import dev.seqnet.codecs.L2BlockDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static dev.seqnet.chain.block.BlockFixtures.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** SBE round trips, and hostile frames that must end in BlockCodecException and nothing else. */
class BlockCodecTest
{
    /** Message header 8 + fixed block 240 + group header 4. */
    private static final int EMPTY_BLOCK_LENGTH = 252;
    private static final int TX_OVERHEAD = 24;

    private final BlockCodec codec = new BlockCodec();

    @Test
    void roundTripsEmptyBlock() throws BlockCodecException
    {
        final L2Block block = BlockFixtures.sealed(0, 11);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final int length = codec.encode(block, buffer, 0);

        assertEquals(EMPTY_BLOCK_LENGTH, length);
        assertEquals(length, BlockCodec.encodedLength(block));
        final L2Block decoded = codec.decode(buffer, 0, length);
        assertEquals(block, decoded);
        assertEquals(0, decoded.txCount());
        assertNull(BlockVerifier.verify(decoded, block.header().prevHash(), 0, KEY.publicKey()));
    }

    @Test
    void roundTripsOneTxBlockAtAnOffset() throws BlockCodecException
    {
        final L2Block block = BlockFixtures.sealed(1, 12);
        final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64);
        final int length = codec.encode(block, buffer, 37);

        assertEquals(EMPTY_BLOCK_LENGTH + TX_OVERHEAD + block.rawTxLength(0), length);
        final L2Block decoded = codec.decode(buffer, 37, length);
        assertEquals(block, decoded);
        assertEquals(block.sender(0), decoded.sender(0));
        assertNull(BlockVerifier.verify(decoded, block.header().prevHash(), 0, KEY.publicKey()));
    }

    @Test
    void roundTrips1000TxBlockReusingTheBuffer() throws BlockCodecException
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
        for (int seed = 0; seed < 3; seed++)
        {
            final L2Block block = BlockFixtures.sealed(1000, 100 + seed);
            final int length = codec.encode(block, buffer, 0);
            assertEquals(BlockCodec.encodedLength(block), length);

            final L2Block decoded = codec.decode(buffer, 0, length);
            assertEquals(block, decoded);
            assertEquals(1000, decoded.txCount());
            for (int i = 0; i < 1000; i++)
            {
                assertEquals(block.sender(i), decoded.sender(i));
            }
            assertNull(BlockVerifier.verify(decoded, block.header().prevHash(), 0, KEY.publicKey()));
        }
    }

    @Test
    void roundTripsExtremeValuesAndMaxSizeTx() throws BlockCodecException
    {
        final Random random = new Random(5);
        final List<byte[]> txs = List.of(BlockFixtures.randomTxs(random, 1, ChainConstants.MAX_TX_SIZE, ChainConstants.MAX_TX_SIZE).get(0), new byte[0]);
        final L2Header header = new L2Header(-1L, L2HeaderTest.seq(0), L2HeaderTest.seq(1),
            java.math.BigInteger.ONE.shiftLeft(128).subtract(java.math.BigInteger.ONE), TxMerkle.rootOfRawTxs(txs), -2L);
        final L2Block block = BlockSealer.seal(header, KEY, -3L, Long.MIN_VALUE, txs, BlockFixtures.randomSenders(random, 2));
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = codec.encode(block, buffer, 0);

        assertEquals(block, codec.decode(buffer, 0, length));
        assertEquals(-1L, codec.decodeHeight(buffer, 0, length));
    }

    @Test
    void wireLayoutIsLittleEndianSbe()
    {
        final L2Block block = BlockFixtures.sealed(2, 0x0102);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        codec.encode(block, buffer, 0);

        assertEquals(240, buffer.getShort(0, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, buffer.getShort(2, ByteOrder.LITTLE_ENDIAN));
        assertEquals(5115, buffer.getShort(4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x0102, buffer.getLong(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(block.header().timestamp(), buffer.getLong(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(block.header().l1FeeRateHi(), buffer.getLong(24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(block.header().l1FeeRateLo(), buffer.getLong(32, ByteOrder.LITTLE_ENDIAN));
        assertEquals(20, buffer.getShort(248, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2, buffer.getShort(250, ByteOrder.LITTLE_ENDIAN));
        assertEquals(block.rawTxLength(0), buffer.getInt(252 + 20, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void decodeHeightPeeks() throws BlockCodecException
    {
        final L2Block block = BlockFixtures.sealed(3, 4242);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = codec.encode(block, buffer, 0);
        assertEquals(4242, codec.decodeHeight(buffer, 0, length));
        assertThrows(BlockCodecException.class, () -> codec.decodeHeight(buffer, 0, 100));
    }

    /** The bytes after the prefix are still in the buffer: only {@code length} may stop the reader. */
    @Test
    void everyTruncatedPrefixIsABlockCodecException()
    {
        final L2Block block = BlockFixtures.sealed(3, 77);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = codec.encode(block, buffer, 0);
        for (int prefix = 0; prefix < length; prefix++)
        {
            expectCodecException(buffer, 0, prefix, "prefix " + prefix);
        }
    }

    @Test
    void trailingBytesAreRejected()
    {
        final L2Block block = BlockFixtures.sealed(1, 78);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = codec.encode(block, buffer, 0);
        expectCodecException(buffer, 0, length + 1, "one trailing byte");
    }

    @Test
    void wrongTemplateIdOrSchemaId()
    {
        final ExpandableArrayBuffer buffer = encoded(BlockFixtures.sealed(1, 79));
        final int length = BlockCodec.encodedLength(BlockFixtures.sealed(1, 79));

        buffer.putShort(2, (short)2, ByteOrder.LITTLE_ENDIAN);
        assertTrue(expectCodecException(buffer, 0, length, "template 2").getMessage().contains("template id 2"));
        buffer.putShort(2, (short)L2BlockDecoder.TEMPLATE_ID, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(4, (short)1, ByteOrder.LITTLE_ENDIAN);
        assertTrue(expectCodecException(buffer, 0, length, "schema 1").getMessage().contains("schema id 1"));
    }

    @Test
    void shortBlockLengthIsRejected()
    {
        final L2Block block = BlockFixtures.sealed(1, 80);
        final ExpandableArrayBuffer buffer = encoded(block);
        buffer.putShort(0, (short)239, ByteOrder.LITTLE_ENDIAN);
        expectCodecException(buffer, 0, BlockCodec.encodedLength(block), "block length 239");
    }

    @Test
    void oversizedDeclaredTxLengthIsRejectedBeforeAllocation()
    {
        final L2Block block = BlockFixtures.sealed(2, 81);
        final int length = BlockCodec.encodedLength(block);
        final int rawLengthAt = EMPTY_BLOCK_LENGTH + 20;

        final ExpandableArrayBuffer buffer = encoded(block);
        buffer.putInt(rawLengthAt, ChainConstants.MAX_TX_SIZE + 1, ByteOrder.LITTLE_ENDIAN);
        assertTrue(expectCodecException(buffer, 0, length, "MAX_TX_SIZE + 1").getMessage().contains("MAX_TX_SIZE"));
        buffer.putInt(rawLengthAt, -1, ByteOrder.LITTLE_ENDIAN);
        assertTrue(expectCodecException(buffer, 0, length, "u32 max").getMessage().contains("4294967295"));
        buffer.putInt(rawLengthAt, Integer.MIN_VALUE, ByteOrder.LITTLE_ENDIAN);
        expectCodecException(buffer, 0, length, "2^31");
    }

    @Test
    void declaredTxLengthBeyondTheFrameIsRejected()
    {
        final L2Block block = BlockFixtures.sealed(2, 82);
        final ExpandableArrayBuffer buffer = encoded(block);
        final int rawLengthAt = EMPTY_BLOCK_LENGTH + 20;
        buffer.putInt(rawLengthAt, block.rawTxLength(0) + 1000, ByteOrder.LITTLE_ENDIAN);
        expectCodecException(buffer, 0, BlockCodec.encodedLength(block), "raw length + 1000");
    }

    @Test
    void hugeTxCountInASmallFrameIsRejected()
    {
        final L2Block block = BlockFixtures.sealed(1, 83);
        final ExpandableArrayBuffer buffer = encoded(block);
        final int length = BlockCodec.encodedLength(block);
        buffer.putShort(250, (short)65534, ByteOrder.LITTLE_ENDIAN);
        expectCodecException(buffer, 0, length, "count 65534");
        buffer.putShort(250, (short)0xFFFF, ByteOrder.LITTLE_ENDIAN);
        expectCodecException(buffer, 0, length, "count null value");
        buffer.putShort(250, (short)1, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(248, (short)19, ByteOrder.LITTLE_ENDIAN);
        expectCodecException(buffer, 0, length, "entry length 19");
    }

    @Test
    void frameOutsideTheBufferIsRejected()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[300]);
        expectCodecException(buffer, 0, 301, "longer than capacity");
        expectCodecException(buffer, -1, 10, "negative offset");
        expectCodecException(buffer, 0, -1, "negative length");
        expectCodecException(buffer, 200, Integer.MAX_VALUE, "overflowing end");
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException()
    {
        final L2Block block = BlockFixtures.sealed(4, 84);
        final int length = BlockCodec.encodedLength(block);
        final ExpandableArrayBuffer clean = encoded(block);
        final Random random = new Random(9);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(length + 64);
        for (int round = 0; round < 20_000; round++)
        {
            buffer.putBytes(0, clean, 0, length);
            final int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++)
            {
                // Bias towards the header, the group header and the first length prefixes.
                final int at = random.nextBoolean() ? random.nextInt(length) : random.nextInt(Math.min(length, 300));
                buffer.putByte(at, (byte)random.nextInt(256));
            }
            final int frame = random.nextInt(8) == 0 ? random.nextInt(length + 1) : length;
            try
            {
                codec.decode(buffer, 0, frame);
            }
            catch (final BlockCodecException expected)
            {
                // fine: rejected with a reason
            }
            catch (final Throwable t)
            {
                fail("round " + round + " escaped with " + t);
            }
        }
    }

    @Test
    void encodeIntoATooSmallFixedBufferWritesNothing()
    {
        final L2Block block = BlockFixtures.sealed(2, 85);
        final UnsafeBuffer small = new UnsafeBuffer(new byte[EMPTY_BLOCK_LENGTH]);
        assertThrows(IndexOutOfBoundsException.class, () -> codec.encode(block, small, 0));
        for (int i = 0; i < EMPTY_BLOCK_LENGTH; i++)
        {
            assertEquals(0, small.getByte(i));
        }
    }

    @Test
    void codecInstanceIsReusableAfterAFailedDecode() throws BlockCodecException
    {
        final L2Block block = BlockFixtures.sealed(5, 86);
        final ExpandableArrayBuffer buffer = encoded(block);
        final int length = BlockCodec.encodedLength(block);
        expectCodecException(buffer, 0, length - 1, "truncated");
        assertEquals(block, codec.decode(buffer, 0, length));
    }

    private ExpandableArrayBuffer encoded(final L2Block block)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        codec.encode(block, buffer, 0);
        return buffer;
    }

    private BlockCodecException expectCodecException(
        final org.agrona.DirectBuffer buffer, final int offset, final int length, final String what)
    {
        try
        {
            final L2Block decoded = codec.decode(buffer, offset, length);
            fail(what + ": decoded " + decoded);
            return null;
        }
        catch (final BlockCodecException e)
        {
            return e;
        }
        catch (final Throwable t)
        {
            throw new AssertionError(what + ": expected BlockCodecException, got " + t, t);
        }
    }

}
