package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One preallocated, reused ring slot. The producer fills {@code kind}, {@code raw} and
 * {@code callback}; the recovery handler that owns the slot's sequence fills {@code tx} or
 * {@code rejection} and {@code detail}; the sequencer reads them and clears every reference so a
 * slot never keeps a transaction alive after it has been answered. Plain fields: the ring's
 * sequence barriers give the happens-before edges between the stages.
 * <p>
 * A FRAME slot carries its frame in {@code frame} (bytes {@code 0 .. frameLength}): the producer
 * copies it into the slot's own {@code frameBytes} (made on the slot's first frame, then reused)
 * when it fits, otherwise into a one-off array that {@link #clear()} lets go. {@code holder} is the
 * {@link FrameRecovery}'s reusable per-slot object, made once by the recovery thread and kept.
 */
final class IngressEvent
{
    static final int EMPTY = 0;
    static final int TX = 1;
    static final int TICK = 2;
    static final int FRAME = 3;
    private static final byte[] NO_BYTES = new byte[0];

    int kind = EMPTY;
    byte[] raw;
    IngressCallback callback;
    EthTransaction tx;
    TxRejection rejection;
    String detail;
    int origin;
    Object recovered;
    /** FRAME: a view of the frame (made on the slot's first frame, then re-wrapped). */
    UnsafeBuffer frame;
    int frameLength;
    /** The slot's own frame bytes, {@code frameSlotLength} long, made on its first frame and kept. */
    byte[] frameBytes;
    /** The frame recovery's per-slot holder, kept across frames. */
    Object holder;

    /**
     * Copies a frame into this slot: into its own bytes when it fits in {@code slotLength}, else into
     * a new array of exactly {@code length}.
     *
     * @return true when the slot's own bytes were used (nothing allocated once the slot has them).
     */
    boolean copyFrame(final DirectBuffer source, final int offset, final int length, final int slotLength)
    {
        final boolean fits = length <= slotLength;
        final byte[] target;
        if (fits)
        {
            if (null == frameBytes)
            {
                frameBytes = new byte[slotLength];
            }
            target = frameBytes;
        }
        else
        {
            target = new byte[length];
        }
        source.getBytes(offset, target, 0, length);
        wrapFrame(target, length);
        return fits;
    }

    /** Points the slot's frame at {@code bytes} (kept, not copied) of which the first {@code length} are the frame. */
    void wrapFrame(final byte[] bytes, final int length)
    {
        if (null == frame)
        {
            frame = new UnsafeBuffer(bytes);
        }
        else
        {
            frame.wrap(bytes);
        }
        frameLength = length;
    }

    void reject(final TxRejection reason, final String detail)
    {
        this.tx = null;
        this.rejection = reason;
        this.detail = detail;
    }

    void clear()
    {
        kind = EMPTY;
        raw = null;
        callback = null;
        tx = null;
        rejection = null;
        detail = null;
        origin = 0;
        recovered = null;
        if (null != frame && frame.byteArray() != frameBytes)
        {
            // A one-off array (a large frame or a caller's array): let it go with the frame.
            frame.wrap(null == frameBytes ? NO_BYTES : frameBytes);
        }
        frameLength = 0;
    }
}
