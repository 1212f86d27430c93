package dev.seqnet.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of an open-loop run in two phases, warm-up and measured, in µs: recorded from any thread,
 * drained once a second by the run's progress thread into per-second intervals, the measured ones
 * added to the run's total. {@code sequencer bench} and the Raft baseline record the same way, so
 * their figures compare.
 */
public final class PhasedLatency
{
    /** The phase of a message sent before the measured window. */
    public static final int WARMUP = 0;
    /** The phase of a message sent in the measured window. */
    public static final int MEASURED = 1;

    private final Recorder[] recorders = {new Recorder(3), new Recorder(3)};
    private final Histogram[] intervals = new Histogram[2];
    private final Histogram total = new Histogram(3);

    /** Records one latency of {@code phase}; at least 1 µs (HdrHistogram's lowest value). Any thread. */
    public void record(final int phase, final long micros)
    {
        recorders[phase].recordValue(Math.max(1, micros));
    }

    /**
     * Takes both phases' intervals since the last call; the measured one joins {@link #total()}. One
     * thread (the progress thread).
     *
     * @return the measured interval, valid until the next call (for an interval log).
     */
    public Histogram drainIntervals()
    {
        intervals[WARMUP] = recorders[WARMUP].getIntervalHistogram(intervals[WARMUP]);
        intervals[MEASURED] = recorders[MEASURED].getIntervalHistogram(intervals[MEASURED]);
        total.add(intervals[MEASURED]);
        return intervals[MEASURED];
    }

    /** Both phases of the last drained interval together (a new histogram), for a progress line. */
    public Histogram lastInterval()
    {
        final Histogram both = intervals[WARMUP].copy();
        both.add(intervals[MEASURED]);
        return both;
    }

    /** Every measured latency drained so far. */
    public Histogram total()
    {
        return total;
    }
}
