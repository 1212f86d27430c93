package dev.seqnet.chain.rlp;

import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxRejection;

import java.math.BigInteger;

/**
 * A strict, offset-based RLP reader over a {@code byte[]} slice that accepts only canonical
 * encodings and rejects anything else with {@link TxRejection#MALFORMED_RLP}. Hand-written because
 * it decodes every transaction on the ingress hot path: library decoders (web3j's RlpDecoder)
 * allocate an object per item and accept non-canonical encodings, while this one allocates nothing
 * and is reusable per thread via {@link #wrap(byte[], int, int)}.
 * <p>
 * Strings are read as (offset, length) pairs into the wrapped array: {@link #readString()} returns
 * the length and leaves the content offset in {@link #itemOffset()}. Lists are entered with
 * {@link #enterList()}, which narrows the readable limit to the list's end, and left with
 * {@link #exitList(int)}, which requires the list to be consumed exactly. Not thread-safe.
 */
public final class RlpReader
{
    private static final String NON_CANONICAL_SINGLE_BYTE = "non-canonical: single byte below 0x80 wrapped in a string";
    private static final String NON_CANONICAL_LENGTH = "non-canonical: long form used for a length below 56";
    private static final String LENGTH_LEADING_ZERO = "non-canonical: length prefix with a leading zero";
    private static final String LENGTH_OVERRUN = "item length runs past the end of its enclosing list or input";
    private static final String INTEGER_LEADING_ZERO = "non-canonical integer: leading zero byte";
    private static final String EXPECTED_STRING = "expected a string, found a list";
    private static final String EXPECTED_LIST = "expected a list, found a string";
    private static final String LIST_NOT_CONSUMED = "list has trailing items";
    private static final String TRAILING_BYTES = "trailing bytes after the top-level item";
    private static final String UNEXPECTED_END = "unexpected end of input";

    private byte[] buffer;
    private int position;
    private int limit;
    private int itemOffset;

