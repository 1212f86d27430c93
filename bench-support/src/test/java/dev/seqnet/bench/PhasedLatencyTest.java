package dev.seqnet.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PhasedLatencyTest
{
    @Test
    void onlyMeasuredLatenciesReachTheTotalAndBothReachTheProgressInterval()
    {
        final PhasedLatency latency = new PhasedLatency();
        latency.record(PhasedLatency.WARMUP, 5_000);
        latency.record(PhasedLatency.MEASURED, 200);
        latency.record(PhasedLatency.MEASURED, 0); // a clock tie: counted as 1 µs, not dropped

        final Histogram measured = latency.drainIntervals();
        assertEquals(2, measured.getTotalCount());
        assertEquals(1, measured.getMinValue());
        assertEquals(2, latency.total().getTotalCount());
        final Histogram both = latency.lastInterval();
        assertEquals(3, both.getTotalCount());
        assertEquals(5_000, both.getMaxValue(), 5_000 / 1000.0 + 1);

        latency.record(PhasedLatency.MEASURED, 300);
        assertEquals(1, latency.drainIntervals().getTotalCount(), "an interval holds what came since the last drain");
        assertEquals(3, latency.total().getTotalCount(), "the total keeps every measured latency");
        assertEquals(1, latency.lastInterval().getTotalCount());
    }
}
