package dev.seqnet.baseline.raft;

import io.aeron.Publication;

/**
 * Counts of the ingress offer results other than success, one counter per {@link Publication} code.
 * BACK_PRESSURED and ADMIN_ACTION are retried at once; NOT_CONNECTED is retried while the client awaits
 * a new leader; CLOSED and MAX_POSITION_EXCEEDED end the run. Written by the load thread, read by the
 * progress thread (plain volatile longs: one writer).
 */
final class OfferResults
{
    volatile long backPressured;
    volatile long notConnected;
    volatile long adminAction;
    volatile long closed;
    volatile long maxPositionExceeded;

    /** Counts one failed offer; returns whether the message can be retried. */
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // one writer thread
    boolean record(final long result)
    {
        if (result == Publication.BACK_PRESSURED)
        {
            backPressured++;
            return true;
        }
        if (result == Publication.ADMIN_ACTION)
        {
            adminAction++;
            return true;
        }
        if (result == Publication.NOT_CONNECTED)
        {
            notConnected++;
            return true;
        }
        if (result == Publication.CLOSED)
        {
            closed++;
            return false;
        }
        if (result == Publication.MAX_POSITION_EXCEEDED)
        {
            maxPositionExceeded++;
            return false;
        }
        throw new IllegalStateException("unknown offer result " + result);
    }

    long total()
    {
        return backPressured + notConnected + adminAction + closed + maxPositionExceeded;
    }

    @Override
    public String toString()
    {
        return "back-pressured " + backPressured + ", not connected " + notConnected + ", admin action " + adminAction +
            ", closed " + closed + ", max position exceeded " + maxPositionExceeded;
    }
}
