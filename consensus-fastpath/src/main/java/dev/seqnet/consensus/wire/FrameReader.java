package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;
import dev.seqnet.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * A bounds-checked cursor over one SBE frame {@code [offset, offset + length)} of a peer's bytes.
 * Hand-written because the generated decoders check only the buffer's capacity, not the frame: each
 * read here first checks the frame end; a read that does not fit marks the reader failed and returns
 * zero, so decoders check {@link #ok()} once at the end instead of after every field. Field order
 * and widths follow {@code seqnet-schema.xml}; the round-trip tests pin them against the generated
 * encoders. One instance per thread: {@link #wrap} resets it.
 */
final class FrameReader
{
    static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    static final int GROUP_HEADER_LENGTH = 4;
    static final int VAR_DATA_HEADER_LENGTH = 4;

    private static final byte[] EMPTY = new byte[0];

    private DirectBuffer buffer;
    private int position;
    private int end;
    private boolean failed;

    /** Starts reading a frame; a frame outside the buffer leaves the reader failed. */
    FrameReader wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        if (buffer == null || offset < 0 || length < 0 || (long)offset + length > buffer.capacity())
        {
            position = 0;
            end = 0;
            failed = true;
        }
        else
        {
            position = offset;
            end = offset + length;
            failed = false;
        }
        return this;
    }

    /** The template id of a frame at least one header long, or −1. Does not move the cursor. */
    static int templateId(final DirectBuffer buffer, final int offset, final int length)
    {
        if (buffer == null || offset < 0 || length < HEADER_LENGTH || (long)offset + length > buffer.capacity())
        {
            return -1;
        }
        return u16At(buffer, offset + 2);
    }

    /**
     * Reads the message header and checks it is exactly {@code templateId} of this schema and version
     * with the expected block length (this version's closed network has no other).
     */
    boolean header(final int templateId, final int blockLength)
    {
        if (!fits(HEADER_LENGTH))
        {
            return false;
        }
        final boolean match = u16At(buffer, position) == blockLength &&
            u16At(buffer, position + 2) == templateId &&
            u16At(buffer, position + 4) == MessageHeaderDecoder.SCHEMA_ID &&
            u16At(buffer, position + 6) == MessageHeaderDecoder.SCHEMA_VERSION;
        position += HEADER_LENGTH;
        if (!match)
        {
            failed = true;
        }
        return match;
    }

    int u8()
    {
        if (!fits(1))
        {
            return 0;
        }
        return buffer.getByte(position++) & 0xFF;
    }

    int u16()
    {
        if (!fits(2))
        {
            return 0;
        }
        final int v = u16At(buffer, position);
        position += 2;
        return v;
    }

    long u64()
    {
        if (!fits(8))
        {
            return 0;
        }
        final long v = buffer.getLong(position, ByteOrder.LITTLE_ENDIAN);
        position += 8;
        return v;
    }

    /** Fills {@code dst} from the frame (left as is when it does not fit). */
    void bytes(final byte[] dst)
    {
        if (fits(dst.length))
        {
            buffer.getBytes(position, dst);
            position += dst.length;
        }
    }

    /** Fills {@code dst[dstOffset .. dstOffset + length)} from the frame (left as is when it does not fit). */
    void bytes(final byte[] dst, final int dstOffset, final int length)
    {
        if (fits(length))
        {
            buffer.getBytes(position, dst, dstOffset, length);
            position += length;
        }
    }

    byte[] bytes(final int length)
    {
        if (!fits(length))
        {
            return new byte[length];
        }
        final byte[] dst = new byte[length];
        buffer.getBytes(position, dst);
        position += length;
        return dst;
    }

    Hash32 hash()
    {
        return fits(Hash32.LENGTH) ? Hash32.wrap(bytes(Hash32.LENGTH)) : Hash32.ZERO;
    }

    /**
     * Reads a group header whose entries have exactly {@code entryLength} fixed bytes and at least
     * {@code minEntryLength} bytes in all (fixed plus var-data headers); returns the count, or −1 when
     * the count exceeds {@code maxCount} or the entries cannot fit in the rest of the frame (so a
     * hostile count never sizes an allocation).
     */
    int group(final int entryLength, final int minEntryLength, final int maxCount)
    {
        if (!fits(GROUP_HEADER_LENGTH))
        {
            return -1;
        }
        final int blockLength = u16At(buffer, position);
        final int count = u16At(buffer, position + 2);
        position += GROUP_HEADER_LENGTH;
        if (blockLength != entryLength || count > maxCount || (long)count * minEntryLength > end - position)
        {
            failed = true;
            return -1;
        }
        return count;
    }

    /** Reads a u32-length var data of at most {@code maxLength} bytes; null (and failed) otherwise. */
    byte[] varData(final int maxLength)
    {
        final int length = varDataLength(maxLength);
        if (length < 0)
        {
            return null;
        }
        if (length == 0)
        {
            return EMPTY;
        }
        return bytes(length);
    }

    /**
     * Reads a var-data header of at most {@code maxLength} bytes whose data fits in the frame and
     * leaves the cursor on the data; returns the length or −1 (failed).
     */
    int varDataLength(final int maxLength)
    {
        if (!fits(VAR_DATA_HEADER_LENGTH))
        {
            return -1;
        }
        final long length = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        position += VAR_DATA_HEADER_LENGTH;
        if (length > maxLength || length > end - position)
        {
            failed = true;
            return -1;
        }
        return (int)length;
    }

    /** Skips {@code length} bytes already checked to fit. */
    void skip(final int length)
    {
        if (fits(length))
        {
            position += length;
        }
    }

    DirectBuffer buffer()
    {
        return buffer;
    }

    int position()
    {
        return position;
    }

    /** Marks the frame bad (a field value out of range). */
    void fail()
    {
        failed = true;
    }

    /** True when no read failed so far. */
    boolean ok()
    {
        return !failed;
    }

    /** True when every read fitted and the frame ends exactly here (no trailing bytes). */
    boolean complete()
    {
        return !failed && position == end;
    }

    private boolean fits(final int length)
    {
        if (failed || length < 0 || end - position < length)
        {
            failed = true;
            return false;
        }
        return true;
    }

    private static int u16At(final DirectBuffer buffer, final int index)
    {
        return (buffer.getByte(index) & 0xFF) | (buffer.getByte(index + 1) & 0xFF) << 8;
    }
}
