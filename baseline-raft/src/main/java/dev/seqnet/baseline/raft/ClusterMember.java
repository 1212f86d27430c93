package dev.seqnet.baseline.raft;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * One cluster member as its own OS process: an embedded media driver (SHARED threading, its own
 * directory deleted on start and shutdown, small terms), an Archive, a ConsensusModule and the
 * {@link EchoService}, all in this JVM, talking UDP on loopback to the other members. Runs until
 * SIGTERM/SIGINT or until the launching process dies, then closes everything and deletes its directories.
 */
@Command(name = "raft-member", mixinStandardHelpOptions = true,
    description = "One Aeron Cluster member of the Raft baseline (started by raft-baseline, one process per member).")
public final class ClusterMember implements Callable<Integer>
{
    /** The line prefix (after "member N: ") announcing a leadership term: the launcher waits for it from every member. */
    static final String LEADER_LINE = "leader ";
    static final String STARTED_LINE = "started";

    @Option(names = "--id", required = true, description = "This member's id, 0 .. members-1.")
    int id;

    @Option(names = "--members", required = true, description = "Cluster size.")
    int members;

    @Option(names = "--base-port", required = true, description = "First UDP port of the cluster's block (see ClusterLayout).")
    int basePort;

    @Option(names = "--term-length", required = true, description = "Term length of the ingress, egress and log streams, bytes.")
    int termLength;

    @Option(names = "--dir", required = true, description = "This member's archive and cluster directory (deleted on exit).")
    Path dir;

    @Option(names = "--aeron-dir", required = true, description = "This member's media driver directory (deleted on start and exit).")
    String aeronDir;

    @Option(names = "--idle", defaultValue = "BACKOFF", description = "BACKOFF, SLEEPING or BUSY.")
    Idle idle;

    @Option(names = "--max-park-us", defaultValue = "1000", description = "Longest idle park, µs.")
    long maxParkMicros;

    @Option(names = "--parent-pid", description = "Exit when this process does (the launcher), so no member outlives a killed run.")
    Long parentPid;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new ClusterMember()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call()
    {
        final PrintStream out = System.out;
        final ClusterLayout layout = new ClusterLayout(members, basePort, termLength);
        if (id < 0 || id >= members)
        {
            throw new IllegalArgumentException("--id must be in 0.." + (members - 1) + ": " + id);
        }
        final Supplier<IdleStrategy> idleSupplier = idle.supplier(maxParkMicros * 1000);
        final File baseDir = dir.toAbsolutePath().toFile();
        final ErrorHandler errors = error ->
        {
            System.err.println("member " + id + " error: " + error);
            error.printStackTrace(System.err);
        };

        final MediaDriver.Context driver = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idleSupplier.get())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(termLength)
            .ipcTermBufferLength(termLength)
            .errorHandler(errors);

        final Archive.Context archive = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(new File(baseDir, "archive"))
            .deleteArchiveOnStart(true)
            .archiveId(id)
            .controlChannel(layout.archiveControlChannel(id))
            .localControlChannel("aeron:ipc?term-length=" + ClusterLayout.CONTROL_TERM_LENGTH)
            .replicationChannel(layout.replicationChannel())
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel(layout.replicationChannel()))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(idleSupplier)
            .errorHandler(errors);

        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archive.localControlChannel())
            .controlRequestStreamId(archive.localControlStreamId())
            .controlResponseChannel(archive.localControlChannel())
            .aeronDirectoryName(aeronDir);

        final File clusterDir = new File(baseDir, "cluster");
        final ConsensusModule.Context consensus = new ConsensusModule.Context()
            .aeronDirectoryName(aeronDir)
            .clusterMemberId(id)
            .clusterMembers(layout.clusterMembers())
            .clusterDir(clusterDir)
            .ingressChannel(layout.ingressChannel())
            .logChannel(layout.logChannel())
            .consensusChannel(layout.consensusChannel())
            .replicationChannel(layout.replicationChannel())
            .archiveContext(archiveClient.clone())
            .idleStrategySupplier(idleSupplier)
            .errorHandler(errors);

        final ClusteredServiceContainer.Context service = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .clusterDir(clusterDir)
            .clusteredService(new EchoService(id, out))
            .idleStrategySupplier(idleSupplier)
            .errorHandler(errors);

        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            ClusteredMediaDriver clustered = ClusteredMediaDriver.launch(driver, archive, consensus);
            ClusteredServiceContainer container = ClusteredServiceContainer.launch(service))
        {
            if (parentPid != null)
            {
                ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(barrier::signal),
                    barrier::signal);
            }
            out.printf("member %d: %s pid %d, %d members, idle %s (max park %d us), term %d B, ports %d..%d, aeron dir %s%n",
                id, STARTED_LINE, ProcessHandle.current().pid(), members, idle, maxParkMicros, termLength,
                layout.port(id, 0), layout.port(id, ClusterLayout.PORTS_PER_MEMBER - 1), aeronDir);
            out.flush();
            barrier.await();
            out.printf("member %d: stopping%n", id);
            out.flush();
        }
        finally
        {
            Dirs.deleteTree(baseDir.toPath());
        }
        return 0;
    }
}
