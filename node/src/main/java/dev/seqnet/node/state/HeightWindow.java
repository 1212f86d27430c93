package dev.seqnet.node.state;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToLongFunction;

/**
 * The values of the most recent {@code capacity} heights, in a fixed ring: height {@code h} lives in
 * slot {@code h % capacity} until {@code h + capacity} takes it. What a member keeps in memory of
 * its chain (blocks, finalization records) is bounded by this, whatever the chain's length; older
 * heights are read from the journal ({@code BlockArchive}).
 * <p>
 * A put is one array store: no node, no boxed key, no resize, so the sequencer thread that fills it
 * allocates nothing. Readers on any thread get the value only if the slot still holds that height
 * (the value says its own height), else null; a value is published with release semantics, so a
 * reader sees it fully built.
 *
 * @param <T> an immutable value that knows its height.
 */
public final class HeightWindow<T>
{
    private final AtomicReferenceArray<T> slots;
    private final ToLongFunction<T> heightOf;

    /**
     * @param capacity how many heights to keep, at least 1.
     * @param heightOf the height of a value.
     */
    public HeightWindow(final int capacity, final ToLongFunction<T> heightOf)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.heightOf = heightOf;
    }

    /** Holds {@code value} in its height's slot, replacing the height {@code capacity} below it. */
    public void put(final T value)
    {
        final long height = heightOf.applyAsLong(value);
        if (height < 0)
        {
            throw new IllegalArgumentException("negative height " + height);
        }
        slots.setRelease(slot(height), value);
    }

    /** The value of {@code height} if it is still held, else null (any height, negative included). */
    public T get(final long height)
    {
        if (height < 0)
        {
            return null;
        }
        final T value = slots.getAcquire(slot(height));
        return value != null && heightOf.applyAsLong(value) == height ? value : null;
    }

    /** How many heights it keeps. */
    public int capacity()
    {
        return slots.length();
    }

    /** How many slots hold a value now: at most {@link #capacity()}. O(capacity), for tests and diagnostics. */
    public int size()
    {
        int n = 0;
        for (int i = 0; i < slots.length(); i++)
        {
            if (slots.getAcquire(i) != null)
            {
                n++;
            }
        }
        return n;
    }

    private int slot(final long height)
    {
        return (int)(height % slots.length());
    }
}
