package dev.seqnet.ringbuffer;

import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A sequencer stage that records what the single writer saw and on which threads. Its lists are
 * written only by the sequencer thread; tests read them after {@code close()}, which joins that
 * thread, or through the thread-safe counters while it runs.
 */
class RecordingStage implements SequencerStage
{
    final List<EthTransaction> offered = new ArrayList<>();
    final List<Long> endOfBatchTimes = new ArrayList<>();
    final List<Long> tickTimes = new ArrayList<>();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final AtomicLong offeredCount = new AtomicLong();
    final AtomicLong tickCount = new AtomicLong();
    final AtomicLong endOfBatchCount = new AtomicLong();
    private final Function<EthTransaction, TxRejection> decision;

    RecordingStage()
    {
        this(tx -> null);
    }

    RecordingStage(final Function<EthTransaction, TxRejection> decision)
    {
        this.decision = decision;
    }

    @Override
    public TxRejection onTransaction(final EthTransaction tx)
    {
        threads.add(Thread.currentThread());
        offered.add(tx);
        offeredCount.incrementAndGet();
        return decision.apply(tx);
    }

    @Override
    public void onEndOfBatch(final long nowMs)
    {
        threads.add(Thread.currentThread());
        endOfBatchTimes.add(nowMs);
        endOfBatchCount.incrementAndGet();
    }

    @Override
    public void onTick(final long nowMs)
    {
        threads.add(Thread.currentThread());
        tickTimes.add(nowMs);
        tickCount.incrementAndGet();
    }
}
