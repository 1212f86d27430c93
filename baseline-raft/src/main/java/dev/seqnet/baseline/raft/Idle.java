package dev.seqnet.baseline.raft;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;

import java.util.function.Supplier;

/**
 * How every agent of a member (media driver, archive, consensus module, service) waits when it has no
 * work. Backoff is the default: on 2 shared cores a busy-spinning 3-member cluster has more spinning
 * threads than cores and stalls (leader election took 12.5 s here), so busy spin is opt-in only.
 */
public enum Idle
{
    /** Agrona's backoff: 10 spins, 20 yields, then parks from 1 µs doubling up to the max park period (Aeron's default shape). */
    BACKOFF,
    /** Parks for the max park period every time it is idle. */
    SLEEPING,
    /** Spins; only sensible with a dedicated core per busy thread. */
    BUSY;

    static final long MAX_SPINS = 10;
    static final long MAX_YIELDS = 20;
    static final long MIN_PARK_NANOS = 1_000;

    /** A supplier of fresh strategies (one per agent: they hold state) with the given max park period. */
    public Supplier<IdleStrategy> supplier(final long maxParkNanos)
    {
        return switch (this)
        {
            case BACKOFF -> () -> new BackoffIdleStrategy(MAX_SPINS, MAX_YIELDS, Math.min(MIN_PARK_NANOS, maxParkNanos), maxParkNanos);
            case SLEEPING -> () -> new SleepingIdleStrategy(maxParkNanos);
            case BUSY -> BusySpinIdleStrategy::new;
        };
    }
}
