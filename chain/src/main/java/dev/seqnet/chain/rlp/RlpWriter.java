package dev.seqnet.chain.rlp;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Canonical RLP encoder into a growable buffer: byte strings, unsigned integers (longs and
 * BigIntegers) and nested lists. Used to build transactions for signing (off the hot path); the
 * static {@code write…} helpers encode headers and integers straight into a caller's scratch array
 * for the decoder's allocation-free signing hash. Not thread-safe; reusable after {@link #reset()}.
 */
public final class RlpWriter
{
    private static final int MAX_NESTING = 32;

    private byte[] buffer;
    private int position;
    private final int[] listStarts = new int[MAX_NESTING];
    private int depth;

    public RlpWriter()
    {
        this(256);
    }

    public RlpWriter(final int initialCapacity)
    {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    /** Discards everything written. */
    public RlpWriter reset()
    {
        position = 0;
        depth = 0;
        return this;
    }

    /** Bytes written so far. */
    public int length()
    {
        return position;
    }

    /** Appends one byte verbatim, not RLP-encoded (e.g. an EIP-2718 type prefix). */
    public RlpWriter rawByte(final int b)
    {
        ensure(1);
        buffer[position++] = (byte)b;
        return this;
    }

    /** Appends already-encoded RLP verbatim. */
    public RlpWriter raw(final byte[] src, final int offset, final int length)
    {
        ensure(length);
        System.arraycopy(src, offset, buffer, position, length);
        position += length;
        return this;
    }

    /** Encodes a byte string. */
    public RlpWriter bytes(final byte[] src)
    {
        return bytes(src, 0, src.length);
    }

    /** Encodes {@code length} bytes of {@code src} from {@code offset} as a byte string. */
    public RlpWriter bytes(final byte[] src, final int offset, final int length)
    {
        if (length == 1 && (src[offset] & 0xFF) < 0x80)
        {
            return rawByte(src[offset]);
        }
        ensure(9 + length);
        position += writeHeader(0x80, length, buffer, position);
        System.arraycopy(src, offset, buffer, position, length);
        position += length;
        return this;
    }

    /** Encodes a non-negative long as a canonical integer (zero is the empty string). */
    public RlpWriter longValue(final long value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException("RLP integers are unsigned, got " + value);
        }
        ensure(9);
        position += writeLong(value, buffer, position);
        return this;
    }

    /** Encodes a non-negative BigInteger as a canonical integer. */
    public RlpWriter bigInteger(final BigInteger value)
    {
        if (value.signum() < 0)
        {
            throw new IllegalArgumentException("RLP integers are unsigned, got " + value);
        }
        if (value.bitLength() < 64)
        {
            return longValue(value.longValue());
        }
        final byte[] twosComplement = value.toByteArray();
        final int skip = twosComplement[0] == 0 ? 1 : 0;
        return bytes(twosComplement, skip, twosComplement.length - skip);
    }

    /**
     * Encodes big-endian unsigned bytes as a canonical integer, dropping leading zero bytes (used
     * for signature r and s).
     */
    public RlpWriter unsignedInteger(final byte[] src, final int offset, final int length)
    {
        int start = offset;
        final int end = offset + length;
        while (start < end && src[start] == 0)
        {
            start++;
        }
        return bytes(src, start, end - start);
    }

    /** Opens a list; close it with {@link #endList()}. Lists nest up to 32 deep. */
    public RlpWriter startList()
    {
        if (depth == MAX_NESTING)
        {
            throw new IllegalStateException("lists nested deeper than " + MAX_NESTING);
        }
        listStarts[depth++] = position;
        return this;
    }

    /** Closes the innermost open list, inserting its header before the content. */
    public RlpWriter endList()
    {
        if (depth == 0)
        {
            throw new IllegalStateException("endList without startList");
        }
        final int start = listStarts[--depth];
        final int contentLength = position - start;
        final int headerLength = headerLength(contentLength);
        ensure(headerLength);
        System.arraycopy(buffer, start, buffer, start + headerLength, contentLength);
        writeHeader(0xC0, contentLength, buffer, start);
        position += headerLength;
        return this;
    }

    /** A copy of the bytes written; every opened list must have been closed. */
    public byte[] toByteArray()
    {
        if (depth != 0)
        {
            throw new IllegalStateException(depth + " list(s) still open");
        }
        return Arrays.copyOf(buffer, position);
    }

    /** Length of the header of a string or list whose content is {@code contentLength} bytes. */
    public static int headerLength(final int contentLength)
    {
        return contentLength < 56 ? 1 : 1 + byteLength(contentLength);
    }

    /**
     * Writes the header of a list with {@code contentLength} bytes of content at {@code offset}.
     *
     * @return the bytes written (1 to 5).
     */
    public static int writeListHeader(final int contentLength, final byte[] dst, final int offset)
    {
        return writeHeader(0xC0, contentLength, dst, offset);
    }

    /**
     * Writes a non-negative long as a canonical RLP integer at {@code offset}.
     *
     * @return the bytes written (1 to 9).
     */
    public static int writeLong(final long value, final byte[] dst, final int offset)
    {
        if (value == 0)
        {
            dst[offset] = (byte)0x80;
            return 1;
        }
        if (value < 0x80)
        {
            dst[offset] = (byte)value;
            return 1;
        }
        final int n = byteLength(value);
        dst[offset] = (byte)(0x80 + n);
        writeBigEndian(value, n, dst, offset + 1);
        return 1 + n;
    }

    /** Encoded length of a non-negative long as a canonical RLP integer. */
    public static int longLength(final long value)
    {
        return value < 0x80 ? 1 : 1 + byteLength(value);
    }

    private static int writeHeader(final int base, final int contentLength, final byte[] dst, final int offset)
    {
        if (contentLength < 56)
        {
            dst[offset] = (byte)(base + contentLength);
            return 1;
        }
        final int n = byteLength(contentLength);
        dst[offset] = (byte)(base + 55 + n);
        writeBigEndian(contentLength, n, dst, offset + 1);
        return 1 + n;
    }

    private static int byteLength(final long value)
    {
        return (64 - Long.numberOfLeadingZeros(value) + 7) >>> 3;
    }

    private static void writeBigEndian(final long value, final int n, final byte[] dst, final int offset)
    {
        for (int i = 0; i < n; i++)
        {
            dst[offset + i] = (byte)(value >>> (8 * (n - 1 - i)));
        }
    }

    private void ensure(final int extra)
    {
        final int needed = position + extra;
        if (needed > buffer.length)
        {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
    }
}
