package dev.seqnet.ringbuffer;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxRejection;

/**
 * Stage 1 shard {@code ordinal} of {@code shards}: recovers the transactions whose sequence
 * satisfies {@code sequence % shards == ordinal} and skips the rest. Disruptor 4 dropped
 * {@code WorkerPool}; striding by sequence gives every slot exactly one owner without any
 * coordination between the shards, and the sequencer's barrier waits for all of them.
 */
final class RecoveryHandler implements EventHandler<IngressEvent>
{
    private final int ordinal;
    private final int shards;
    private final TxRecovery recovery;
    private final StageFaults faults;
    private final FrameRecovery frameRecovery;
    private final WaitStrategy waitStrategy;
    private Sequence sequenceCallback;

    RecoveryHandler(
        final int ordinal, final int shards, final TxRecovery recovery, final FrameRecovery frameRecovery,
        final StageFaults faults, final WaitStrategy waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        this.frameRecovery = frameRecovery;
        this.ordinal = ordinal;
        this.shards = shards;
        this.recovery = recovery;
        this.faults = faults;
    }

    static boolean owns(final long sequence, final int ordinal, final int shards)
    {
        return sequence % shards == ordinal;
    }

    @Override
    public void setSequenceCallback(final Sequence sequenceCallback)
    {
        this.sequenceCallback = sequenceCallback;
    }

    @Override
    public void onEvent(final IngressEvent event, final long sequence, final boolean endOfBatch)
    {
        recover(event, sequence);
        if (endOfBatch && null != sequenceCallback)
        {
            // Release the batch now rather than after we return, and wake the sequencer if it blocks on us
            // (StagedBlockingWaitStrategy): otherwise it would learn of our progress only by spinning.
            sequenceCallback.set(sequence);
            waitStrategy.signalAllWhenBlocking();
        }
    }

    void recover(final IngressEvent event, final long sequence)
    {
        if (!owns(sequence, ordinal, shards))
        {
            return;
        }
        if (event.kind == IngressEvent.FRAME)
        {
            try
            {
                if (null == frameRecovery)
                {
                    event.recovered = null;
                    return;
                }
                if (null == event.holder)
                {
                    event.holder = frameRecovery.newHolder();
                }
                event.recovered = frameRecovery.recover(event.frame, 0, event.frameLength, event.origin, event.holder);
            }
            catch (final Throwable ex)
            {
                // A hostile frame costs that frame, never the recovery thread.
                faults.record("FrameRecovery", ex);
                event.recovered = null;
            }
            return;
        }
        if (event.kind != IngressEvent.TX)
        {
            return;
        }

        try
        {
            final EthTransaction tx = recovery.recover(event.raw);
            if (null == tx)
            {
                faults.record("TxRecovery (returned null)", new NullPointerException("TxRecovery returned null"));
                event.reject(IngressPipeline.INTERNAL_ERROR, "internal error: transaction recovery returned nothing");
            }
            else
            {
                event.tx = tx;
            }
        }
        catch (final TxDecodeException ex)
        {
            final TxRejection reason = null == ex.reason() ? TxRejection.MALFORMED_RLP : ex.reason();
            event.reject(reason, null == ex.getMessage() ? reason.message() : ex.getMessage());
        }
        catch (final Throwable ex)
        {
            // A decoder bug (or a StackOverflowError on hostile nesting) must cost one answer, not the stage.
            faults.record("TxRecovery", ex);
            event.reject(IngressPipeline.INTERNAL_ERROR, "internal error: transaction recovery failed: " + ex);
        }
    }
}