    /**
     * Points the reader at {@code length} bytes of {@code buffer} from {@code offset}, resetting
     * its position; returns this for chaining.
     */
    public RlpReader wrap(final byte[] buffer, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || offset + length > buffer.length || offset + length < 0)
        {
            throw new IndexOutOfBoundsException("slice [" + offset + ", +" + length + ") of " + buffer.length);
        }
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        this.itemOffset = offset;
        return this;
    }

    /** The wrapped array. */
    public byte[] buffer()
    {
        return buffer;
    }

    /** Offset of the next item's first (prefix) byte. */
    public int position()
    {
        return position;
    }

    /** End (exclusive) of the innermost entered list, or of the slice at top level. */
    public int limit()
    {
        return limit;
    }

    /** True while the innermost entered list (or the slice) has unread items. */
    public boolean hasRemaining()
    {
        return position < limit;
    }

    /** Offset of the content of the string last read by {@link #readString()} or its variants. */
    public int itemOffset()
    {
        return itemOffset;
    }

    /**
     * Reads a list header and narrows the limit to the list's end; the position moves to the first
     * item. Pass the returned value to {@link #exitList(int)} after reading the items.
     *
     * @return the enclosing limit to restore.
     */
    public int enterList() throws TxDecodeException
    {
        if (position >= limit)
        {
            throw malformed(UNEXPECTED_END);
        }
        final int prefix = buffer[position] & 0xFF;
        if (prefix < 0xC0)
        {
            throw malformed(EXPECTED_LIST);
        }
        final int contentLength;
        if (prefix <= 0xF7)
        {
            contentLength = prefix - 0xC0;
            position++;
        }
        else
        {
            contentLength = readLongLength(prefix - 0xF7);
        }
        if (contentLength > limit - position)
        {
            throw malformed(LENGTH_OVERRUN);
        }
        final int enclosingLimit = limit;
        limit = position + contentLength;
        return enclosingLimit;
    }

    /**
     * Leaves the current list, which must have been read to its end, and restores the enclosing
     * limit returned by {@link #enterList()}.
     */
    public void exitList(final int enclosingLimit) throws TxDecodeException
    {
        if (position != limit)
        {
            throw malformed(LIST_NOT_CONSUMED);
        }
        limit = enclosingLimit;
    }

    /**
     * Reads a byte string; its content starts at {@link #itemOffset()}.
     *
     * @return the content length.
     */
    public int readString() throws TxDecodeException
    {
        if (position >= limit)
        {
            throw malformed(UNEXPECTED_END);
        }
        final int prefix = buffer[position] & 0xFF;
        if (prefix < 0x80)
        {
            itemOffset = position;
            position++;
            return 1;
        }
        if (prefix >= 0xC0)
        {
            throw malformed(EXPECTED_STRING);
        }
        final int length;
        if (prefix <= 0xB7)
        {
            length = prefix - 0x80;
            position++;
            if (length == 1)
            {
                if (position >= limit)
                {
                    throw malformed(LENGTH_OVERRUN);
                }
                if ((buffer[position] & 0xFF) < 0x80)
                {
                    throw malformed(NON_CANONICAL_SINGLE_BYTE);
                }
            }
        }
        else
        {
            length = readLongLength(prefix - 0xB7);
        }
        if (length > limit - position)
        {
            throw malformed(LENGTH_OVERRUN);
        }
        itemOffset = position;
        position += length;
        return length;
    }

    /** Reads a string that must be exactly {@code expected} bytes long; returns its content offset. */
    public int readFixed(final int expected, final String what) throws TxDecodeException
    {
        final int length = readString();
        if (length != expected)
        {
            throw malformed(what + " must be " + expected + " bytes, was " + length);
        }
        return itemOffset;
    }

    /**
     * Reads a canonical unsigned integer (no leading zero byte; zero is the empty string) and
     * returns its content length, at most {@code maxBytes}; the content is at {@link #itemOffset()}.
     */
    public int readIntegerBytes(final int maxBytes) throws TxDecodeException
    {
        final int length = readString();
        if (length > 0 && buffer[itemOffset] == 0)
        {
            throw malformed(INTEGER_LEADING_ZERO);
        }
        if (length > maxBytes)
        {
            throw malformed("integer longer than " + maxBytes + " bytes");
        }
        return length;
    }

    /**
     * Reads a canonical unsigned integer of at most 32 bytes (a uint256) and returns it if it fits
     * in a non-negative long, or {@code -1} if it is larger.
     */
    public long readUInt256AsLong() throws TxDecodeException
    {
        final int length = readIntegerBytes(32);
        if (length > 8 || (length == 8 && buffer[itemOffset] < 0))
        {
            return -1;
        }
        return bigEndian(buffer, itemOffset, length);
    }

    /**
     * Reads a canonical unsigned integer that must fit in a non-negative long.
     *
     * @param what names the field in the rejection detail.
     */
    public long readLong(final String what) throws TxDecodeException
    {
        final int length = readString();
        if (length > 0 && buffer[itemOffset] == 0)
        {
            throw malformed(INTEGER_LEADING_ZERO);
        }
        if (length > 8 || (length == 8 && buffer[itemOffset] < 0))
        {
            throw malformed(what + " exceeds 2^63-1");
        }
        return bigEndian(buffer, itemOffset, length);
    }

    /** Reads a canonical unsigned integer of at most {@code maxBytes} bytes as a BigInteger. */
    public BigInteger readBigInteger(final int maxBytes) throws TxDecodeException
    {
        final int length = readIntegerBytes(maxBytes);
        if (length == 0)
        {
            return BigInteger.ZERO;
        }
        if (length < 8)
        {
            return BigInteger.valueOf(bigEndian(buffer, itemOffset, length));
        }
        return new BigInteger(1, buffer, itemOffset, length);
    }

    /** Skips one item of any kind, string or list, checking only its header. */
    public void skipItem() throws TxDecodeException
    {
        if (position >= limit)
        {
            throw malformed(UNEXPECTED_END);
        }
        if ((buffer[position] & 0xFF) >= 0xC0)
        {
            final int enclosing = enterList();
            position = limit;
            limit = enclosing;
        }
        else
        {
            readString();
        }
    }

    /** Requires the top-level slice to be fully consumed: no trailing bytes. */
    public void requireEnd() throws TxDecodeException
    {
        if (position != limit)
        {
            throw malformed(TRAILING_BYTES);
        }
    }

    private int readLongLength(final int lengthOfLength) throws TxDecodeException
    {
        // position is at the prefix byte; the length bytes follow it.
        final int start = position + 1;
        if (lengthOfLength > limit - start)
        {
            throw malformed(LENGTH_OVERRUN);
        }
        if (buffer[start] == 0)
        {
            throw malformed(LENGTH_LEADING_ZERO);
        }
        if (lengthOfLength > 4 || (lengthOfLength == 4 && buffer[start] < 0))
        {
            // More than 2^31-1 bytes can never fit in a Java array slice.
            throw malformed(LENGTH_OVERRUN);
        }
        final int length = (int)bigEndian(buffer, start, lengthOfLength);
        if (length < 56)
        {
            throw malformed(NON_CANONICAL_LENGTH);
        }
        position = start + lengthOfLength;
        return length;
    }

    /** Big-endian unsigned value of {@code length} (0..8) bytes. */
    public static long bigEndian(final byte[] src, final int offset, final int length)
    {
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            value = (value << 8) | (src[offset + i] & 0xFF);
        }
        return value;
    }

    private static TxDecodeException malformed(final String detail)
    {
        return new TxDecodeException(TxRejection.MALFORMED_RLP, detail);
    }
}
