package dev.seqnet.ringbuffer;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.List;

/**
 * Disruptor wait strategies by configuration name, so the node's config file can choose one.
 * <ul>
 *   <li>{@code yielding} (default): spins briefly then {@code Thread.yield()}; low latency and
 *   polite enough to share cores.</li>
 *   <li>{@code sleeping}: spins, yields, then parks ~100 µs; least CPU when idle, higher latency.</li>
 *   <li>{@code blocking}: lock and condition at once; producers signal on every publish and the
 *   recovery stage when it advances ({@link StagedBlockingWaitStrategy}).</li>
 *   <li>{@code backoff} (the node's default): spins for {@value #BACKOFF_SPIN_MICROS} µs, yields until
 *   {@value #BACKOFF_YIELD_MICROS} µs, then blocks, for the publisher and for the stage it follows alike
 *   ({@link StagedBlockingWaitStrategy}); µs hand-offs under load and no CPU when idle, which matters
 *   with several members sharing two cores (an idle {@code sleeping} or {@code yielding} handler costs
 *   a quarter of a core or more, and Disruptor's own blocking strategies busy-spin on upstream stages).</li>
 *   <li>{@code busy-spin}: never gives the core up. Only for consumer threads pinned to dedicated
 *   cores: with more busy threads than cores everything stalls.</li>
 * </ul>
 */
public final class WaitStrategies
{
    public static final String YIELDING = "yielding";
    public static final String SLEEPING = "sleeping";
    public static final String BLOCKING = "blocking";
    public static final String BUSY_SPIN = "busy-spin";
    public static final String BACKOFF = "backoff";
    public static final long BACKOFF_SPIN_MICROS = 10;
    public static final long BACKOFF_YIELD_MICROS = 50;

    /** Every accepted name. */
    public static final List<String> NAMES = List.of(BACKOFF, YIELDING, SLEEPING, BLOCKING, BUSY_SPIN);

    private WaitStrategies()
    {
    }

    /**
     * A new wait strategy (they hold state, so never share one between rings).
     *
     * @throws IllegalArgumentException for a name not in {@link #NAMES}.
     */
    public static WaitStrategy create(final String name)
    {
        switch (name)
        {
            case YIELDING:
                return new YieldingWaitStrategy();
            case SLEEPING:
                return new SleepingWaitStrategy();
            case BLOCKING:
                return StagedBlockingWaitStrategy.ofMicros(0, 0);
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case BACKOFF:
                return StagedBlockingWaitStrategy.ofMicros(BACKOFF_SPIN_MICROS, BACKOFF_YIELD_MICROS);
            default:
                throw new IllegalArgumentException("unknown wait strategy '" + name + "', expected one of " + NAMES);
        }
    }
}
