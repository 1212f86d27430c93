package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqnet.bench.PhasedLatency;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One open-loop run at a fixed rate. Transaction {@code i} is scheduled at {@code t0 + i / rate};
 * the calling thread hands every due transaction to the {@link RpcSender} and never waits for a
 * reply. Each finalized transaction's latency is measured from its scheduled time, not from when it
 * was actually sent, so a stall anywhere (generator, HTTP, member) shows in the figures instead of
 * silently delaying later sends (coordinated omission). A progress line is printed every second.
 */
final class OpenLoopRun implements BlockSubscriber.Listener, RpcSender.Replies
{
    private static final int IN_FLIGHT = 0;
    private static final int FINALIZED = 1;
    private static final int REJECTED = 2;
    private static final int FAILED = 3;
    private static final int WARMUP = PhasedLatency.WARMUP;
    private static final int MEASURED = PhasedLatency.MEASURED;
    private static final int MAX_SAMPLES = 5;
    private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SEND_TIMER_SLACK_NS = 1_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RpcSender sender;
    private final BlockSubscriber subscriber;
    private final SignedLoad load;
    private final double rate;
    private final double periodNanos;
    private final int warmupCount;
    private final double warmupSeconds;
    private final double durationSeconds;
    private final long graceNanos;
    private final PrintWriter out;
    private final HistogramLogWriter log;
    private final String tag;
    private final String label;

    private final AtomicIntegerArray state;
    private final AtomicInteger resolved = new AtomicInteger();
    private final AtomicLongArray finalized = new AtomicLongArray(2);
    private final AtomicLongArray rejected = new AtomicLongArray(2);
    private final AtomicLongArray failed = new AtomicLongArray(2);
    private final PhasedLatency latency = new PhasedLatency();
    private final Histogram sendLag = new Histogram(3);
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampleCount = new AtomicInteger();

    private long t0;
    private volatile int scheduled;
    private volatile boolean running;
    /** Written only by the subscriber thread. */
    private volatile long lastFinalizedNanos;
    private long lastReportFinalized;
    private long backlogAtMeasureStart;
    private FinalityPaths paths;
    private boolean pathsStarted;

    /**
     * @param log   where measured interval histograms go (null: none); written from the progress thread.
     * @param tag   the tag those intervals carry (null: none), e.g. the rate of a search step; no spaces or commas
     *              (the log format splits on them).
     * @param label prefix of every progress line (empty for a single run).
     */
    OpenLoopRun(
        final RpcSender sender,
        final BlockSubscriber subscriber,
        final SignedLoad load,
        final double rate,
        final int warmupCount,
        final double warmupSeconds,
        final double durationSeconds,
        final double graceSeconds,
        final PrintWriter out,
        final HistogramLogWriter log,
        final String tag,
        final String label)
    {
        this.sender = sender;
        this.subscriber = subscriber;
        this.load = load;
        this.rate = rate;
        this.periodNanos = 1e9 / rate;
        this.warmupCount = warmupCount;
        this.warmupSeconds = warmupSeconds;
        this.durationSeconds = durationSeconds;
        this.graceNanos = (long)(graceSeconds * 1e9);
        this.out = out;
        this.log = log;
        this.tag = tag;
        this.label = label;
        this.state = new AtomicIntegerArray(load.size());
    }

    /**
     * Counts finalization paths over the measured window: {@code paths} is read (by the progress thread,
     * never the sending one) when measuring begins and again when the run ends.
     */
    OpenLoopRun paths(final FinalityPaths paths)
    {
        this.paths = paths;
        return this;
    }

