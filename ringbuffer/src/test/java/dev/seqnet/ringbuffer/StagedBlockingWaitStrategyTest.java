package dev.seqnet.ringbuffer;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer waiting for an upstream stage (not the publisher) blocks instead of spinning, wakes on that
 * stage's signal, rechecks on its own when no signal comes, and leaves on an alert.
 */
@Timeout(30)
class StagedBlockingWaitStrategyTest
{
    private static final long LONG_BLOCK_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** A ring with one published event, and a barrier that follows {@code upstream} (still at -1). */
    private static SequenceBarrier barrierBehind(final WaitStrategy strategy, final Sequence upstream)
    {
        final RingBuffer<long[]> ring = RingBuffer.createSingleProducer(() -> new long[1], 8, strategy);
        ring.publish(ring.next());
        return ring.newBarrier(upstream);
    }

    private static CompletableFuture<Long> waitInBackground(final SequenceBarrier barrier, final AtomicLong cpuNanos)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return CompletableFuture.supplyAsync(() ->
        {
            final long before = threads.getCurrentThreadCpuTime();
            try
            {
                return barrier.waitFor(0);
            }
            catch (final AlertException | InterruptedException | com.lmax.disruptor.TimeoutException e)
            {
                throw new IllegalStateException(e);
            }
            finally
            {
                cpuNanos.set(threads.getCurrentThreadCpuTime() - before);
            }
        });
    }

    @Test
    void blocksWithoutSpinningOnAnUpstreamStageAndWakesOnItsSignal() throws Exception
    {
        final StagedBlockingWaitStrategy strategy = new StagedBlockingWaitStrategy(
            TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MICROSECONDS.toNanos(50), LONG_BLOCK_NANOS);
        final Sequence upstream = new Sequence();
        final AtomicLong cpu = new AtomicLong();
        final CompletableFuture<Long> waiter = waitInBackground(barrierBehind(strategy, upstream), cpu);

        Thread.sleep(300);
        assertTrue(!waiter.isDone(), "the upstream stage has not reached sequence 0");
        final long signalledAt = System.nanoTime();
        upstream.set(0);
        strategy.signalAllWhenBlocking();
        assertEquals(0L, waiter.get(10, TimeUnit.SECONDS));
        final long wokeAfter = System.nanoTime() - signalledAt;

        assertTrue(wokeAfter < LONG_BLOCK_NANOS / 4, "woken by the signal, not by a recheck: " + wokeAfter + " ns");
        assertTrue(cpu.get() < TimeUnit.MILLISECONDS.toNanos(100),
            "a 300 ms wait costs no more than spin + yield phases and the wake-up, not a spin: " + cpu.get() / 1_000_000 + " ms CPU");
    }

    @Test
    void disruptorsBlockingStrategySpinsOnUpstreamStages() throws Exception
    {
        // Why the strategy exists: the same wait under Disruptor's BlockingWaitStrategy burns a core.
        final Sequence upstream = new Sequence();
        final AtomicLong cpu = new AtomicLong();
        final CompletableFuture<Long> waiter = waitInBackground(barrierBehind(new BlockingWaitStrategy(), upstream), cpu);
        Thread.sleep(300);
        upstream.set(0);
        assertEquals(0L, waiter.get(10, TimeUnit.SECONDS));
        assertTrue(cpu.get() > TimeUnit.MILLISECONDS.toNanos(100), "spun for most of 300 ms: " + cpu.get() / 1_000_000 + " ms CPU");
    }

    @Test
    void rechecksOnItsOwnWhenNoSignalComes() throws Exception
    {
        final StagedBlockingWaitStrategy strategy = new StagedBlockingWaitStrategy(0, 0, TimeUnit.MILLISECONDS.toNanos(5));
        final Sequence upstream = new Sequence();
        final CompletableFuture<Long> waiter = waitInBackground(barrierBehind(strategy, upstream), new AtomicLong());
        Thread.sleep(50);
        upstream.set(0); // no signal
        assertEquals(0L, waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAlertEndsTheWait() throws Exception
    {
        final StagedBlockingWaitStrategy strategy = new StagedBlockingWaitStrategy(0, 0, LONG_BLOCK_NANOS);
        final SequenceBarrier barrier = barrierBehind(strategy, new Sequence());
        final CompletableFuture<Long> waiter = waitInBackground(barrier, new AtomicLong());
        Thread.sleep(50);
        barrier.alert();
        final ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
        assertInstanceOf(AlertException.class, e.getCause().getCause());
    }

    @Test
    void rejectsPhasesOutOfOrder()
    {
        assertThrows(IllegalArgumentException.class, () -> new StagedBlockingWaitStrategy(10, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new StagedBlockingWaitStrategy(0, 0, 0));
    }
}
