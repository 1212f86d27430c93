package dev.seqnet.ringbuffer;

import com.lmax.disruptor.EventHandler;

/**
 * Both stages on one thread ({@code recoveryThreads = 0}): each slot is recovered, then sequenced, by
 * the sequencer thread. When every core is already busy (four members and a load generator on two
 * cores), a second stage thread only adds a wake-up and a context switch per slot; inline it costs
 * nothing but the parallelism that such a host cannot use.
 */
final class InlineHandler implements EventHandler<IngressEvent>
{
    private final RecoveryHandler recovery;
    private final SequencerHandler sequencer;

    InlineHandler(final RecoveryHandler recovery, final SequencerHandler sequencer)
    {
        this.recovery = recovery;
        this.sequencer = sequencer;
    }

    @Override
    public void onEvent(final IngressEvent event, final long sequence, final boolean endOfBatch)
    {
        recovery.recover(event, sequence);
        sequencer.onEvent(event, sequence, endOfBatch);
    }
}
