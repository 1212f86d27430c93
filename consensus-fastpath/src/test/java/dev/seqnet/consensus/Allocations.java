package dev.seqnet.consensus;

import org.junit.jupiter.api.Assumptions;

import java.lang.management.ManagementFactory;

/** Exact bytes allocated by the calling thread (HotSpot's per-thread TLAB accounting), for zero-allocation tests. */
public final class Allocations
{
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private Allocations()
    {
    }

    /** Skips the calling test when the JVM cannot count per-thread allocation. */
    public static void assumeSupported()
    {
        Assumptions.assumeTrue(THREADS != null && THREADS.isThreadAllocatedMemorySupported() &&
            THREADS.isThreadAllocatedMemoryEnabled(), "per-thread allocation counting not available");
    }

    /** Bytes allocated by this thread so far. */
    public static long allocated()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean threads()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        return bean instanceof com.sun.management.ThreadMXBean ? (com.sun.management.ThreadMXBean)bean : null;
    }
}
