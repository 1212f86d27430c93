package dev.seqnet.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on a member's data directory. Chronicle Queue accepts appends from several
 * processes, so without it two members started on one directory would interleave their blocks in
 * one journal; the lock makes the second start fail at once instead. Released by the OS if the
 * process dies.
 */
final class DataDirLock implements AutoCloseable
{
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(final Path dataDir) throws IOException
    {
        Files.createDirectories(dataDir);
        final Path file = dataDir.resolve("LOCK");
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = null;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException e)
        {
            lock = null;
        }
        if (lock == null)
        {
            channel.close();
            throw new IOException(dataDir + " is in use by another member process (" + file + " is locked)");
        }
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignore)
        {
            // closing the channel below drops the lock anyway
        }
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // nothing more to release
        }
    }
}
