package dev.seqnet.ringbuffer;

import com.lmax.disruptor.EventHandler;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Stage 2, the single writer: runs after every recovery shard, offers each recovered transaction
 * to the {@link SequencerStage}, answers the client's callback, forwards ticks and signals the end
 * of each batch. Every call into the stage or a callback is guarded so one failure costs one
 * answer and is counted, never the thread.
 */
final class SequencerHandler implements EventHandler<IngressEvent>
{
    private final SequencerStage stage;
    private final LongSupplier clock;
    private final IngressCounters counters;
    private final StageFaults faults;
    private final AtomicBoolean tickPending;
    private boolean offeredInBatch;

    SequencerHandler(
        final SequencerStage stage,
        final LongSupplier clock,
        final IngressCounters counters,
        final StageFaults faults,
        final AtomicBoolean tickPending)
    {
        this.stage = stage;
        this.clock = clock;
        this.counters = counters;
        this.faults = faults;
        this.tickPending = tickPending;
    }

    @Override
    public void onEvent(final IngressEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            if (IngressEvent.TX == event.kind)
            {
                onTransactionEvent(event);
            }
            else if (IngressEvent.TICK == event.kind)
            {
                onTickEvent();
            }
            else if (IngressEvent.FRAME == event.kind && null != event.recovered)
            {
                offeredInBatch = true;
                try
                {
                    stage.onFrame(event.recovered, event.origin);
                }
                catch (final Throwable ex)
                {
                    faults.record("SequencerStage.onFrame", ex);
                }
            }
        }
        finally
        {
            event.clear();
        }

        if (endOfBatch && offeredInBatch)
        {
            offeredInBatch = false;
            try
            {
                stage.onEndOfBatch(clock.getAsLong());
            }
            catch (final Throwable ex)
            {
                faults.record("SequencerStage.onEndOfBatch", ex);
            }
        }
    }

    private void onTransactionEvent(final IngressEvent event)
    {
        final EthTransaction tx = event.tx;
        final IngressCallback callback = event.callback;
        TxRejection reason;
        String detail;

        if (null != tx)
        {
            offeredInBatch = true;
            try
            {
                reason = stage.onTransaction(tx);
                detail = null == reason ? null : reason.message();
            }
            catch (final Throwable ex)
            {
                faults.record("SequencerStage.onTransaction", ex);
                reason = IngressPipeline.INTERNAL_ERROR;
                detail = "internal error: admission failed: " + ex;
            }
        }
        else if (null != event.rejection)
        {
            reason = event.rejection;
            detail = event.detail;
        }
        else
        {
            // Only reachable if an Error escaped the recovery handler's own guard.
            reason = IngressPipeline.INTERNAL_ERROR;
            detail = "internal error: transaction was not recovered";
        }

        try
        {
            if (null == reason)
            {
                counters.onAdmitted();
                callback.onAdmitted(tx);
            }
            else
            {
                counters.onRejected(reason);
                callback.onRejected(reason, detail);
            }
        }
        catch (final Throwable ex)
        {
            faults.record("IngressCallback", ex);
        }
    }

    private void onTickEvent()
    {
        // Cleared before the call: a tick arriving while onTick runs queues one more, never more.
        tickPending.set(false);
        counters.onTick();
        try
        {
            stage.onTick(clock.getAsLong());
        }
        catch (final Throwable ex)
        {
            faults.record("SequencerStage.onTick", ex);
        }
    }
}
