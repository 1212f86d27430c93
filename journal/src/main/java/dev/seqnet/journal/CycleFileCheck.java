package dev.seqnet.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Start-up check of the {@code .cq4} cycle files, for the one kind of damage Chronicle does not fail on:
 * a file whose first header is missing (file cut to under 4 bytes), zero or marked incomplete. Chronicle
 * takes such a file for one another process is still creating and waits for it (about 30 s measured per
 * read attempt) instead of failing, so the journal refuses to open on it.
 * <p>
 * Done once at open: a writer in another process creating a new cycle file at that very moment would be
 * reported too; this journal has a single writer, so that only concerns read-only opens of a live journal.
 */
final class CycleFileCheck
{
    /** Chronicle's header bit for a document still being written. */
    private static final int NOT_COMPLETE = 0x8000_0000;
    private static final String SUFFIX = ".cq4";

    private CycleFileCheck()
    {
    }

    static void checkHeaders(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX))
        {
            final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (final Path file : files)
            {
                header.clear();
                final long size;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
                {
                    size = channel.size();
                    while (header.hasRemaining() && channel.read(header, header.position()) > 0)
                    {
                        // read the 4 header bytes
                    }
                }
                if (header.hasRemaining())
                {
                    throw new JournalCorruptException(Journal.NULL_INDEX, file.toFile(),
                        "cycle file of " + size + " bytes is too short to hold its header");
                }
                final int value = header.getInt(0);
                if (0 == value || 0 != (value & NOT_COMPLETE))
                {
                    throw new JournalCorruptException(Journal.NULL_INDEX, file.toFile(),
                        "cycle file header is " + (0 == value ? "zero" : "marked incomplete") +
                        " (0x" + Integer.toHexString(value) + ", file of " + size + " bytes)");
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot check the journal's cycle files in " + dir, ex);
        }
    }
}
