package dev.seqnet.node.bench;

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
 * the calling thread hands every due transaction to the {@link AccountPacer} and never waits for a
 * reply. A transaction a member refuses for now is sent again by the pacer, which holds its account's
 * later transactions back meanwhile, as a real client would, so no account is left with a nonce gap.
 * Each finalized transaction's latency is measured from its first scheduled time, not from when it (or
 * its last resend) actually went out, so a stall anywhere (generator, HTTP, member, a refusal) shows in
 * the figures instead of silently delaying later sends (coordinated omission). A progress line is
 * printed every second. After the last scheduled send the run drains: it waits until every transaction
 * is finalized or refused for good, for as long as blocks keep finalizing some of them.
 */
final class OpenLoopRun implements FinalityFeed.Listener, AccountPacer.Outcomes
{
    private static final int WARMUP = PhasedLatency.WARMUP;
    private static final int MEASURED = PhasedLatency.MEASURED;
    private static final int MAX_SAMPLES = 5;
    private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SEND_TIMER_SLACK_NS = 1_000;
    /** How long past the last scheduled send a sender that paces may take to make it before the run gives up. */
    private static final long LOOP_STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final TxSender sender;
    private final FinalityFeed finality;
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
    private final PhasedLatency latency = new PhasedLatency();
    private final Histogram sendLag = new Histogram(3);
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sampleCount = new AtomicInteger();

    private long t0;
    /** The first transaction not yet handed to the pacer: the pacing thread's (the sender's loop, when it paces). */
    private int nextToSend;
    private volatile int scheduled;
    private volatile boolean running;
    /** Written only by the finality feed's thread. */
    private volatile long lastFinalizedNanos;
    /** When a transaction last finalized or was refused for good: the drain goes on while this moves. */
    private volatile long lastResolvedNanos;
    private long firstBackoffMs = AccountPacer.FIRST_BACKOFF_MS;
    private int window = AccountPacer.DEFAULT_WINDOW;
    /** Refusals for now (and failed requests) by reason, the part of each message before any ':'. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> refusedForNow =
        new java.util.concurrent.ConcurrentHashMap<>();
    private AccountPacer pacer;
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
        final TxSender sender,
        final FinalityFeed finality,
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
        this.finality = finality;
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

    /** The first pause before a refused transaction is sent again (default {@link AccountPacer#FIRST_BACKOFF_MS}). */
    OpenLoopRun firstBackoffMs(final long firstBackoffMs)
    {
        this.firstBackoffMs = firstBackoffMs;
        return this;
    }

    /**
     * Most transactions of one account sent and not yet final (default {@link AccountPacer#DEFAULT_WINDOW});
     * 0 for no limit.
     */
    OpenLoopRun window(final int window)
    {
        this.window = window;
        return this;
    }

