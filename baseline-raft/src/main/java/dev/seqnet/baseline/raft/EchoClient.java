package dev.seqnet.baseline.raft;

import io.aeron.Aeron;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.SleepingIdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's side of the cluster: its own media driver in INVOKER mode and an Aeron client
 * whose conductor is invoked too, so the driver, the client conductor, the ingress offers and the egress
 * polling all run on the one thread that calls {@link #doWork()}: no extra threads competing for the 2
 * cores and no idle strategy of a separate driver thread delaying echo arrival. Not thread safe (as
 * {@link AeronCluster} is not): connect, run and close from one thread.
 */
final class EchoClient implements AutoCloseable, EgressListener
{
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AeronCluster cluster;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker conductorInvoker;
    private EgressListener listener;

    private EchoClient(final ClusterLayout layout, final Path aeronDir, final long connectTimeoutNanos)
    {
        MediaDriver driver = null;
        Aeron aeron = null;
        try
        {
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(aeronDir.toString())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.INVOKER)
                .termBufferSparseFile(true)
                .publicationTermBufferLength(layout.termLength())
                .ipcTermBufferLength(layout.termLength()));
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDir.toString())
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driver.sharedAgentInvoker()));
            this.driver = driver;
            this.aeron = aeron;
            this.driverInvoker = driver.sharedAgentInvoker();
            this.conductorInvoker = aeron.conductorAgentInvoker();
            this.cluster = AeronCluster.connect(new AeronCluster.Context()
                .aeron(aeron)
                .ownsAeronClient(false)
                .agentInvoker(driverInvoker)
                .idleStrategy(new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(50)))
                .messageTimeoutNs(connectTimeoutNanos)
                .ingressChannel(layout.ingressChannel())
                .ingressEndpoints(layout.ingressEndpoints())
                .egressChannel(layout.egressChannel())
                .egressListener(this));
        }
        catch (final RuntimeException e)
        {
            CloseHelper.quietCloseAll(aeron, driver);
            throw e;
        }
    }

    /**
     * Starts the client's driver under {@code aeronDir} (deleted on start and close) and opens a session
     * with the cluster's leader, waiting up to {@code connectTimeoutNanos}.
     */
    static EchoClient connect(final ClusterLayout layout, final Path aeronDir, final long connectTimeoutNanos)
    {
        return new EchoClient(layout, aeronDir, connectTimeoutNanos);
    }

    /** The client driver's directory for this process, next to Aeron's default one (/dev/shm on Linux). */
    static Path defaultAeronDir()
    {
        return LocalCluster.aeronParent().resolve(Dirs.name("client"));
    }

    AeronCluster cluster()
    {
        return cluster;
    }

    /** Where echoes, session events and leader changes go from now on (null: dropped). */
    void listener(final EgressListener listener)
    {
        this.listener = listener;
    }

    /** One duty cycle: the driver, the client conductor and the egress poll; returns the work done. */
    int doWork()
    {
        return driverInvoker.invoke() + conductorInvoker.invoke() + cluster.pollEgress();
    }

    @Override
    public void onMessage(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        if (listener != null)
        {
            listener.onMessage(clusterSessionId, timestamp, buffer, offset, length, header);
        }
    }

    @Override
    public void onSessionEvent(
        final long correlationId,
        final long clusterSessionId,
        final long leadershipTermId,
        final int leaderMemberId,
        final EventCode code,
        final String detail)
    {
        if (listener != null)
        {
            listener.onSessionEvent(correlationId, clusterSessionId, leadershipTermId, leaderMemberId, code, detail);
        }
    }

    @Override
    public void onNewLeader(
        final long clusterSessionId,
        final long leadershipTermId,
        final int leaderMemberId,
        final String ingressEndpoints)
    {
        if (listener != null)
        {
            listener.onNewLeader(clusterSessionId, leadershipTermId, leaderMemberId, ingressEndpoints);
        }
    }

    /** Closes the session (the cluster sees it close), the Aeron client and the driver, deleting its directory. */
    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(cluster, aeron, driver);
    }
}
