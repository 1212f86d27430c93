package dev.seqnet.transport;

import io.aeron.CncFileDescriptor;
import org.agrona.IoUtil;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Deletes the directories that media drivers of this project ({@value #PREFIX}…) left behind when their process died
 * without closing them (SIGKILL, the OOM killer, a container stopped hard). Each holds up to a few hundred MB of log
 * buffers in {@code /dev/shm}, which is memory: nobody else would ever delete them.
 *
 * <p>A directory is stale only when all of these hold, so a live driver is never touched:
 * <ul>
 *     <li>its CnC file is ready and names a process (the PID Aeron writes) that no longer exists in this PID
 *     namespace, or exists but started after the driver did (the PID was reused);</li>
 *     <li>and the driver's heartbeat is older than the driver timeout: a driver of another PID namespace sharing
 *     the same {@code /dev/shm} keeps its heartbeat fresh;</li>
 *     <li>or, without a ready CnC file (a driver that died while starting), the directory is older than
 *     {@code noCncGraceMs}.</li>
 * </ul>
 * A stopped (SIGSTOP) process still exists, so its directory stays.
 */
public final class StaleDriverDirectories
{
    /** The name prefix of every driver directory this project creates. */
    public static final String PREFIX = "seqnet-aeron-";
    /** How much later than its driver a process may have started and still be the driver's own (clock steps). */
    private static final long PROCESS_START_SLACK_MS = 2_000;

    private StaleDriverDirectories()
    {
    }

    /**
     * Deletes the stale directories named {@value #PREFIX}… directly under {@code base}, except {@code keep}.
     *
     * @param base            the directory drivers are created in ({@code /dev/shm}, say).
     * @param keep            a directory never to delete (the caller's own), or null.
     * @param driverTimeoutMs a heartbeat older than this is a dead driver's (Aeron's default driver timeout is 10 s).
     * @param noCncGraceMs    a directory without a ready CnC file is left alone until it is this old.
     * @param log             told what was deleted and why.
     * @return the directories deleted.
     */
    public static List<Path> sweep(
        final Path base, final Path keep, final long driverTimeoutMs, final long noCncGraceMs, final Consumer<String> log)
    {
        final List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(base))
        {
            return deleted;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, PREFIX + "*"))
        {
            for (final Path dir : dirs)
            {
                // Never through a symbolic link: a recursive delete would empty whatever it points to.
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ||
                    (null != keep && dir.toAbsolutePath().equals(keep.toAbsolutePath())))
                {
                    continue;
                }
                final String reason = staleReason(dir, System.currentTimeMillis(), driverTimeoutMs, noCncGraceMs);
                if (null != reason)
                {
                    IoUtil.delete(dir.toFile(), true);
                    if (!Files.exists(dir))
                    {
                        deleted.add(dir);
                        log.accept("deleted stale media-driver directory " + dir + " (" + reason + ")");
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            log.accept("could not sweep " + base + " for stale media-driver directories: " + ex);
        }
        return deleted;
    }

    /**
     * Why {@code dir} is a dead driver's directory, or null if it may belong to a live driver.
     *
     * @param nowMs epoch milliseconds.
     */
    static String staleReason(final Path dir, final long nowMs, final long driverTimeoutMs, final long noCncGraceMs)
    {
        final File cnc = dir.resolve(CncFileDescriptor.CNC_FILE).toFile();
        final Cnc read = cnc.length() >= CncFileDescriptor.META_DATA_LENGTH ? read(cnc) : null;
        if (null == read)
        {
            final long ageMs = nowMs - dir.toFile().lastModified();
            return ageMs > noCncGraceMs ? "no ready CnC file, " + ageMs / 1000 + " s old" : null;
        }
        if (nowMs - read.heartbeatMs <= driverTimeoutMs)
        {
            return null; // live, whatever its PID says (another PID namespace, say)
        }
        final Optional<ProcessHandle> process = ProcessHandle.of(read.pid);
        if (process.isPresent() && process.get().isAlive())
        {
            final Optional<Instant> started = process.get().info().startInstant();
            if (started.isEmpty() || started.get().toEpochMilli() <= read.startMs + PROCESS_START_SLACK_MS)
            {
                return null; // its own process, stopped or slow
            }
            return "pid " + read.pid + " was reused, heartbeat " + (nowMs - read.heartbeatMs) + " ms old";
        }
        return "pid " + read.pid + " is gone, heartbeat " + (nowMs - read.heartbeatMs) + " ms old";
    }

    private record Cnc(long pid, long startMs, long heartbeatMs)
    {
    }

    /** The CnC file's PID, start time and heartbeat; null if it is not ready or of a layout this code does not know. */
    private static Cnc read(final File cnc)
    {
        MappedByteBuffer mapped = null;
        try
        {
            mapped = IoUtil.mapExistingFile(cnc, FileChannel.MapMode.READ_ONLY, "cnc");
            final UnsafeBuffer meta = CncFileDescriptor.createMetaDataBuffer(mapped);
            final int version = meta.getIntVolatile(CncFileDescriptor.cncVersionOffset(0));
            if (0 == version || SemanticVersion.major(version) != SemanticVersion.major(CncFileDescriptor.CNC_VERSION) ||
                !CncFileDescriptor.isCncFileLengthSufficient(meta, mapped.capacity()))
            {
                return null;
            }
            final ManyToOneRingBuffer toDriver = new ManyToOneRingBuffer(CncFileDescriptor.createToDriverBuffer(mapped, meta));
            return new Cnc(
                meta.getLong(CncFileDescriptor.pidOffset(0)),
                meta.getLong(CncFileDescriptor.startTimestampOffset(0)),
                toDriver.consumerHeartbeatTime());
        }
        catch (final RuntimeException ex)
        {
            return null; // unreadable (being created, truncated): judged by age like a missing one
        }
        finally
        {
            if (null != mapped)
            {
                IoUtil.unmap(mapped);
            }
        }
    }
}
