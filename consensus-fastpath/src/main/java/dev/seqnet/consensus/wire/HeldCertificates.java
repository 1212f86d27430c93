package dev.seqnet.consensus.wire;

import dev.seqnet.consensus.CertificateKind;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The certificates this member already holds, readable from the inbound verification threads, so
 * that {@link InboundVerifier} drops a duplicate as {@code drop.duplicate} before checking its
 * signatures (PROTOCOL.md §11). When every member broadcast the certificates it formed (R10 before
 * issue 4's eleventh round, today {@code consensus.relay_certificates = all}), a member without this
 * verified each view's certificates once per peer: on a 4-member network that was over half of all
 * signature checks, and signature checks were 78 % of the recovery thread (perf). Today it also drops
 * the copies R10 relays, R11 answers and R12 nudges bring of certificates the member formed.
 *
 * <p>A fixed table by {@code view mod capacity}, one entry per certificate kind holding the view and
 * the first 8 bytes of the block hash. One writer (the host's thread, after the core took the
 * certificate); readers use a seqlock-style double read of the view, so a torn entry reads as
 * absent. An entry is overwritten by a view {@code capacity} later, so an old certificate reads as
 * absent again, never as held by mistake.
 */
public final class HeldCertificates
{
    private static final int KINDS = CertificateKind.values().length;
    private static final long EMPTY = Long.MIN_VALUE;

    private final int capacity;
    private final java.util.concurrent.atomic.AtomicLong finalizedView = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicLongArray views;
    private final AtomicLongArray hashes;

    /** @param capacity views remembered (a power of two is not required). */
    public HeldCertificates(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.views = new AtomicLongArray(capacity * KINDS);
        this.hashes = new AtomicLongArray(capacity * KINDS);
        for (int i = 0; i < views.length(); i++)
        {
            views.set(i, EMPTY);
        }
    }

    /** Records that the member holds a certificate of {@code kind} for {@code blockHash} in {@code view}. Single writer. */
    public void add(final CertificateKind kind, final long view, final byte[] blockHash)
    {
        final int i = index(kind, view);
        views.set(i, EMPTY);
        hashes.set(i, prefix(blockHash));
        views.set(i, view);
    }

    /** Whether a certificate of {@code kind} for {@code blockHash} in {@code view} is held; any thread. */
    public boolean holds(final CertificateKind kind, final long view, final byte[] blockHash)
    {
        final int i = index(kind, view);
        final long before = views.get(i);
        if (before != view)
        {
            return false;
        }
        final long hash = hashes.get(i);
        return views.get(i) == view && hash == prefix(blockHash);
    }

    /**
     * Records that the core has finalized every view up to {@code view} (its {@code finalizedView}).
     * The core drops any message of such a view as {@code drop.late} without acting on it (no vote
     * counted, no nudge), so the inbound verifiers may drop it before checking its signatures. Single
     * writer; never moves back.
     */
    public void finalizedThrough(final long view)
    {
        if (view > finalizedView.get())
        {
            finalizedView.set(view);
        }
    }

    /** Whether every message of {@code view} is settled: the core would drop it as late. Any thread. */
    public boolean settled(final long view)
    {
        return view <= finalizedView.get();
    }

    private int index(final CertificateKind kind, final long view)
    {
        return (int)Math.floorMod(view, (long)capacity) * KINDS + kind.ordinal();
    }

    private static long prefix(final byte[] blockHash)
    {
        long p = 0;
        for (int i = 0; i < 8; i++)
        {
            p = (p << 8) | (blockHash[i] & 0xFF);
        }
        return p;
    }
}
