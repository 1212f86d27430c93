package dev.seqnet.node.network;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.Agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Times the duty cycles of the agent that a member's transport thread runs (driver, subscriptions, client ingress,
 * sequencer), because everything that thread sends leaves only when the next cycle runs the media driver: a long
 * cycle is a late proposal or vote on every other member. Only cycles that did work are recorded; every
 * {@link #WINDOW_NS} the thread summarises the last window into fields that {@code seq_status} reads as
 * {@code transport.cycle*}. Recording does not allocate (two histograms, swapped).
 */
public final class DutyCycleTimer implements Agent
{
    /** The summary window. */
    public static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long HIGHEST_US = TimeUnit.SECONDS.toMicros(60);

    private final Agent delegate;
    private final long windowNs;
    private Histogram current = new Histogram(HIGHEST_US, 2);
    private Histogram previous = new Histogram(HIGHEST_US, 2);
    private long windowStartNs;
    private long previousStartNs;
    private int previousWork;
    private volatile long cycles;
    private volatile long p50Us;
    private volatile long p90Us;
    private volatile long p99Us;
    private volatile long maxUs;
    private volatile long maxEverUs;

    /** @param delegate the agent whose busy duty cycles are timed. */
    public DutyCycleTimer(final Agent delegate)
    {
        this(delegate, WINDOW_NS);
    }

    DutyCycleTimer(final Agent delegate, final long windowNs)
    {
        this.delegate = delegate;
        this.windowNs = windowNs;
    }

    @Override
    public void onStart()
    {
        delegate.onStart();
        windowStartNs = System.nanoTime();
    }

    /**
     * One clock read per cycle: a cycle that did work is timed at the start of the next one. The runner's idle
     * strategy returns at once after a busy cycle, so nothing but the thread being descheduled lies in between.
     */
    @Override
    public int doWork() throws Exception
    {
        final long nowNs = System.nanoTime();
        if (previousWork > 0)
        {
            current.recordValue(Math.min(HIGHEST_US, Math.max(0, (nowNs - previousStartNs) / 1000)));
        }
        if (nowNs - windowStartNs >= windowNs)
        {
            closeWindow(nowNs);
        }
        previousStartNs = nowNs;
        previousWork = delegate.doWork();
        return previousWork;
    }

    private void closeWindow(final long nowNs)
    {
        final Histogram h = current;
        current = previous;
        previous = h;
        current.reset();
        windowStartNs = nowNs;
        p50Us = h.getValueAtPercentile(50);
        p90Us = h.getValueAtPercentile(90);
        p99Us = h.getValueAtPercentile(99);
        maxUs = h.getMaxValue();
        maxEverUs = Math.max(maxEverUs, maxUs); // one writer: this thread
        cycles = h.getTotalCount();
    }

    @Override
    public void onClose()
    {
        delegate.onClose();
    }

    @Override
    public String roleName()
    {
        return delegate.roleName();
    }

    /**
     * The last complete window's busy cycles ({@code transport.cycles}), their p50, p90, p99 and longest in µs, and
     * the longest of every completed window since start ({@code transport.cycleMaxEverUs}); zeros before the first.
     * The fields are read one by one: a read that races the end of a window may mix two windows' figures.
     */
    public Map<String, Long> toMap()
    {
        final Map<String, Long> map = new LinkedHashMap<>();
        map.put("transport.cycles", cycles);
        map.put("transport.cycleP50Us", p50Us);
        map.put("transport.cycleP90Us", p90Us);
        map.put("transport.cycleP99Us", p99Us);
        map.put("transport.cycleMaxUs", maxUs);
        map.put("transport.cycleMaxEverUs", maxEverUs);
        return map;
    }
}
