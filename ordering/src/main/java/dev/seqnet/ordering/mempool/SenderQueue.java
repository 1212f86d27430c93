package dev.seqnet.ordering.mempool;

import dev.seqnet.chain.Address;

import java.util.Arrays;

/**
 * One sender's pooled transactions sorted by nonce, in a small array (at most the account slot
 * limit, 64 by default, so binary search and shifting beat a tree). The first {@link #pending}
 * entries carry nonces {@code baseNonce, baseNonce + 1, …} and are executable; the rest wait behind a
 * gap (queued). Also carries the mutable keys the pool's eviction index and block selection order
 * it by.
 */
final class SenderQueue
{
    final Address sender;
    long baseNonce;
    PoolEntry[] entries = new PoolEntry[4];
    int size;
    int pending;

    // Eviction index key: the tail (highest nonce) entry's prices, valid while inTails.
    boolean inTails;
    long tailMaxFee;
    long tailTip;
    long tailSeq;

    // Block selection state: index of the next candidate, end of the offered run, the candidate's priority.
    int cursor;
    int selEnd;
    long selTip;
    long selSeq;

    // Marks senders already synchronised during one onBlockCommitted call.
    long syncMark;

    SenderQueue(final Address sender, final long baseNonce)
    {
        this.sender = sender;
        this.baseNonce = baseNonce;
    }

    /** One past the last index of the run of consecutive nonces that starts at index {@code start}. */
    int contiguousEnd(final int start)
    {
        int end = start + 1;
        while (end < size && entries[end].nonce() == entries[end - 1].nonce() + 1)
        {
            end++;
        }
        return end;
    }

    /** Index of {@code nonce}, or {@code -(insertionPoint) - 1}. */
    int indexOf(final long nonce)
    {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            final long n = entries[mid].nonce();
            if (n < nonce)
            {
                lo = mid + 1;
            }
            else if (n > nonce)
            {
                hi = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -(lo + 1);
    }

    void insertAt(final int index, final PoolEntry entry)
    {
        if (size == entries.length)
        {
            entries = Arrays.copyOf(entries, size * 2);
        }
        System.arraycopy(entries, index, entries, index + 1, size - index);
        entries[index] = entry;
        size++;
    }

    PoolEntry removeAt(final int index)
    {
        final PoolEntry removed = entries[index];
        System.arraycopy(entries, index + 1, entries, index, size - index - 1);
        entries[--size] = null;
        return removed;
    }

    /** Recounts the contiguous run of nonces starting at {@link #baseNonce}. */
    void recomputePending()
    {
        int run = 0;
        while (run < size && entries[run].nonce() == baseNonce + run)
        {
            run++;
        }
        pending = run;
    }

    PoolEntry tail()
    {
        return entries[size - 1];
    }
}
