package dev.seqnet.transport;

import io.aeron.CommonContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real media drivers in child processes, stopped and killed: a dead driver's directory goes, a live or stopped
 * one's stays, and so does anything not named like ours.
 */
class StaleDriverDirectoriesTest
{
    private static final long DRIVER_TIMEOUT_MS = 500;
    private final List<String> log = new ArrayList<>();

    @Test
    void aKilledDriversDirectoryIsDeletedAStoppedOnesIsKept(@TempDir final Path base) throws Exception
    {
        final Path dir = base.resolve(StaleDriverDirectories.PREFIX + "child");
        final Process driver = startDriver(dir);
        try
        {
            assertTrue(sweep(base).isEmpty(), "a running driver's directory is kept: " + log);

            signal("STOP", driver.pid());
            Thread.sleep(3 * DRIVER_TIMEOUT_MS);
            assertTrue(sweep(base).isEmpty(), "a stopped process still owns its directory, however old its heartbeat");
            assertTrue(Files.exists(dir.resolve("cnc.dat")));

            driver.destroyForcibly();
            assertTrue(driver.waitFor(10, TimeUnit.SECONDS));
            Thread.sleep(DRIVER_TIMEOUT_MS);
            assertEquals(List.of(dir), sweep(base));
            assertFalse(Files.exists(dir));
            assertTrue(log.get(log.size() - 1).contains("pid " + driver.pid() + " is gone"), log.toString());
        }
        finally
        {
            driver.destroyForcibly();
        }
    }

    @Test
    void aDirectoryWithoutACncFileGoesOnlyOnceItIsOldAndOthersAreNeverTouched(@TempDir final Path base) throws Exception
    {
        final Path starting = Files.createDirectories(base.resolve(StaleDriverDirectories.PREFIX + "starting"));
        final Path notOurs = Files.createDirectories(base.resolve("aeron-someone-else"));
        final Path keep = Files.createDirectories(base.resolve(StaleDriverDirectories.PREFIX + "mine"));
        Files.write(starting.resolve("cnc.dat"), new byte[16]); // shorter than the CnC metadata: not ready
        final FileTime old = FileTime.from(Instant.now().minusSeconds(120));
        Files.setLastModifiedTime(notOurs, old);
        Files.setLastModifiedTime(keep, old);

        assertTrue(StaleDriverDirectories.sweep(base, keep, DRIVER_TIMEOUT_MS, 60_000, log::add).isEmpty());
        assertNull(StaleDriverDirectories.staleReason(starting, System.currentTimeMillis(), DRIVER_TIMEOUT_MS, 60_000));

        // A link named like ours to an old directory elsewhere: neither it nor what it points to is touched.
        final Path elsewhere = Files.createDirectories(base.resolve("elsewhere"));
        Files.write(elsewhere.resolve("precious"), new byte[] {1});
        Files.setLastModifiedTime(elsewhere, old);
        final Path link = Files.createSymbolicLink(base.resolve(StaleDriverDirectories.PREFIX + "link"), elsewhere);

        Files.setLastModifiedTime(starting, old);
        assertEquals(List.of(starting), StaleDriverDirectories.sweep(base, keep, DRIVER_TIMEOUT_MS, 60_000, log::add));
        assertTrue(Files.exists(notOurs) && Files.exists(keep), "only stale " + StaleDriverDirectories.PREFIX + "* directories go");
        assertTrue(Files.exists(link) && Files.exists(elsewhere.resolve("precious")), "links are not followed");
        assertTrue(log.get(0).contains("no ready CnC file"), log.toString());
    }

    @Test
    void aLaunchSweepsTheDirectoriesNextToItsOwn(@TempDir final Path base) throws Exception
    {
        final Path stale = Files.createDirectories(base.resolve(StaleDriverDirectories.PREFIX + "dead"));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(120)));
        try (MediaDriverLauncher launcher = MediaDriverLauncher.launch(new MediaDriverLauncher.Context()
            .aeronDirectoryName(base.resolve(StaleDriverDirectories.PREFIX + "launched").toString())
            .termBufferLength(64 * 1024).mtuLength(1408).initialWindowLength(64 * 1024).socketBufferLength(64 * 1024)))
        {
            assertFalse(Files.exists(stale));
            assertTrue(Files.exists(Path.of(launcher.aeronDirectoryName(), "cnc.dat")));
        }
    }

    private List<Path> sweep(final Path base)
    {
        return StaleDriverDirectories.sweep(base, null, DRIVER_TIMEOUT_MS, 60_000, log::add);
    }

    /** A stand-alone Aeron media driver in its own JVM, with this JVM's module flags. */
    private static Process startDriver(final Path dir) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-"))
            {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx64m", "-cp", System.getProperty("java.class.path"),
            "-Daeron.dir=" + dir, "-Daeron.threading.mode=SHARED", "-Daeron.dir.delete.on.shutdown=false",
            "-Daeron.term.buffer.length=65536", "-Daeron.ipc.term.buffer.length=65536",
            "io.aeron.driver.MediaDriver"));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!CommonContext.isDriverActive(dir.toFile(), DRIVER_TIMEOUT_MS, s -> { }))
        {
            if (System.nanoTime() > deadline || !p.isAlive())
            {
                p.destroyForcibly();
                throw new AssertionError("the child media driver did not start");
            }
            Thread.sleep(50);
        }
        return p;
    }

    private static void signal(final String signal, final long pid) throws Exception
    {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }
}
