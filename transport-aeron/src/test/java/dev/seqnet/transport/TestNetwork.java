package dev.seqnet.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * N members of one mode on loopback for tests: a media driver per member (one shared driver in IPC mode), a
 * transport each, and a {@link TransportAgent} per member on an {@link AgentRunner} with a backoff idle strategy
 * that records every frame it receives. Free ports and a random multicast group per network, so concurrent runs
 * on the host do not cross-talk.
 */
final class TestNetwork implements AutoCloseable
{
    static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    /** A received frame, copied out of Aeron's buffer. */
    record Frame(int from, byte[] bytes)
    {
    }

    /** Records frames on the agent thread. */
    static final class Recorder implements FrameHandler
    {
        final ConcurrentLinkedQueue<Frame> frames = new ConcurrentLinkedQueue<>();

        public void onFrame(final int fromMember, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            frames.add(new Frame(fromMember, bytes));
        }
    }

    final Transport.Mode mode;
    final int memberCount;
    private final int termLength;
    private final Consumer<Transport.Context> transportCustomizer;
    private final String[] endpoints;
    private final String multicastEndpoint;
    private final MediaDriverLauncher[] drivers;
    private MediaDriverLauncher sharedDriver;
    final Transport[] transports;
    final Recorder[] recorders;
    private final AgentRunner[] runners;
    private boolean invokerDrivers;

    TestNetwork(
        final Transport.Mode mode,
        final int memberCount,
        final int termLength,
        final Consumer<Transport.Context> transportCustomizer)
    {
        this.mode = mode;
        this.memberCount = memberCount;
        this.termLength = termLength;
        this.transportCustomizer = transportCustomizer;
        this.endpoints = new String[memberCount];
        final int[] ports = LoopbackPorts.freeUdpPorts(memberCount + 1);
        for (int i = 0; i < memberCount; i++)
        {
            endpoints[i] = "127.0.0.1:" + ports[i];
        }
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        multicastEndpoint = "239.255." + random.nextInt(1, 255) + "." + (random.nextInt(0, 127) * 2 + 1) + ":" +
            ports[memberCount];
        drivers = new MediaDriverLauncher[memberCount];
        transports = new Transport[memberCount];
        recorders = new Recorder[memberCount];
        runners = new AgentRunner[memberCount];
    }

    /** Members' drivers run in their transport's poll (MediaDriverLauncher.Profile.INVOKER) instead of a thread. */
    TestNetwork invokerDrivers()
    {
        invokerDrivers = true;
        return this;
    }

    String multicastEndpoint()
    {
        return multicastEndpoint;
    }

    /** Starts every member, polling. */
    TestNetwork start()
    {
        for (int i = 0; i < memberCount; i++)
        {
            startMember(i, true);
        }
        return this;
    }

    /** Starts member i (a fresh driver with a fresh directory, except in IPC), polling or not. */
    void startMember(final int i, final boolean polling)
    {
        final Transport.Context ctx = new Transport.Context()
            .mode(mode)
            .memberIndex(i)
            .memberCount(memberCount)
            .memberEndpoints(endpoints)
            .multicastEndpoint(multicastEndpoint)
            .termLength(termLength);
        if (Transport.Mode.IPC == mode)
        {
            if (null == sharedDriver)
            {
                sharedDriver = MediaDriverLauncher.launch(driverContext("ipc"));
            }
            ctx.aeronDirectoryName(sharedDriver.aeronDirectoryName());
        }
        else
        {
            drivers[i] = MediaDriverLauncher.launch(driverContext("member-" + i));
            ctx.aeronDirectoryName(drivers[i].aeronDirectoryName());
            if (invokerDrivers)
            {
                ctx.driverAgentInvoker(drivers[i].agentInvoker());
            }
        }
        if (null != transportCustomizer)
        {
            transportCustomizer.accept(ctx);
        }
        transports[i] = Transport.launch(ctx);
        recorders[i] = new Recorder();
        if (polling)
        {
            startPolling(i);
        }
    }

    private MediaDriverLauncher.Context driverContext(final String name)
    {
        return new MediaDriverLauncher.Context().name(name).termBufferLength(64 * 1024)
            .profile(invokerDrivers ? MediaDriverLauncher.Profile.INVOKER : MediaDriverLauncher.Profile.SHARED_BACKOFF);
    }

    void startPolling(final int i)
    {
        runners[i] = new AgentRunner(
            new BackoffIdleStrategy(10, 20, 1_000, 1_000_000),
            Throwable::printStackTrace,
            null,
            new TransportAgent(transports[i], recorders[i]));
        AgentRunner.startOnThread(runners[i]);
    }

    /** Stops member i: its agent, its transport and (except in IPC) its driver, which deletes its directory. */
    void stopMember(final int i)
    {
        CloseHelper.closeAll(runners[i], transports[i], drivers[i]);
        runners[i] = null;
        transports[i] = null;
        drivers[i] = null;
    }

    String aeronDirectoryName(final int i)
    {
        return Transport.Mode.IPC == mode ? sharedDriver.aeronDirectoryName() : drivers[i].aeronDirectoryName();
    }

    /** Waits until every member is connected to and receiving broadcasts from every other member. */
    void awaitReady()
    {
        awaitCondition("all members connected and receiving from each other", () ->
        {
            for (int i = 0; i < memberCount; i++)
            {
                for (int j = 0; j < memberCount; j++)
                {
                    if (i != j && (!transports[i].connected(j) || !transports[i].receivingFrom(j)))
                    {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    static void awaitCondition(final String what, final BooleanSupplier condition)
    {
        awaitCondition(() -> what, condition);
    }

    static void awaitCondition(final Supplier<String> what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + READY_TIMEOUT_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting for: " + what.get());
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what.get());
            }
        }
    }

    /** Frames member i received so far, in arrival order. */
    List<Frame> received(final int i)
    {
        return new ArrayList<>(recorders[i].frames);
    }

    public void close()
    {
        for (int i = 0; i < memberCount; i++)
        {
            CloseHelper.closeAll(runners[i], transports[i], drivers[i]);
        }
        CloseHelper.close(sharedDriver);
    }
}
