package dev.seqnet.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets the calling thread's Linux timer slack ({@code /proc/<tid>/timerslack_ns}, Linux 4.6+). The kernel
 * may defer a timer by up to the slack (50 µs by default) to batch wake-ups, so every {@code parkNanos} of an idle
 * strategy, however short, sleeps at least about that long: a duty cycle parked between messages then adds up to
 * the slack to each message it receives. Java has no {@code prctl}; the proc file does the same for one thread
 * without native code. Threads this thread creates later inherit the value.
 */
public final class ThreadTimerSlack
{
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private ThreadTimerSlack()
    {
    }

    /**
     * @param slackNs the slack in ns, > 0.
     * @return true when set; false where the file is missing or not writable (not Linux, an old kernel, a
     * restricted container): the thread keeps the system's slack, nothing else changes.
     */
    public static boolean apply(final long slackNs)
    {
        if (slackNs <= 0)
        {
            throw new IllegalArgumentException("slackNs must be > 0: " + slackNs);
        }
        try
        {
            Files.write(ownFile(), Long.toString(slackNs).getBytes(StandardCharsets.US_ASCII));
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * The file is only at the top of a task's proc directory, {@code /proc/<tid>/timerslack_ns} (not under
     * {@code task/<tid>/}); {@code /proc/thread-self} links to {@code <pid>/task/<tid>} and names the tid.
     */
    private static Path ownFile() throws IOException
    {
        final Path link = Files.readSymbolicLink(THREAD_SELF);
        return Path.of("/proc", link.getFileName().toString(), "timerslack_ns");
    }

    /** The calling thread's timer slack in ns, or -1 where it cannot be read. */
    public static long current()
    {
        try
        {
            return Long.parseLong(Files.readString(ownFile(), StandardCharsets.US_ASCII).trim());
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
