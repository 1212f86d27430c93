package dev.seqnet.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;

/**
 * CRC-32C of a range of any Agrona {@link DirectBuffer} without allocating in steady state, using the
 * JDK's intrinsic {@link CRC32C}. Hand-written because Agrona's {@code Crc32c} needs
 * {@code --add-opens java.base/java.util.zip}, which the project's JVM flags do not grant.
 * <p>
 * Not thread safe: one instance per writer or reader.
 */
final class Crc32cOfBuffer
{
    private final CRC32C crc = new CRC32C();
    private ByteBuffer viewedBuffer;
    private ByteBuffer view;
    private byte[] scratch = new byte[0];

    /**
     * CRC-32C of {@code buffer[offset, offset + length)}.
     * <ul>
     * <li>heap memory: straight over the backing array;</li>
     * <li>a direct {@link ByteBuffer}: over a duplicate view, created once per distinct ByteBuffer;</li>
     * <li>a raw address with no ByteBuffer: over a copy in a scratch array grown on demand.</li>
     * </ul>
     */
    int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        crc.reset();
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            final ByteBuffer byteBuffer = buffer.byteBuffer();
            if (null != byteBuffer)
            {
                final ByteBuffer view = viewOf(byteBuffer);
                final int start = buffer.wrapAdjustment() + offset;
                view.limit(start + length).position(start);
                crc.update(view);
            }
            else
            {
                if (scratch.length < length)
                {
                    scratch = new byte[length];
                }
                buffer.getBytes(offset, scratch, 0, length);
                crc.update(scratch, 0, length);
            }
        }
        return (int)crc.getValue();
    }

    /** CRC-32C of {@code array[offset, offset + length)}. */
    int compute(final byte[] array, final int offset, final int length)
    {
        crc.reset();
        crc.update(array, offset, length);
        return (int)crc.getValue();
    }

    private ByteBuffer viewOf(final ByteBuffer byteBuffer)
    {
        if (byteBuffer != viewedBuffer)
        {
            view = byteBuffer.duplicate();
            viewedBuffer = byteBuffer;
        }
        view.clear();
        return view;
    }
}
