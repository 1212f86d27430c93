package dev.seqnet.ringbuffer;

import com.lmax.disruptor.ExceptionHandler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts and logs every exception thrown inside the pipeline (by the recovery function, the
 * sequencer stage, a callback, or anything reaching the Disruptor's exception handler) so that
 * none of them stops a processor. Logging is throttled: a callback failing on every transaction
 * must not turn the sequencer thread into a log writer.
 */
final class StageFaults implements ExceptionHandler<IngressEvent>
{
    private static final System.Logger LOG = System.getLogger(IngressPipeline.class.getName());
    private static final long LOG_FIRST = 100;
    private static final long LOG_EVERY = 10_000;

    private final AtomicLong count = new AtomicLong();

    void record(final String where, final Throwable cause)
    {
        final long n = count.incrementAndGet();
        if (n <= LOG_FIRST || n % LOG_EVERY == 0)
        {
            LOG.log(System.Logger.Level.WARNING, () -> "ingress: " + where + " threw (stage exception #" + n + ")", cause);
        }
    }

    long count()
    {
        return count.get();
    }

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final IngressEvent event)
    {
        record("event handler at sequence " + sequence, ex);
    }

    @Override
    public void handleOnStartException(final Throwable ex)
    {
        record("event processor start", ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex)
    {
        record("event processor shutdown", ex);
    }
}
