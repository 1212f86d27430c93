package dev.seqnet.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class MediaDriverLauncherTest
{
    private MediaDriverLauncher first;
    private MediaDriverLauncher second;

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(first, second);
    }

    @Test
    void directoryIsEmptiedOnStartAndDeletedOnClose() throws IOException
    {
        final Path dir = Paths.get(MediaDriverLauncher.Context.uniqueDirectoryName("launcher-test"));
        Files.createDirectories(dir);
        final Path leftover = dir.resolve("leftover-from-a-killed-driver");
        Files.write(leftover, new byte[] {1, 2, 3});

        first = MediaDriverLauncher.launch(new MediaDriverLauncher.Context()
            .aeronDirectoryName(dir.toString())
            .termBufferLength(64 * 1024));

        assertFalse(Files.exists(leftover), "deleted on start");
        assertTrue(Files.exists(dir.resolve(CncFileDescriptor.CNC_FILE)));
        first.close();
        assertFalse(Files.exists(dir), "deleted on close");
    }

    @Test
    void defaultsToUniqueDirectoriesAndASharedBackoffThread()
    {
        first = MediaDriverLauncher.launch(new MediaDriverLauncher.Context().name("a").termBufferLength(64 * 1024));
        second = MediaDriverLauncher.launch(new MediaDriverLauncher.Context().name("a").termBufferLength(64 * 1024));
        assertNotEquals(first.aeronDirectoryName(), second.aeronDirectoryName());

        final io.aeron.driver.MediaDriver.Context driverCtx = first.mediaDriver().context();
        assertEquals(ThreadingMode.SHARED, driverCtx.threadingMode());
        assertTrue(driverCtx.sharedIdleStrategy() instanceof BackoffIdleStrategy);
        assertEquals(200_000L, driverCtx.nakMulticastMaxBackoffNs(), "200 us instead of Aeron's 10 ms");
        assertEquals(1_000_000L, driverCtx.retransmitUnicastLingerNs(), "1 ms instead of Aeron's 10 ms");
        assertEquals(64 * 1024, driverCtx.publicationTermBufferLength());
        assertTrue(driverCtx.asyncExecutorIdleStrategy().toString().contains("sleepPeriodNs=10000000"),
            "the async executor sleeps 10 ms, not Aeron's 1 ms: " + driverCtx.asyncExecutorIdleStrategy());
    }

    @Test
    void aUdpStreamConnectsThroughAnAsyncExecutorThatSleepsLong()
    {
        // The executor parses the channels of new publications and subscriptions: a long sleep delays, never loses them.
        first = MediaDriverLauncher.launch(new MediaDriverLauncher.Context().name("async").termBufferLength(64 * 1024)
            .asyncExecutorSleepNs(50_000_000L));
        final int port = LoopbackPorts.freeUdpPorts(1)[0];
        try (io.aeron.Aeron aeron = io.aeron.Aeron.connect(new io.aeron.Aeron.Context()
                .aeronDirectoryName(first.aeronDirectoryName()));
            io.aeron.Subscription sub = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:" + port, 7);
            io.aeron.Publication pub = aeron.addPublication("aeron:udp?endpoint=127.0.0.1:" + port, 7))
        {
            TestNetwork.awaitCondition("publication and subscription connected", () -> pub.isConnected() && sub.isConnected());
        }
    }

    @Test
    void rejectsInconsistentSizes()
    {
        assertThrows(IllegalStateException.class,
            () -> new MediaDriverLauncher.Context().termBufferLength(100_000).conclude(), "not a power of two");
        assertThrows(IllegalStateException.class,
            () -> new MediaDriverLauncher.Context().mtuLength(64 * 1024).initialWindowLength(32 * 1024).conclude());
        assertThrows(IllegalStateException.class,
            () -> new MediaDriverLauncher.Context().initialWindowLength(4 << 20).socketBufferLength(1 << 20).conclude());
        assertThrows(IllegalStateException.class,
            () -> new MediaDriverLauncher.Context().asyncExecutorSleepNs(0).conclude());
    }
}
