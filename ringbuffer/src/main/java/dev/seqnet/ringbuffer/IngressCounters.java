package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.TxRejection;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pipeline's counters. Producer-side counts are written by many RPC threads, so they are
 * {@link LongAdder}s; outcome counts are written only by the sequencer thread, so they are a
 * plain read plus an ordered store (no atomic read-modify-write on the hot path).
 */
final class IngressCounters
{
    private static final int REASONS = TxRejection.values().length;
    private static final int ADMITTED = REASONS;
    private static final int TICKS = REASONS + 1;

    final LongAdder submitted = new LongAdder();
    final LongAdder overloaded = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder framesOversize = new LongAdder();
    final LongAdder framesRefused = new LongAdder();
    final LongAdder largeFrames = new LongAdder();

    private final AtomicLongArray outcomes = new AtomicLongArray(REASONS + 2);

    /** Sequencer thread only. */
    void onAdmitted()
    {
        increment(ADMITTED);
    }

    /** Sequencer thread only. */
    void onRejected(final TxRejection reason)
    {
        increment(reason.ordinal());
    }

    /** Sequencer thread only. */
    void onTick()
    {
        increment(TICKS);
    }

    long admitted()
    {
        return outcomes.get(ADMITTED);
    }

    long rejected(final TxRejection reason)
    {
        return outcomes.get(reason.ordinal());
    }

    long rejected()
    {
        long total = 0;
        for (int i = 0; i < REASONS; i++)
        {
            total += outcomes.get(i);
        }
        return total;
    }

    long ticks()
    {
        return outcomes.get(TICKS);
    }

    private void increment(final int index)
    {
        outcomes.lazySet(index, outcomes.get(index) + 1);
    }
}
