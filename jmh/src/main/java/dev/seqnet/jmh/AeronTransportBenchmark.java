package dev.seqnet.jmh;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.seqnet.transport.FrameHandler;
import dev.seqnet.transport.LoopbackPorts;
import dev.seqnet.transport.MediaDriverLauncher;
import dev.seqnet.transport.SendResult;
import dev.seqnet.transport.Transport;
import dev.seqnet.transport.TransportAgent;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Round trip of one broadcast between sequencer members through {@code transport-aeron}: member 0 broadcasts a
 * frame, member 1 broadcasts it back from its {@link TransportAgent}, member 0 polls until the echo arrives. Any
 * further members ({@code -p members=4}) receive and drop every frame, as voters that are not answering would.
 * Each member has its own embedded media driver (one shared driver in IPC mode) with the launcher's defaults:
 * {@code SHARED} threading, backoff idle parking up to {@code driverMaxParkUs}. The echo agent backs off the
 * same way; the benchmark thread spins and yields briefly, then parks, so nothing busy-spins on the two cores.
 * <p>
 * JMH's sample-time percentiles are of the whole invocation; the HdrHistogram printed at the end of each trial
 * holds every round trip of the measurement iterations (p50/p99/p99.9/max in microseconds).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class AeronTransportBenchmark
{
    @Param({ "UNICAST", "MDC", "MULTICAST" })
    public String mode;

    @Param({ "64" })
    public int frameLength;

    @Param({ "2" })
    public int members;

    /** Datagram length; 1408 is Aeron's Ethernet-sized default, 8192 the launcher's loopback default. */
    @Param({ "8192" })
    public int mtu;

    /** Longest park of the drivers' backoff idle strategy, in microseconds (launcher default 1000). */
    @Param({ "1000" })
    public long driverMaxParkUs;

    private MediaDriverLauncher[] drivers;
    private Transport[] transports;
    private AgentRunner[] runners;
    private UnsafeBuffer frame;
    private final IdleStrategy waitIdle = new BackoffIdleStrategy(100, 100, 1_000, 20_000);
    private final Echoed echoed = new Echoed();
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private boolean measuring;

    /** Member 0's handler: notes the echo of the frame in flight. */
    static final class Echoed implements FrameHandler
    {
        boolean arrived;

        public void onFrame(final int fromMember, final DirectBuffer buffer, final int offset, final int length)
        {
            if (1 == fromMember)
            {
                arrived = true;
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        final Transport.Mode transportMode = Transport.Mode.valueOf(mode);
        final int[] ports = LoopbackPorts.freeUdpPorts(members + 1);
        final String[] endpoints = new String[members];
        for (int i = 0; i < members; i++)
        {
            endpoints[i] = "127.0.0.1:" + ports[i];
        }
        final String multicastEndpoint = "239.255.0." + (ThreadLocalRandom.current().nextInt(0, 127) * 2 + 1) + ":" +
            ports[members];

        drivers = new MediaDriverLauncher[members];
        transports = new Transport[members];
        runners = new AgentRunner[members];
        for (int i = 0; i < members; i++)
        {
            if (Transport.Mode.IPC != transportMode || 0 == i)
            {
                drivers[i] = MediaDriverLauncher.launch(new MediaDriverLauncher.Context()
                    .name("bench-" + i)
                    .mtuLength(mtu)
                    .idleMaxParkNs(TimeUnit.MICROSECONDS.toNanos(driverMaxParkUs)));
            }
            final String dir = (null != drivers[i] ? drivers[i] : drivers[0]).aeronDirectoryName();
            transports[i] = Transport.launch(new Transport.Context()
                .mode(transportMode)
                .memberIndex(i)
                .memberCount(members)
                .memberEndpoints(endpoints)
                .multicastEndpoint(multicastEndpoint)
                .aeronDirectoryName(dir));
        }

        final Transport echo = transports[1];
        runners[1] = start(new TransportAgent(echo, (from, buffer, offset, length) ->
        {
            if (0 == from)
            {
                while (SendResult.SENT != echo.send(buffer, offset, length))
                {
                    Thread.yield();
                }
            }
        }));
        for (int i = 2; i < members; i++)
        {
            runners[i] = start(new TransportAgent(transports[i], (from, buffer, offset, length) -> {}));
        }

        awaitReady();
        frame = new UnsafeBuffer(new byte[frameLength]);
        histogram.reset();
    }

    @Setup(Level.Iteration)
    public void iterationSetUp(final IterationParams params)
    {
        measuring = IterationType.MEASUREMENT == params.getType();
    }

    private static AgentRunner start(final TransportAgent agent)
    {
        final AgentRunner runner = new AgentRunner(
            new BackoffIdleStrategy(10, 20, 1_000, 100_000), Throwable::printStackTrace, null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    private void awaitReady()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < members; i++)
        {
            for (int j = 0; j < members; j++)
            {
                while (i != j && (!transports[i].connected(j) || !transports[i].receivingFrom(j)))
                {
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new IllegalStateException("members not connected after 10 s: " + i + " -> " + j);
                    }
                    Thread.yield();
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        System.out.printf("%n%s frame=%d B members=%d mtu=%d driverMaxPark=%d us: RTT us p50=%.1f p90=%.1f " +
            "p99=%.1f p99.9=%.1f max=%.1f (n=%d)%n",
            mode, frameLength, members, mtu, driverMaxParkUs,
            histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(90) / 1000.0,
            histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0,
            histogram.getMaxValue() / 1000.0, histogram.getTotalCount());
        CloseHelper.closeAll(runners);
        CloseHelper.closeAll(transports);
        CloseHelper.closeAll(drivers);
    }

    @Benchmark
    public void roundTrip()
    {
        final Transport transport = transports[0];
        final long start = System.nanoTime();
        echoed.arrived = false;
        while (SendResult.SENT != transport.send(frame, 0, frameLength))
        {
            Thread.yield();
        }
        waitIdle.reset();
        while (!echoed.arrived)
        {
            waitIdle.idle(transport.poll(echoed, 16));
        }
        if (measuring)
        {
            histogram.recordValue(System.nanoTime() - start);
        }
    }
}
