package dev.seqnet.chain;

/**
 * Lower-case hex with the {@code 0x} prefix Ethereum JSON-RPC uses. Hand-written because it sits on
 * the RPC path for every transaction and block and needs no allocation beyond its result.
 */
public final class Hex
{
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex()
    {
    }

    public static String encode(final byte[] bytes)
    {
        return encode(bytes, 0, bytes.length);
    }

    public static String encode(final byte[] bytes, final int offset, final int length)
    {
        final char[] out = new char[2 + 2 * length];
        out[0] = '0';
        out[1] = 'x';
        for (int i = 0; i < length; i++)
        {
            final int b = bytes[offset + i] & 0xFF;
            out[2 + 2 * i] = DIGITS[b >>> 4];
            out[3 + 2 * i] = DIGITS[b & 0xF];
        }
        return new String(out);
    }

    /** Hex without prefix, as used in file names and logs. */
    public static String encodeBare(final byte[] bytes)
    {
        return encode(bytes).substring(2);
    }

    /**
     * Decodes hex with or without {@code 0x}; odd lengths are rejected rather than padded so that a
     * truncated transaction never decodes as a different one.
     *
     * @throws IllegalArgumentException naming the problem.
     */
    public static byte[] decode(final String hex)
    {
        if (hex == null)
        {
            throw new IllegalArgumentException("hex string is null");
        }
        final int start = hex.startsWith("0x") || hex.startsWith("0X") ? 2 : 0;
        final int len = hex.length() - start;
        if ((len & 1) != 0)
        {
            throw new IllegalArgumentException("hex string has an odd number of digits");
        }
        final byte[] out = new byte[len / 2];
        for (int i = 0; i < out.length; i++)
        {
            final int hi = Character.digit(hex.charAt(start + 2 * i), 16);
            final int lo = Character.digit(hex.charAt(start + 2 * i + 1), 16);
            if (hi < 0 || lo < 0)
            {
                throw new IllegalArgumentException("invalid hex digit at position " + (start + 2 * i));
            }
            out[i] = (byte)((hi << 4) | lo);
        }
        return out;
    }

    /** Ethereum quantity encoding: {@code 0x0}, {@code 0x1a}, no leading zeros. */
    public static String quantity(final long value)
    {
        return "0x" + Long.toHexString(value);
    }

    public static String quantity(final java.math.BigInteger value)
    {
        return "0x" + value.toString(16);
    }

    /** Parses an Ethereum quantity ({@code 0x}-prefixed hex) or a decimal string. */
    public static java.math.BigInteger parseQuantity(final String text)
    {
        if (text.startsWith("0x") || text.startsWith("0X"))
        {
            if (text.length() == 2)
            {
                throw new IllegalArgumentException("empty quantity");
            }
            return new java.math.BigInteger(text.substring(2), 16);
        }
        return new java.math.BigInteger(text);
    }
}
