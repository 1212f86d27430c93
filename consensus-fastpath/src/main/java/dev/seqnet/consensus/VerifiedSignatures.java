package dev.seqnet.consensus;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A {@link SignatureCheck} that remembers the signatures it recently found valid, and the member's
 * own, so a certificate repeating votes already checked costs no libsecp256k1 call for them.
 *
 * <p>Why: every certificate carries the very signature bytes of the votes it was formed from
 * (RFC 6979 makes them deterministic), and on a 4-member network a peer's certificate usually
 * arrives before this member has formed its own, so the held-certificate check cannot drop it. perf
 * of {@code bench --nodes 4 --rate 1000} showed libsecp256k1 at 39 % of both cores, about 19
 * signature checks per member per block, most of them certificate signatures already checked as
 * votes one hop earlier.
 *
 * <p>Safe because a hit requires the exact same (public key, digest, signature) bytes as a check
 * that passed or a signature this member made: a valid signature stays valid. A miss (evicted or
 * never seen) only costs the check. A fixed table indexed by the signature's first 8 bytes
 * (ECDSA's r, uniformly distributed), each entry guarded by a version: writers (recovery threads,
 * and the core's thread for own signatures) claim an entry by moving its version from even to odd,
 * write, then make it even again; a reader accepts an entry only when the version is even and
 * unchanged across its read, so a torn or concurrently rewritten entry reads as a miss. No
 * allocation after construction.
 */
public final class VerifiedSignatures implements SignatureCheck
{
    /**
     * Longs per entry: version, 8 for the signature, 4 for the digest, 9 for the key (65 bytes uncompressed, or 33
     * compressed and zero-padded: the first byte, 0x04 against 0x02/0x03, keeps the two forms apart).
     */
    private static final int STRIDE = 22;
    private static final int SIG_LONGS = 8;
    private static final int DIGEST_LONGS = 4;
    private static final int KEY_LONGS = 9;
    private static final int SIG_AT = 1;
    private static final int DIGEST_AT = SIG_AT + SIG_LONGS;
    private static final int KEY_AT = DIGEST_AT + DIGEST_LONGS;

    private final SignatureCheck delegate;
    private final int capacity;
    private final AtomicLongArray table;
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong checked = new AtomicLong();

    /**
     * @param delegate the real check, called on every miss.
     * @param capacity signatures remembered; at a few thousand checks per second, 4,096 covers the
     *                 hop between a vote and the certificates that repeat it many times over.
     */
    public VerifiedSignatures(final SignatureCheck delegate, final int capacity)
    {
        if (delegate == null || capacity < 1)
        {
            throw new IllegalArgumentException("a delegate and a positive capacity are required");
        }
        this.delegate = delegate;
        this.capacity = capacity;
        this.table = new AtomicLongArray(capacity * STRIDE);
    }

    @Override
    public boolean verify(final byte[] sig64, final byte[] digest32, final byte[] publicKey)
    {
        if (!wellFormed(sig64, digest32, publicKey))
        {
            return delegate.verify(sig64, digest32, publicKey);
        }
        if (lookup(sig64, digest32, publicKey))
        {
            skipped.incrementAndGet();
            return true;
        }
        checked.incrementAndGet();
        final boolean valid = delegate.verify(sig64, digest32, publicKey);
        if (valid)
        {
            record(sig64, digest32, publicKey);
        }
        return valid;
    }

    /**
     * Remembers a signature known to be valid without checking it: the member's own, made by its
     * key over {@code digest32}. Any thread.
     */
    public void record(final byte[] sig64, final byte[] digest32, final byte[] publicKey)
    {
        if (!wellFormed(sig64, digest32, publicKey))
        {
            return;
        }
        final int base = index(sig64) * STRIDE;
        final long version = table.get(base);
        if ((version & 1) != 0 || !table.compareAndSet(base, version, version + 1))
        {
            return; // another writer has the entry: this one is only a cache, skip
        }
        putBytes(base + SIG_AT, sig64, SIG_LONGS);
        putBytes(base + DIGEST_AT, digest32, DIGEST_LONGS);
        putBytes(base + KEY_AT, publicKey, KEY_LONGS);
        table.set(base, version + 2);
    }

    /** Whether exactly this signature by this key over this digest was checked or recorded, and is still remembered. */
    public boolean holds(final byte[] sig64, final byte[] digest32, final byte[] publicKey)
    {
        return wellFormed(sig64, digest32, publicKey) && lookup(sig64, digest32, publicKey);
    }

    /** {@link #holds} for input already known to be well formed. */
    private boolean lookup(final byte[] sig64, final byte[] digest32, final byte[] publicKey)
    {
        final int base = index(sig64) * STRIDE;
        final long before = table.get(base);
        if (before == 0 || (before & 1) != 0)
        {
            return false;
        }
        final boolean same = equalBytes(base + SIG_AT, sig64, SIG_LONGS) &&
            equalBytes(base + DIGEST_AT, digest32, DIGEST_LONGS) &&
            equalBytes(base + KEY_AT, publicKey, KEY_LONGS);
        return same && table.get(base) == before;
    }

    /** Signature checks answered from this table instead of libsecp256k1. */
    public long skipped()
    {
        return skipped.get();
    }

    /** Signature checks passed on to the real check. */
    public long checked()
    {
        return checked.get();
    }

    private int index(final byte[] sig64)
    {
        return (int)Long.remainderUnsigned(readLong(sig64, 0), capacity);
    }

    private static boolean wellFormed(final byte[] sig64, final byte[] digest32, final byte[] publicKey)
    {
        return sig64 != null && sig64.length == 64 && digest32 != null && digest32.length == 32 &&
            publicKey != null && (publicKey.length == 33 || publicKey.length == 65);
    }

    private void putBytes(final int at, final byte[] bytes, final int longs)
    {
        for (int i = 0; i < longs; i++)
        {
            table.set(at + i, readLong(bytes, i * 8));
        }
    }

    private boolean equalBytes(final int at, final byte[] bytes, final int longs)
    {
        for (int i = 0; i < longs; i++)
        {
            if (table.get(at + i) != readLong(bytes, i * 8))
            {
                return false;
            }
        }
        return true;
    }

    /** Up to 8 bytes from {@code offset}, big-endian, zero-padded past the end (the key's last long). */
    private static long readLong(final byte[] bytes, final int offset)
    {
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            final int at = offset + i;
            v = (v << 8) | (at < bytes.length ? bytes[at] & 0xFF : 0);
        }
        return v;
    }
}
