package dev.seqnet.baseline.raft;

import io.aeron.CommonContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cluster under test: {@code members} {@link ClusterMember} processes on this host, each started
 * on this JVM's java and class path with the POM's flags, its output in {@code member-I.log}. Waits for
 * a leader that every member has seen; {@link #close()} stops them (SIGTERM, then SIGKILL) and deletes
 * their archive, cluster and media driver directories, even those of a member that had to be killed.
 */
final class LocalCluster implements AutoCloseable
{
    private static final String MEMBER_HEAP = "-Xmx512m";

    private final ClusterLayout layout;
    private final Path runDir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final List<Path> aeronDirs = new ArrayList<>();
    private boolean closed;

    private LocalCluster(final ClusterLayout layout, final Path runDir)
    {
        this.layout = layout;
        this.runDir = runDir;
    }

    /** Starts every member; returns at once (see {@link #awaitLeader(long)}). */
    static LocalCluster start(final ClusterLayout layout, final Idle idle, final long maxParkMicros, final Path logDir)
        throws IOException
    {
        final long pid = ProcessHandle.current().pid();
        final Path shm = aeronParent();
        final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Dirs.deleteStale(shm);
        Dirs.deleteStale(tmp);
        final LocalCluster cluster = new LocalCluster(layout, Files.createDirectories(tmp.resolve(Dirs.name("run"))));
        try
        {
            for (int i = 0; i < layout.members(); i++)
            {
                final Path aeronDir = shm.resolve(Dirs.name("member-" + i));
                final Path log = logDir.resolve("member-" + i + ".log");
                Files.deleteIfExists(log);
                cluster.aeronDirs.add(aeronDir);
                cluster.logs.add(log);
                cluster.processes.add(cluster.startMember(i, aeronDir, log, idle, maxParkMicros, pid));
            }
        }
        catch (final IOException | RuntimeException e)
        {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private Process startMember(
        final int id,
        final Path aeronDir,
        final Path log,
        final Idle idle,
        final long maxParkMicros,
        final long parentPid) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(JvmFlags.list());
        cmd.add(MEMBER_HEAP);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ClusterMember.class.getName());
        cmd.addAll(List.of(
            "--id", Integer.toString(id),
            "--members", Integer.toString(layout.members()),
            "--base-port", Integer.toString(layout.basePort()),
            "--term-length", Integer.toString(layout.termLength()),
            "--dir", runDir.resolve("member-" + id).toString(),
            "--aeron-dir", aeronDir.toString(),
            "--idle", idle.name(),
            "--max-park-us", Long.toString(maxParkMicros),
            "--parent-pid", Long.toString(parentPid)));
        return new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    }

    /** Where Aeron puts its directories by default (/dev/shm on Linux): the members' and the client's go there too. */
    static Path aeronParent()
    {
        return Path.of(CommonContext.getAeronDirectoryName()).toAbsolutePath().getParent();
    }

    /**
     * Waits until every member has logged a leadership term and the latest one names the same leader
     * on all of them: the election is over and the whole cluster (not just a quorum) follows that leader.
     *
     * @return the leader's member id.
     */
    int awaitLeader(final long timeoutNanos) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (true)
        {
            int agreed = -1;
            boolean all = true;
            for (int i = 0; i < processes.size() && all; i++)
            {
                if (!processes.get(i).isAlive())
                {
                    throw new IOException("member " + i + " exited with " + processes.get(i).exitValue() +
                        " before a leader was elected; see " + logs.get(i));
                }
                final int leader = lastLeader(logs.get(i));
                all = leader >= 0 && (agreed < 0 || leader == agreed);
                agreed = leader;
            }
            if (all)
            {
                return agreed;
            }
            if (System.nanoTime() > deadline)
            {
                throw new IOException("no leader agreed by all " + processes.size() + " members within " +
                    TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s; see " + logs);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** The leader named by the member's latest "leader N term T" line, or -1. */
    private static int lastLeader(final Path log) throws IOException
    {
        if (!Files.exists(log))
        {
            return -1;
        }
        int leader = -1;
        for (final String line : Files.readAllLines(log, StandardCharsets.UTF_8))
        {
            final int at = line.indexOf(": " + ClusterMember.LEADER_LINE);
            if (line.startsWith("member ") && at > 0)
            {
                final String rest = line.substring(at + 2 + ClusterMember.LEADER_LINE.length());
                leader = Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
            }
        }
        return leader;
    }

    ClusterLayout layout()
    {
        return layout;
    }

    int size()
    {
        return processes.size();
    }

    long pid(final int member)
    {
        return processes.get(member).pid();
    }

    Path log(final int member)
    {
        return logs.get(member);
    }

    /** CPU time the member process has used so far (user + system), or zero if the OS does not say. */
    Duration cpu(final int member)
    {
        return processes.get(member).info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** SIGTERM to all (each closes its cluster and deletes its dirs), SIGKILL after 10 s, then deletes what is left. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        dev.seqnet.bench.LocalProcesses.stopAll(processes);
        for (final Path dir : aeronDirs)
        {
            Dirs.deleteTree(dir);
        }
        Dirs.deleteTree(runDir);
    }
}
