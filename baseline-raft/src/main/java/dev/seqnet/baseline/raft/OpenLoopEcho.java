package dev.seqnet.baseline.raft;

import dev.seqnet.bench.PhasedLatency;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.Header;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One open-loop run at a fixed rate against the cluster, by the method of {@code sequencer bench}:
 * message {@code i} is scheduled at {@code t0 + i / rate} and offered when due whatever the echoes do;
 * its latency runs from that scheduled time to the arrival of its echo, so a stall anywhere (client,
 * network, leader, followers) counts against the cluster instead of silently delaying later sends
 * (coordinated omission). The first {@code warmupCount} messages are sent but not counted. Sending,
 * the client's driver and echo polling share one thread ({@link EchoClient}); a second thread prints a
 * progress line every second and writes the measured interval histograms to the log.
 * <p>
 * A message is {@code messageBytes} long and starts with its index (little-endian long), which the
 * echo carries back; the rest is zero.
 */
final class OpenLoopEcho implements EgressListener
{
    private static final byte SCHEDULED = 0;
    private static final byte SENT = 1;
    private static final byte ECHOED = 2;
    private static final byte FAILED = 3;
    private static final int WARMUP = PhasedLatency.WARMUP;
    private static final int MEASURED = PhasedLatency.MEASURED;
    private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EchoClient client;
    private final double rate;
    private final double periodNanos;
    private final int total;
    private final int warmupCount;
    private final double warmupSeconds;
    private final double durationSeconds;
    private final long graceNanos;
    private final long maxParkNanos;
    private final int messageBytes;
    private final PrintWriter out;
    private final HistogramLogWriter log;

    /** Only the load thread reads or writes these. */
    private final byte[] state;
    private final UnsafeBuffer message;
    private long duplicates;
    private long unexpected;

    private final AtomicLongArray echoed = new AtomicLongArray(2);
    private final AtomicLongArray failed = new AtomicLongArray(2);
    private final OfferResults offers = new OfferResults();
    private final PhasedLatency latency = new PhasedLatency();
    private final Histogram sendLag = new Histogram(3);

    private long t0;
    private volatile int sent;
    private volatile long leaderChanges;
    private volatile boolean running;
    private volatile boolean stopRequested;
    private long lastEchoNanos;
    private long lastReportEchoed;
    private long backlogAtMeasureStart;
    private String abortReason;

