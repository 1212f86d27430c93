package dev.seqnet.baseline.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirsTest
{
    @TempDir
    Path parent;

    @Test
    void deleteStaleRemovesOnlyDirectoriesOfLaunchersThatAreGone() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        final Path dead = Files.createDirectories(parent.resolve(Dirs.PREFIX + finished.pid() + "-client").resolve("sub"));
        Files.writeString(dead.resolve("cnc.dat"), "x");
        final Path alive = Files.createDirectories(parent.resolve(Dirs.name("member-0")));
        final Path unrelated = Files.createDirectories(parent.resolve("aeron-root"));
        final Path notAPid = Files.createDirectories(parent.resolve(Dirs.PREFIX + "x-client"));

        Dirs.deleteStale(parent);

        assertFalse(Files.exists(dead.getParent()), "a dead launcher's directory is deleted with its contents");
        assertTrue(Files.exists(alive), "this (live) process's directory stays");
        assertTrue(Files.exists(unrelated));
        assertTrue(Files.exists(notAPid));
    }
}
