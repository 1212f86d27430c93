package dev.seqnet.ringbuffer;

/**
 * Stage 1 for frames from peers (a batch of their admitted transactions, a consensus message):
 * decodes and checks signatures on the recovery threads, in parallel and off the single writer, and
 * returns what the {@link SequencerStage#onFrame} should see, or null to drop the frame (the
 * implementation counts its own drops). Called concurrently: must be thread-safe and must not touch
 * state owned by the single writer.
 */
@FunctionalInterface
public interface FrameRecovery
{
    /**
     * @param frame  the frame as received; the implementation may keep the reference.
     * @param origin the member index the transport attributed the frame to, or -1 when unknown.
     * @return the decoded, checked value, or null to drop the frame.
     */
    Object recover(byte[] frame, int origin);
}
