package dev.seqnet.ringbuffer;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.Sequence;
import org.agrona.concurrent.Agent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The ingress pipeline's last stage as an Agrona {@link Agent} that another duty cycle runs, like Aeron's
 * {@code AgentInvoker} for a media driver ({@link IngressPipeline.Context#useSequencerInvoker}). On a host
 * whose cores are all busy, the transport thread that puts a peer's frame into the ring can recover and
 * sequence it in the same duty cycle: no wake-up of a second thread, no context switch, and the sends the
 * stage makes leave on the transport's next cycle instead of waiting for its idle park to end.
 *
 * <p>Each {@link #doWork()} publishes a tick when one is due (no tick thread), then handles up to
 * {@link IngressPipeline.Context#invokerBatchLimit} published slots in ring order. Producers on other
 * threads (RPC) unpark the invoking thread after they publish, so a transaction does not wait out the
 * runner's idle park. An exception from a handler is counted and skips that slot only, as in a
 * {@code BatchEventProcessor}.
 */
public final class SequencerInvoker implements Agent
{
    private final EventPoller<IngressEvent> poller;
    private final Sequence sequence;
    private final EventPoller.Handler<IngressEvent> onEvent = this::onEvent;
    private int handled;
    private boolean inDoWork;
    private final EventHandler<IngressEvent> handler;
    private final StageFaults faults;
    private final IngressPipeline pipeline;
    private final int batchLimit;
    private final long tickIntervalNs;
    private long nextTickNs;
    private volatile Thread invokingThread;

    SequencerInvoker(
        final IngressPipeline pipeline,
        final EventPoller<IngressEvent> poller,
        final EventHandler<IngressEvent> handler,
        final StageFaults faults,
        final int batchLimit,
        final long tickIntervalMs)
    {
        this.pipeline = pipeline;
        this.poller = poller;
        this.sequence = poller.getSequence();
        this.handler = handler;
        this.faults = faults;
        this.batchLimit = batchLimit;
        this.tickIntervalNs = TimeUnit.MILLISECONDS.toNanos(tickIntervalMs);
    }

    @Override
    public void onStart()
    {
        invokingThread = Thread.currentThread();
    }

    /**
     * Publishes a due tick, then handles the slots published so far, at most the batch limit.
     *
     * @return slots handled: the work count for the invoking duty cycle.
     */
    @Override
    public int doWork()
    {
        if (null == invokingThread)
        {
            invokingThread = Thread.currentThread();
        }
        if (!pipeline.isSequencing())
        {
            return 0;
        }
        inDoWork = true;
        try
        {
            if (tickIntervalNs > 0)
            {
                final long nowNs = System.nanoTime();
                if (nowNs - nextTickNs >= 0)
                {
                    pipeline.tick();
                    // Behind (descheduled) means one tick, not a burst: the next is an interval from now.
                    nextTickNs = nowNs + tickIntervalNs;
                }
            }
            return drain();
        }
        finally
        {
            inDoWork = false;
        }
    }

    private int drain()
    {
        handled = 0;
        try
        {
            poller.poll(onEvent);
        }
        catch (final Exception ex)
        {
            // onEvent catches everything; kept for the poller's own signature.
            faults.handleEventException(ex, sequence.get(), null);
        }
        return handled;
    }

    private boolean onEvent(final IngressEvent event, final long s, final boolean endOfBatch)
    {
        handled++;
        final boolean last = endOfBatch || handled >= batchLimit;
        try
        {
            // The last slot of this call is the stage's end of batch: a limited call still flushes what it offered.
            handler.onEvent(event, s, last);
        }
        catch (final Throwable ex)
        {
            faults.handleEventException(ex, s, event);
        }
        return !last;
    }

    @Override
    public String roleName()
    {
        return IngressPipeline.SEQUENCER_THREAD_NAME;
    }

    /** The thread that runs this invoker, once it has run; null before. */
    Thread invokingThread()
    {
        return invokingThread;
    }

    /** Whether {@code thread} is this invoker's, inside {@link #doWork()}: a stage callback, which must not close the pipeline. */
    boolean isInsideDoWork(final Thread thread)
    {
        return thread == invokingThread && inDoWork;
    }

    /** Whether another thread, still alive, has been running this invoker (close() then waits for it). */
    boolean isInvoked()
    {
        final Thread thread = invokingThread;
        return null != thread && thread != Thread.currentThread() && thread.isAlive();
    }

    /** Wakes the invoking thread from its idle park; a no-op on that thread itself or before it ran. */
    void wake()
    {
        final Thread thread = invokingThread;
        if (null != thread && Thread.currentThread() != thread)
        {
            LockSupport.unpark(thread);
        }
    }
}
