package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.node.cli.RpcClient;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench --kill-leader-at S}: SIGKILLs the current leader of an embedded network S seconds into
 * the measured window and measures how long finalization stalls, as the largest interval between
 * consecutive finalized blocks arriving on member 0's subscription after the kill, against issue 4's
 * bound of twice the view timeout. Only gaps that end while load is still offered count: once the
 * sends stop, an idle network rightly makes an empty block only every {@code block.max_interval_ms}
 * (1 s). Member 0 is never the victim (the bench follows its blocks): when it
 * leads, the kill waits for the next view. Sends meant for the victim go to the other members.
 */
final class LeaderKill implements BlockSubscriber.BlockListener
{
    private static final long LEADER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final EmbeddedNetwork network;
    private final RpcClient member0;
    private final TxSender sender;
    private final long boundMs;
    private final PrintWriter out;

    private volatile long killNanos;
    private volatile long measureFromNanos;
    private volatile long measureUntilNanos = Long.MAX_VALUE;
    private volatile int victim = -1;
    private volatile String failure;
    /** Written by the subscriber thread only; volatile for the final read by the bench's thread. */
    private volatile long lastArrival;
    private volatile long maxGapBeforeNanos;
    private volatile long maxGapAfterNanos;
    private volatile long blocksAfter;

    LeaderKill(final EmbeddedNetwork network, final RpcClient member0, final TxSender sender, final long viewTimeoutMs,
        final PrintWriter out)
    {
        this.network = network;
        this.member0 = member0;
        this.sender = sender;
        this.boundMs = 2 * viewTimeoutMs;
        this.out = out;
    }

    /**
     * Starts a daemon thread that kills the leader at {@code atNanos}; gaps count from
     * {@code measureFromNanos} (the measured window's start: warm-up stalls are not the network's steady
     * state) to {@code measureUntilNanos} (its end: the last scheduled send). All {@link System#nanoTime()}.
     */
    void start(final long measureFromNanos, final long atNanos, final long measureUntilNanos)
    {
        window(measureFromNanos, measureUntilNanos);
        final Thread t = new Thread(() -> killAt(atNanos), "seqnet-bench-leader-kill");
        t.setDaemon(true);
        t.start();
    }

    /** The measured window: gaps count only between these two {@link System#nanoTime()} instants. */
    void window(final long measureFromNanos, final long measureUntilNanos)
    {
        this.measureFromNanos = measureFromNanos;
        this.measureUntilNanos = measureUntilNanos;
    }

    /** Records that {@code member} was killed at {@code atNanos}; blocks arriving later count as "after". */
    void killed(final int member, final long atNanos)
    {
        killNanos = atNanos;
        victim = member;
    }

    private void killAt(final long atNanos)
    {
        long wait;
        while ((wait = atNanos - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(wait);
        }
        try
        {
            final long giveUp = System.nanoTime() + LEADER_WAIT_NANOS;
            int leader = member0.call("seq_status").get("leader").asInt();
            while (leader == 0 && System.nanoTime() < giveUp)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                leader = member0.call("seq_status").get("leader").asInt();
            }
            if (leader == 0)
            {
                failure = "member 0 led for 2 s: no other leader to kill";
                return;
            }
            sender.exclude(leader);
            network.kill(leader);
            killed(leader, System.nanoTime());
            out.printf("killed the leader, member %d (SIGKILL)%n", leader);
            out.flush();
        }
        catch (final Exception e)
        {
            failure = "could not kill the leader: " + e;
        }
    }

    @Override
    public void block(final long height, final String hashHex, final int txCount, final long arrivedNanos)
    {
        final long kill = killNanos;
        if (lastArrival != 0 && lastArrival >= measureFromNanos && arrivedNanos <= measureUntilNanos)
        {
            final long gap = arrivedNanos - lastArrival;
            if (kill != 0 && arrivedNanos > kill)
            {
                maxGapAfterNanos = Math.max(maxGapAfterNanos, gap);
                blocksAfter++;
            }
            else
            {
                maxGapBeforeNanos = Math.max(maxGapBeforeNanos, gap);
            }
        }
        lastArrival = arrivedNanos;
    }

    /** The result as the summary's {@code leader_kill} object (read after the run; the subscriber has stopped). */
    ObjectNode json()
    {
        final ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (victim < 0)
        {
            o.put("error", failure == null ? "the run ended before the kill" : failure);
            return o;
        }
        o.put("member", victim);
        o.put("max_gap_after_ms", Math.round(maxGapAfterNanos / 1e4) / 100.0);
        o.put("max_gap_before_ms", Math.round(maxGapBeforeNanos / 1e4) / 100.0);
        o.put("blocks_after", blocksAfter);
        o.put("bound_ms", boundMs);
        o.put("within_bound", blocksAfter > 0 && maxGapAfterNanos <= TimeUnit.MILLISECONDS.toNanos(boundMs));
        return o;
    }
}