    /**
     * Sends every transaction on schedule (and again when refused for now), drains until all are finalized or
     * refused for good, or until none has been for the grace period, and summarizes.
     */
    RunResult run() throws InterruptedException
    {
        final int total = load.size();
        // Latency counts from each transaction's intended send time, so a late wake-up of this thread is charged to
        // the network under test: park with 1 µs of timer slack instead of the kernel's default 50 µs.
        dev.seqnet.transport.ThreadTimerSlack.apply(SEND_TIMER_SLACK_NS);
        pacer = new AccountPacer(sender, load, state, this, firstBackoffMs, window);
        t0 = System.nanoTime() + LEAD_NANOS;
        if (paths != null && warmupCount == 0)
        {
            paths.markStart();
            pathsStarted = true;
        }
        running = true;
        finality.follow(load, this);
        final Thread progress = new Thread(this::progressLoop, "seqnet-bench-progress");
        progress.setDaemon(true);
        progress.start();
        boolean paced = false;
        try
        {
            paced = sender.pace(this::dueOnLoop);
            if (paced)
            {
                // The sender's loop sends on schedule itself; this thread only watches.
                final long lastDue = intended(total - 1);
                while (scheduled < total)
                {
                    failIfSenderOrFeedFailed();
                    if (System.nanoTime() - lastDue > LOOP_STALL_NANOS)
                    {
                        throw new IllegalStateException("the sender's loop is " + TimeUnit.NANOSECONDS.toSeconds(LOOP_STALL_NANOS) +
                            " s past the last scheduled send and has not made it");
                    }
                    TimeUnit.MILLISECONDS.sleep(2);
                }
            }
            else
            {
                while (nextToSend < total)
                {
                    failIfSenderOrFeedFailed();
                    final long now = System.nanoTime();
                    final int end = dueThrough(now);
                    if (end > nextToSend)
                    {
                        pacer.due(nextToSend, end);
                        nextToSend = end;
                        scheduled = end;
                    }
                    else
                    {
                        LockSupport.parkNanos(intended(nextToSend) - now);
                    }
                }
            }
            // Drain while blocks keep finalizing the backlog (a refused transaction may get in long after its
            // slot), but at most as long again as the run itself.
            final long scheduleEnd = intended(total - 1);
            final long hardEnd = scheduleEnd + Math.max(graceNanos, (long)((warmupSeconds + durationSeconds) * 1e9));
            lastResolvedNanos = scheduleEnd;
            long now;
            while (resolved.get() < total && (now = System.nanoTime()) < hardEnd &&
                now - Math.max(scheduleEnd, lastResolvedNanos) < graceNanos)
            {
                failIfSenderOrFeedFailed();
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
        finally
        {
            running = false;
            progress.interrupt();
            progress.join();
            try
            {
                if (paced && scheduled < total)
                {
                    sender.pace(null); // the run failed before its last send: the loop stops sending for it
                }
                pacer.stop();
                finality.follow(load, null);
            }
            catch (final IllegalStateException e)
            {
                // the sender's loop has failed: nothing is running to stop; the run's own failure is the one to report
            }
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

    /**
     * The end of the transactions due at {@code now} from {@link #nextToSend}; records their send lag and, when the
     * measured part begins among them, the backlog.
     */
    private int dueThrough(final long now)
    {
        final int total = load.size();
        final int next = nextToSend;
        int end = next;
        while (end < total && intended(end) <= now)
        {
            if (end >= warmupCount)
            {
                sendLag.recordValue(Math.max(0, now - intended(end)) / 1000);
            }
            end++;
        }
        if (end > next && next <= warmupCount && end > warmupCount)
        {
            backlogAtMeasureStart = warmupCount - resolved.get();
        }
        return end;
    }

    /** The schedule as the sender's loop thread runs it ({@link TxSender#pace}): sends what is due, directly. */
    private long dueOnLoop(final long now)
    {
        final int end = dueThrough(now);
        if (end > nextToSend)
        {
            pacer.dueOnLoop(nextToSend, end);
            nextToSend = end;
            scheduled = end;
        }
        return nextToSend < load.size() ? intended(nextToSend) : Long.MAX_VALUE;
    }

    private long intended(final int i)
    {
        return t0 + (long)(i * periodNanos);
    }

    private int phase(final int i)
    {
        return i < warmupCount ? WARMUP : MEASURED;
    }

    private void failIfSenderOrFeedFailed()
    {
        final String senderFailure = sender.failure();
        if (senderFailure != null)
        {
            throw new IllegalStateException(senderFailure);
        }
        final String failure = finality.failure();
        if (failure != null)
        {
            throw new IllegalStateException(failure + " (the bench cannot see finalized transactions any more)");
        }
    }

    @Override
    public void finalized(final int i, final long arrivedNanos)
    {
        if (i < 0 || i >= state.length() || !markFinalized(i))
        {
            return;
        }
        final int phase = phase(i);
        // From the first scheduled send, whatever resends it took.
        latency.record(phase, (arrivedNanos - intended(i)) / 1000);
        finalized.incrementAndGet(phase);
        if (phase == MEASURED && arrivedNanos > lastFinalizedNanos)
        {
            lastFinalizedNanos = arrivedNanos;
        }
        lastResolvedNanos = arrivedNanos;
        resolved.incrementAndGet();
    }

    /** Any state a sent transaction can be in becomes FINALIZED, once. */
    private boolean markFinalized(final int i)
    {
        while (true)
        {
            final int s = state.get(i);
            if (s == AccountPacer.FINALIZED || s == AccountPacer.REJECTED || s == AccountPacer.NOT_DUE)
            {
                return false;
            }
            if (state.compareAndSet(i, s, AccountPacer.FINALIZED))
            {
                return true;
            }
        }
    }

    @Override
    public void rejected(final int i, final String message)
    {
        rejected.incrementAndGet(phase(i));
        lastResolvedNanos = System.nanoTime();
        resolved.incrementAndGet();
        sample(message);
    }

    @Override
    public void refusedForNow(final int i, final String message)
    {
        sample(message + " (sent again)");
        final int colon = message.indexOf(':');
        refusedForNow.computeIfAbsent(colon < 0 ? message : message.substring(0, colon),
            k -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    private void sample(final String message)
    {
        if (!samples.contains(message) && sampleCount.getAndIncrement() < MAX_SAMPLES)
        {
            samples.add(message);
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
        out.printf("%s%4d s  %-7s  sent %9d  finalized %9d  rejected %d  resent %d  %7d tx/s  p50 %s  p99 %s%n",
            label, Math.round((now - t0) / 1e9), phase, scheduled, fin,
            rejected.get(WARMUP) + rejected.get(MEASURED), pacer.resent(), perSecond,
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
        // Not in when the run ended: refused (for good, or for now and never let in), failed on the way, or
        // accepted and never finalized (lost).
        long rej = 0;
        long err = 0;
        for (int i = warmupCount; i < total; i++)
        {
            final int s = state.get(i);
            if (s == AccountPacer.REJECTED || s == AccountPacer.RETRY_WAIT || s == AccountPacer.HELD)
            {
                if (s != AccountPacer.REJECTED && pacer.lastAttemptFailed(i))
                {
                    err++;
                }
                else
                {
                    rej++;
                }
            }
        }
        final long lost = measuredSent - fin - rej - err;
        final double span = (lastFinalizedNanos - intended(warmupCount)) / 1e9;
        final double throughput = fin == 0 || span <= 0 ? 0.0 : fin / span;
        final TreeSet<Integer> troubled = new TreeSet<>();
        for (int i = 0; i < total; i++)
        {
            if (state.get(i) != AccountPacer.FINALIZED)
            {
                troubled.add(load.sender(i));
            }
        }
        return new RunResult(rate, warmupSeconds, durationSeconds, warmupCount, measuredSent, fin, rej, err, lost,
            pacer.resent(), reasons(), latency.total(), throughput, backlogAtMeasureStart, sendLag, new ArrayList<>(samples),
            troubled.stream().mapToInt(Integer::intValue).toArray());
    }

    private java.util.Map<String, Long> reasons()
    {
        final java.util.TreeMap<String, Long> out = new java.util.TreeMap<>();
        refusedForNow.forEach((reason, count) -> out.put(reason, count.sum()));
        return out;
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
