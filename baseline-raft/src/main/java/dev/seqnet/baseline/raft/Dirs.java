package dev.seqnet.baseline.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Recursive delete for the run's directories (archive, cluster, media driver dirs), best effort. */
final class Dirs
{
    /** Every directory a run creates is named {@code seqnet-raft-<launcher pid>-…}. */
    static final String PREFIX = "seqnet-raft-";
    private static final Pattern RUN_DIR = Pattern.compile("^" + PREFIX + "(\\d+)-.*");

    private Dirs()
    {
    }

    /** Deletes {@code dir} and everything under it; a missing directory is fine, a failed delete is skipped. */
    static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // a file vanished while walking (a member deleting its own dir): what is left is retried by the caller's next delete
        }
    }

    /** The name for a directory of this launcher's run: {@code seqnet-raft-<pid>-<what>}. */
    static String name(final String what)
    {
        return PREFIX + ProcessHandle.current().pid() + "-" + what;
    }

    /**
     * Deletes what runs whose launcher no longer exists left in {@code parent} (a launcher killed with
     * SIGKILL cannot clean up: its members do, but its own client driver directory stays).
     */
    static void deleteStale(final Path parent)
    {
        try (Stream<Path> entries = Files.list(parent))
        {
            entries.forEach(entry ->
            {
                final Matcher m = RUN_DIR.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isDirectory(entry) &&
                    !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false))
                {
                    deleteTree(entry);
                }
            });
        }
        catch (final IOException | UncheckedIOException | NumberFormatException ignore)
        {
            // nothing to clean, or not allowed to: leave it
        }
    }
}