    /**
     * @param maxParkNanos longest the load thread parks when it has nothing to do (bounds how late an
     *                     echo is noticed; a due send always wakes it earlier).
     * @param log          where measured interval histograms go (null: none); written from the progress thread.
     */
    OpenLoopEcho(
        final EchoClient client,
        final double rate,
        final int warmupCount,
        final int measuredCount,
        final double warmupSeconds,
        final double durationSeconds,
        final double graceSeconds,
        final long maxParkNanos,
        final int messageBytes,
        final PrintWriter out,
        final HistogramLogWriter log)
    {
        if (messageBytes < Long.BYTES)
        {
            throw new IllegalArgumentException("a message needs at least " + Long.BYTES + " bytes for its index: " + messageBytes);
        }
        this.client = client;
        this.rate = rate;
        this.periodNanos = 1e9 / rate;
        this.warmupCount = warmupCount;
        this.total = warmupCount + measuredCount;
        this.warmupSeconds = warmupSeconds;
        this.durationSeconds = durationSeconds;
        this.graceNanos = (long)(graceSeconds * 1e9);
        this.maxParkNanos = maxParkNanos;
        this.messageBytes = messageBytes;
        this.out = out;
        this.log = log;
        this.state = new byte[total];
        this.message = new UnsafeBuffer(ByteBuffer.allocateDirect(messageBytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Asks the load thread to stop sending and return what it has (Ctrl-C); safe from any thread. */
    void stop()
    {
        stopRequested = true;
    }

    /** Offers every message on schedule, waits until all are echoed or the grace period ends, and summarizes. */
    EchoResult run() throws InterruptedException
    {
        final AeronCluster cluster = client.cluster();
        t0 = System.nanoTime() + LEAD_NANOS;
        running = true;
        client.listener(this);
        final Thread progress = new Thread(this::progressLoop, "raft-baseline-progress");
        progress.setDaemon(true);
        progress.start();
        try
        {
            int next = 0;
            long lastKeepAlive = System.nanoTime();
            long deadline = Long.MAX_VALUE;
            while (true)
            {
                int work = client.doWork();
                if (stopRequested)
                {
                    abort("stopped by a signal", next);
                    break;
                }
                if (cluster.isClosed())
                {
                    abort("the cluster session closed (no leader within the message timeout?)", next);
                    break;
                }
                final long now = System.nanoTime();
                while (next < total && intended(next) <= now)
                {
                    message.putLong(0, next, ByteOrder.LITTLE_ENDIAN);
                    final long result = cluster.offer(message, 0, messageBytes);
                    if (result < 0)
                    {
                        if (!offers.record(result))
                        {
                            abort("ingress offer failed: " + (result == Publication.CLOSED ? "CLOSED" : "MAX_POSITION_EXCEEDED"), next);
                        }
                        break;
                    }
                    state[next] = SENT;
                    if (next >= warmupCount)
                    {
                        sendLag.recordValue(Math.max(0, System.nanoTime() - intended(next)) / 1000);
                    }
                    if (next == warmupCount)
                    {
                        backlogAtMeasureStart = warmupCount - echoed.get(WARMUP) - failed.get(WARMUP);
                    }
                    next++;
                    sent = next;
                    work++;
                    if (next == total)
                    {
                        deadline = intended(total - 1) + graceNanos;
                    }
                }
                if (abortReason != null || next == total && (resolved() == total || now > deadline))
                {
                    break;
                }
                if (work == 0)
                {
                    if (next == total && now - lastKeepAlive > KEEP_ALIVE_NANOS)
                    {
                        // Draining: nothing else shows the cluster the session is alive.
                        cluster.sendKeepAlive();
                        lastKeepAlive = now;
                    }
                    final long untilDue = next < total ? intended(next) - now : maxParkNanos;
                    LockSupport.parkNanos(Math.max(1, Math.min(untilDue, maxParkNanos)));
                }
            }
        }
        finally
        {
            running = false;
            progress.interrupt();
            progress.join();
            client.listener(null);
        }
        drainIntervals(System.nanoTime());
        return result();
    }

    private long resolved()
    {
        return echoed.get(WARMUP) + echoed.get(MEASURED) + failed.get(WARMUP) + failed.get(MEASURED);
    }

    /** Marks every message not yet offered as failed; the offered ones unechoed stay lost. */
    private void abort(final String reason, final int next)
    {
        if (abortReason == null)
        {
            abortReason = reason;
        }
        for (int i = next; i < total; i++)
        {
            if (state[i] == SCHEDULED)
            {
                state[i] = FAILED;
                failed.incrementAndGet(phase(i));
            }
        }
        sent = total;
    }

    private long intended(final int i)
    {
        return t0 + (long)(i * periodNanos);
    }

    private int phase(final int i)
    {
        return i < warmupCount ? WARMUP : MEASURED;
    }

    @Override
    public void onMessage(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        final long arrived = System.nanoTime();
        final long index = length == messageBytes ? buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN) : -1;
        if (index < 0 || index >= total)
        {
            unexpected++;
            return;
        }
        final int i = (int)index;
        if (state[i] != SENT)
        {
            if (state[i] == ECHOED)
            {
                duplicates++;
            }
            else
            {
                unexpected++;
            }
            return;
        }
        state[i] = ECHOED;
        final int phase = phase(i);
        latency.record(phase, (arrived - intended(i)) / 1000);
        echoed.incrementAndGet(phase);
        if (phase == MEASURED)
        {
            lastEchoNanos = arrived;
        }
    }

    @Override
    public void onSessionEvent(
        final long correlationId,
        final long clusterSessionId,
        final long leadershipTermId,
        final int leaderMemberId,
        final EventCode code,
        final String detail)
    {
        if (code != EventCode.OK)
        {
            out.printf("session event %s: %s (leader %d, term %d)%n", code, detail, leaderMemberId, leadershipTermId);
            out.flush();
        }
    }

    @Override
    public void onNewLeader(
        final long clusterSessionId,
        final long leadershipTermId,
        final int leaderMemberId,
        final String ingressEndpoints)
    {
        leaderChanges++;
        out.printf("new leader: member %d, term %d%n", leaderMemberId, leadershipTermId);
        out.flush();
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
    private synchronized void drainIntervals(final long now)
    {
        final Histogram measured = latency.drainIntervals();
        if (log != null && (measured.getTotalCount() > 0 || now >= intended(warmupCount)))
        {
            log.outputIntervalHistogram(measured);
        }
    }

    private void printProgress(final long now)
    {
        final Histogram both = latency.lastInterval();
        final long echoes = echoed.get(WARMUP) + echoed.get(MEASURED);
        final long perSecond = echoes - lastReportEchoed;
        lastReportEchoed = echoes;
        final String phase = now < intended(warmupCount) ? "warm-up" : sent < total ? "measure" : "drain";
        out.printf("%4d s  %-7s  sent %9d  echoed %9d  failed %d  %7d msg/s  p50 %s  p99 %s  back-pressured %d%n",
            Math.round((now - t0) / 1e9), phase, sent, echoes, failed.get(WARMUP) + failed.get(MEASURED), perSecond,
            millis(both, 50.0), millis(both, 99.0), offers.backPressured);
        out.flush();
    }

    private static String millis(final Histogram h, final double percentile)
    {
        return h.getTotalCount() == 0 ? "      -" : String.format("%7.2f ms", h.getValueAtPercentile(percentile) / 1000.0);
    }

    private EchoResult result()
    {
        final long measuredSent = total - warmupCount;
        final long fin = echoed.get(MEASURED);
        final long err = failed.get(MEASURED);
        final double span = (lastEchoNanos - intended(warmupCount)) / 1e9;
        final double throughput = fin == 0 || span <= 0 ? 0.0 : fin / span;
        return new EchoResult(rate, warmupSeconds, durationSeconds, warmupCount, measuredSent, fin, err,
            measuredSent - fin - err, latency.total(), throughput, backlogAtMeasureStart, sendLag, offers, duplicates,
            unexpected, leaderChanges, abortReason);
    }

    /** The warm-up and measured message counts for a rate and window lengths (at least one measured). */
    static int[] counts(final double rate, final double warmupSeconds, final double durationSeconds)
    {
        final long warm = Math.round(rate * warmupSeconds);
        final long measured = Math.max(1, Math.round(rate * durationSeconds));
        if (warm + measured > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("too many messages for one run: " + (warm + measured));
        }
        return new int[] {(int)warm, (int)measured};
    }
}
