package dev.seqnet.ringbuffer;

import org.agrona.DirectBuffer;

/**
 * Stage 1 for frames from peers (a batch of their admitted transactions, a consensus message):
 * decodes and checks signatures on the recovery threads, in parallel and off the single writer, and
 * returns what the {@link SequencerStage#onFrame} should see, or null to drop the frame (the
 * implementation counts its own drops). Called concurrently: must be thread-safe and must not touch
 * state owned by the single writer.
 * <p>
 * Allocation-free frames: the pipeline copies each frame into a buffer that belongs to its ring slot
 * and is reused (see {@link IngressPipeline.Context#frameSlotLength}), and every slot may carry one
 * reusable holder made by {@link #newHolder()}. A recovery that fills the holder and returns it
 * allocates nothing per frame; the stage must copy what it keeps before {@code onFrame} returns,
 * because the slot, its frame and its holder are reused for a later frame after that.
 */
@FunctionalInterface
public interface FrameRecovery
{
    /**
     * @param frame  the frame's bytes, valid only until the stage's {@code onFrame} for it returns:
     *               keep nothing that points into it.
     * @param offset where the frame starts in {@code frame}.
     * @param length the frame's length in bytes.
     * @param origin the member index the transport attributed the frame to, or -1 when unknown.
     * @param holder this slot's holder from {@link #newHolder()} (null when it makes none): may be
     *               filled and returned instead of a new object.
     * @return the decoded, checked value (possibly {@code holder}), or null to drop the frame.
     */
    Object recover(DirectBuffer frame, int offset, int length, int origin, Object holder);

    /**
     * A reusable holder for one ring slot, made once per slot the first time it carries a frame, on
     * the recovery thread that recovers it (default: none).
     */
    default Object newHolder()
    {
        return null;
    }
}