    /** Sends every transaction on schedule, waits until all are finalized or the grace period ends, and summarizes. */
    RunResult run() throws InterruptedException
    {
        final int total = load.size();
        // Latency counts from each transaction's intended send time, so a late wake-up of this thread is charged to
        // the network under test: park with 1 µs of timer slack instead of the kernel's default 50 µs.
        dev.seqnet.transport.ThreadTimerSlack.apply(SEND_TIMER_SLACK_NS);
        t0 = System.nanoTime() + LEAD_NANOS;
        if (paths != null && warmupCount == 0)
        {
            paths.markStart();
            pathsStarted = true;
        }
        running = true;
        subscriber.listener(this);
        final Thread progress = new Thread(this::progressLoop, "seqnet-bench-progress");
        progress.setDaemon(true);
        progress.start();
        try
        {
            int next = 0;
            while (next < total)
            {
                failIfSubscriptionLost();
                final long now = System.nanoTime();
                int end = next;
                while (end < total && intended(end) <= now)
                {
                    if (end >= warmupCount)
                    {
                        sendLag.recordValue(Math.max(0, now - intended(end)) / 1000);
                    }
                    end++;
                }
                if (end > next)
                {
                    if (next <= warmupCount && end > warmupCount)
                    {
                        backlogAtMeasureStart = warmupCount - resolved.get();
                    }
                    sender.sendRange(load, next, end, this);
                    next = end;
                    scheduled = end;
                }
                else
                {
                    LockSupport.parkNanos(intended(next) - now);
                }
            }
            final long deadline = intended(total - 1) + graceNanos;
            while (resolved.get() < total && System.nanoTime() < deadline)
            {
                failIfSubscriptionLost();
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
        finally
        {
            running = false;
            progress.interrupt();
            progress.join();
            subscriber.listener(null);
        }
        drainIntervals(System.nanoTime());
        if (paths != null)
        {
            if (!pathsStarted)
            {
                paths.markStart();
            }
            paths.markEnd();
        }
        return result();
    }

    private long intended(final int i)
    {
        return t0 + (long)(i * periodNanos);
    }

    private int phase(final int i)
    {
        return i < warmupCount ? WARMUP : MEASURED;
    }

    private void failIfSubscriptionLost()
    {
        final String failure = subscriber.failure();
        if (failure != null)
        {
            throw new IllegalStateException(failure + " (the bench cannot see finalized blocks any more)");
        }
    }

    @Override
    public void finalized(final String hashHex, final long arrivedNanos)
    {
        final int i = load.indexOf(hashHex);
        if (i < 0 || !state.compareAndSet(i, IN_FLIGHT, FINALIZED))
        {
            return;
        }
        final int phase = phase(i);
        latency.record(phase, (arrivedNanos - intended(i)) / 1000);
        finalized.incrementAndGet(phase);
        if (phase == MEASURED && arrivedNanos > lastFinalizedNanos)
        {
            lastFinalizedNanos = arrivedNanos;
        }
        resolved.incrementAndGet();
    }

    @Override
    public void replied(final int index, final String body)
    {
        if (body.contains("\"error\"") && state.compareAndSet(index, IN_FLIGHT, REJECTED))
        {
            rejected.incrementAndGet(phase(index));
            resolved.incrementAndGet();
            sample(errorMessage(body));
        }
    }

    @Override
    public void failed(final int index, final Throwable cause)
    {
        if (state.compareAndSet(index, IN_FLIGHT, FAILED))
        {
            failed.incrementAndGet(phase(index));
            resolved.incrementAndGet();
            sample("request failed: " + cause);
        }
    }

    private void sample(final String message)
    {
        if (sampleCount.getAndIncrement() < MAX_SAMPLES)
        {
            samples.add(message);
        }
    }

    private static String errorMessage(final String body)
    {
        try
        {
            return MAPPER.readTree(body).path("error").path("message").asText(body);
        }
        catch (final Exception e)
        {
            return body;
        }
    }

    /** Prints one line a second until the run ends; also moves measured intervals into the total and the log. */
    private void progressLoop()
    {
        long nextReport = t0 + TimeUnit.SECONDS.toNanos(1);
        while (running)
        {
            final long wait = nextReport - System.nanoTime();
            if (wait > 0)
            {
                LockSupport.parkNanos(wait);
                continue;
            }
            final long now = System.nanoTime();
            if (paths != null && !pathsStarted && now >= intended(warmupCount))
            {
                paths.markStart();
                pathsStarted = true;
            }
            drainIntervals(now);
            printProgress(now);
            while (nextReport <= now)
            {
                // A starved thread skips the seconds it missed rather than printing them all at once.
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
        }
    }

    /** Takes the interval histograms of both phases; the measured one joins the total and the log. */
    private void drainIntervals(final long now)
    {
        final Histogram measured = latency.drainIntervals();
        if (log != null && (measured.getTotalCount() > 0 || now >= intended(warmupCount)))
        {
            measured.setTag(tag);
            log.outputIntervalHistogram(measured);
        }
    }

    private void printProgress(final long now)
    {
        final Histogram both = latency.lastInterval();
        final long fin = finalized.get(WARMUP) + finalized.get(MEASURED);
        final long perSecond = fin - lastReportFinalized;
        lastReportFinalized = fin;
        final String phase = now < intended(warmupCount) ? "warm-up" : scheduled < load.size() ? "measure" : "drain";
        out.printf("%s%4d s  %-7s  sent %9d  finalized %9d  rejected %d  failed %d  %7d tx/s  p50 %s  p99 %s%n",
            label, Math.round((now - t0) / 1e9), phase, scheduled, fin,
            rejected.get(WARMUP) + rejected.get(MEASURED), failed.get(WARMUP) + failed.get(MEASURED), perSecond,
            millis(both, 50.0), millis(both, 99.0));
        out.flush();
    }

    private static String millis(final Histogram h, final double percentile)
    {
        return h.getTotalCount() == 0 ? "      -" : String.format("%7.2f ms", h.getValueAtPercentile(percentile) / 1000.0);
    }

    private RunResult result()
    {
        final int total = load.size();
        final long measuredSent = total - warmupCount;
        final long fin = finalized.get(MEASURED);
        final long rej = rejected.get(MEASURED);
        final long err = failed.get(MEASURED);
        final long lost = measuredSent - fin - rej - err;
        final double span = (lastFinalizedNanos - intended(warmupCount)) / 1e9;
        final double throughput = fin == 0 || span <= 0 ? 0.0 : fin / span;
        final TreeSet<Integer> troubled = new TreeSet<>();
        for (int i = 0; i < total; i++)
        {
            if (state.get(i) != FINALIZED)
            {
                troubled.add(load.sender(i));
            }
        }
        return new RunResult(rate, warmupSeconds, durationSeconds, warmupCount, measuredSent, fin, rej, err, lost,
            latency.total(), throughput, backlogAtMeasureStart, sendLag, new ArrayList<>(samples), troubled.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The warm-up plus measured transaction count for a rate and window lengths (at least one measured). */
    static int[] counts(final double rate, final double warmupSeconds, final double durationSeconds)
    {
        final long warm = Math.round(rate * warmupSeconds);
        final long measured = Math.max(1, Math.round(rate * durationSeconds));
        if (warm + measured > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("too many transactions for one run: " + (warm + measured));
        }
        return new int[] {(int)warm, (int)measured};
    }
}
