package dev.seqnet.ringbuffer;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Spins, then yields, then blocks, for the publisher's cursor and for upstream stages alike.
 * Hand-written because Disruptor's blocking strategies ({@code BlockingWaitStrategy},
 * {@code LiteBlockingWaitStrategy}, and {@code PhasedBackoffWaitStrategy}, which falls back to one)
 * block only until the cursor moves and then busy-spin until the stages they follow catch up. Our
 * sequencer stage follows the recovery stage, which takes tens of µs per signature: profiled with JFR on
 * a 4-member network on two cores, the sequencer thread spent 85 % of its samples in that spin, taking
 * the core from the recovery thread it was waiting for. Here upstream stages wake the waiters: a
 * {@link RecoveryHandler} calls {@link #signalAllWhenBlocking()} after it advances its sequence, as the
 * ring does after every publish. A wait also rechecks every {@code maxBlockNanos}, so a missed signal
 * costs at most that.
 */
public final class StagedBlockingWaitStrategy implements WaitStrategy
{
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private final AtomicBoolean signalNeeded = new AtomicBoolean();
    private final long spinNanos;
    private final long yieldNanos;
    private final long maxBlockNanos;

    /**
     * @param spinNanos     how long a waiter spins before yielding.
     * @param yieldNanos    how long from the start of the wait it yields before blocking ({@code >= spinNanos}).
     * @param maxBlockNanos the longest a blocked waiter sleeps without a signal before it looks again.
     */
    public StagedBlockingWaitStrategy(final long spinNanos, final long yieldNanos, final long maxBlockNanos)
    {
        if (spinNanos < 0 || yieldNanos < spinNanos || maxBlockNanos <= 0)
        {
            throw new IllegalArgumentException("need 0 <= spin <= yield and maxBlock > 0: " + spinNanos + " / " +
                yieldNanos + " / " + maxBlockNanos);
        }
        this.spinNanos = spinNanos;
        this.yieldNanos = yieldNanos;
        this.maxBlockNanos = maxBlockNanos;
    }

    /** Spin and yield for the given µs, then block (rechecking every millisecond). */
    public static StagedBlockingWaitStrategy ofMicros(final long spinMicros, final long yieldMicros)
    {
        return new StagedBlockingWaitStrategy(TimeUnit.MICROSECONDS.toNanos(spinMicros),
            TimeUnit.MICROSECONDS.toNanos(yieldMicros), TimeUnit.MILLISECONDS.toNanos(1));
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException, InterruptedException
    {
        long available = dependentSequence.get();
        if (available >= sequence)
        {
            return available;
        }
        final long start = System.nanoTime();
        long waited = 0;
        int spins = 0;
        while (true)
        {
            barrier.checkAlert();
            // The clock is read every 32 spins, not every spin: perf showed clock_gettime at 5 % of a waiting thread.
            if ((++spins & 31) == 0 || waited >= spinNanos)
            {
                waited = System.nanoTime() - start;
            }
            if (waited < spinNanos)
            {
                Thread.onSpinWait();
            }
            else if (waited < yieldNanos)
            {
                Thread.yield();
            }
            else
            {
                lock.lock();
                try
                {
                    // Announce the wait before the last look: a signaller that advanced a sequence before
                    // seeing the flag has its progress seen by that look; one that sees it wakes us.
                    signalNeeded.set(true);
                    if ((available = dependentSequence.get()) >= sequence)
                    {
                        return available;
                    }
                    barrier.checkAlert();
                    progress.awaitNanos(maxBlockNanos);
                }
                finally
                {
                    lock.unlock();
                }
            }
            if ((available = dependentSequence.get()) >= sequence)
            {
                return available;
            }
        }
    }

    /** Wakes every blocked waiter, if any is blocked: the ring calls it on publish, upstream stages after advancing. */
    @Override
    public void signalAllWhenBlocking()
    {
        if (signalNeeded.getAndSet(false))
        {
            lock.lock();
            try
            {
                progress.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString()
    {
        return "StagedBlockingWaitStrategy{spinNanos=" + spinNanos + ", yieldNanos=" + yieldNanos +
            ", maxBlockNanos=" + maxBlockNanos + '}';
    }
}
