package dev.seqnet.consensus.sim;

import java.util.PriorityQueue;

/**
 * Virtual time: events ordered by (time, insertion sequence), so equal times keep their FIFO order
 * and a run depends only on its seed.
 */
final class EventQueue
{
    /** One scheduled action. */
    static final class Event implements Comparable<Event>
    {
        final long timeNs;
        final long seq;
        final Runnable action;

        Event(final long timeNs, final long seq, final Runnable action)
        {
            this.timeNs = timeNs;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public int compareTo(final Event o)
        {
            final int c = Long.compare(timeNs, o.timeNs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long nowNs;
    private long seq;

    long nowNs()
    {
        return nowNs;
    }

    /** Schedules {@code action} at {@code timeNs} (never before now). */
    void at(final long timeNs, final Runnable action)
    {
        queue.add(new Event(Math.max(timeNs, nowNs), seq++, action));
    }

    /** Runs the next event; false when none is left or the next is after {@code untilNs}. */
    boolean step(final long untilNs)
    {
        final Event e = queue.peek();
        if (e == null || e.timeNs > untilNs)
        {
            return false;
        }
        queue.poll();
        nowNs = e.timeNs;
        e.action.run();
        return true;
    }

    int size()
    {
        return queue.size();
    }
}
