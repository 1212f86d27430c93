package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;

/**
 * Stage 2 of the ingress pipeline, implemented by the node: the single writer that owns the
 * mempool and cuts blocks. Every method is called from one and the same thread, in ring order,
 * so an implementation needs no locks. Exceptions are caught, counted and logged by the pipeline.
 */
public interface SequencerStage
{
    /**
     * Admits a recovered transaction into the mempool.
     *
     * @param tx a transaction whose signature checked out in stage 1.
     * @return null when admitted, otherwise the reason it was refused.
     */
    TxRejection onTransaction(EthTransaction tx);

    /**
     * Called after the last event of each batch that offered at least one transaction to
     * {@link #onTransaction}: the moment to cut a block from what is waiting, which batches
     * naturally under load and cuts at once when idle.
     *
     * @param nowMs the pipeline clock, epoch milliseconds.
     */
    void onEndOfBatch(long nowMs);

    /**
     * Called on every tick, including when no transactions arrive, so timers (empty blocks,
     * deadlines) fire on time.
     *
     * @param nowMs the pipeline clock, epoch milliseconds.
     */
    void onTick(long nowMs);

    /**
     * Handles a peer frame that its {@link FrameRecovery} decoded and checked, in ring order with the
     * transactions. Frames also end a batch: {@link #onEndOfBatch} follows the batch's last event.
     *
     * @param recovered what the frame recovery returned (never null); when that is the slot's reusable
     *                  holder ({@link FrameRecovery#newHolder()}) it is refilled for a later frame once
     *                  this returns, so copy what you keep.
     * @param origin    the member index the transport attributed the frame to.
     */
    default void onFrame(final Object recovered, final int origin)
    {
    }
}
