package dev.seqnet.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Test payloads (hand-built SBE headers) and helpers to find and damage bytes in the .cq4 files. */
final class Entries
{
    static final int SCHEMA_ID = 5115;

    private Entries()
    {
    }

    /**
     * An SBE-shaped payload: the 8-byte header (blockLength, templateId, schemaId 5115, version 1)
     * followed by {@code bodyLength} bytes derived from {@code seed}.
     */
    static byte[] payload(final int templateId, final int bodyLength, final long seed)
    {
        return payload(templateId, SCHEMA_ID, bodyLength, seed);
    }

    static byte[] payload(final int templateId, final int schemaId, final int bodyLength, final long seed)
    {
        final byte[] bytes = new byte[8 + bodyLength];
        final ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        bb.putShort((short)bodyLength).putShort((short)templateId).putShort((short)schemaId).putShort((short)1);
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 8; i < bytes.length; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte)x;
        }
        return bytes;
    }

    /** The payload placed at {@code offset} inside a buffer of the given kind. */
    static DirectBuffer inBuffer(final byte[] payload, final int offset, final int kind)
    {
        final int capacity = offset + payload.length + 16;
        final MutableDirectBuffer buffer;
        switch (kind % 3)
        {
            case 0:
                buffer = new UnsafeBuffer(new byte[capacity]);
                break;
            case 1:
                buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
                break;
            default:
                // raw address with no ByteBuffer behind the DirectBuffer
                final ByteBuffer direct = ByteBuffer.allocateDirect(capacity);
                KEEP_ALIVE.add(direct);
                buffer = new UnsafeBuffer(new UnsafeBuffer(direct).addressOffset(), capacity);
                break;
        }
        buffer.putBytes(offset, payload);
        return buffer;
    }

    private static final List<ByteBuffer> KEEP_ALIVE = new ArrayList<>();

    static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /** The single .cq4 cycle file in {@code dir}. */
    static Path onlyCycleFile(final Path dir) throws IOException
    {
        final List<Path> files = cycleFiles(dir);
        if (files.size() != 1)
        {
            throw new IllegalStateException("expected one .cq4 file in " + dir + ", found " + files);
        }
        return files.get(0);
    }

    static List<Path> cycleFiles(final Path dir) throws IOException
    {
        try (Stream<Path> list = Files.list(dir))
        {
            final List<Path> files = new ArrayList<>();
            list.filter((p) -> p.toString().endsWith(".cq4")).sorted().forEach(files::add);
            return files;
        }
    }

    /** The first {@code max} bytes of a file (entries of small tests sit in the first megabyte). */
    static byte[] head(final Path file, final int max) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer bb = ByteBuffer.allocate((int)Math.min(max, channel.size()));
            while (bb.hasRemaining() && channel.read(bb, bb.position()) > 0)
            {
                // keep reading
            }
            return bb.array();
        }
    }

    /** Overwrites bytes of a file at {@code position}. */
    static void write(final Path file, final long position, final byte[] bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    /** Cuts a file to {@code length} bytes. */
    static void truncate(final Path file, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
    }

    /** Offset of the only occurrence of {@code pattern} in {@code haystack}; fails if absent or repeated. */
    static int indexOfOnly(final byte[] haystack, final byte[] pattern)
    {
        int found = -1;
        outer:
        for (int i = 0; i <= haystack.length - pattern.length; i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (haystack[i + j] != pattern[j])
                {
                    continue outer;
                }
            }
            if (found >= 0)
            {
                throw new IllegalStateException("pattern found twice, at " + found + " and " + i);
            }
            found = i;
        }
        if (found < 0)
        {
            throw new IllegalStateException("pattern not found");
        }
        return found;
    }
}
