package dev.seqnet.ringbuffer;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import dev.seqnet.chain.tx.TxRejection;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The node's ingress pipeline on one Disruptor ring: RPC threads {@link #submit} raw transactions,
 * N recovery threads decode them and recover senders in parallel, and one sequencer thread admits
 * them in ring order and answers each client. See the package documentation for the design.
 */
public final class IngressPipeline implements AutoCloseable
{
    /**
     * The reason given to a client whose transaction hit an internal failure (the recovery function
     * or the stage threw): the node, not the transaction, failed, and nothing was admitted.
     */
    public static final TxRejection INTERNAL_ERROR = TxRejection.INTERNAL_ERROR;

    public static final String RECOVERY_THREAD_PREFIX = "seqnet-ingress-recovery-";
    public static final String SEQUENCER_THREAD_NAME = "seqnet-ingress-sequencer";
    public static final String TICK_THREAD_NAME = "seqnet-ingress-tick";

    private static final System.Logger LOG = System.getLogger(IngressPipeline.class.getName());

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int CLOSING = 2;
    private static final int CLOSED = 3;

    private static final int PUBLISHED = 0;
    private static final int FULL = 1;
    private static final int NOT_RUNNING = 2;

    private static final long CLOSE_POLL_NS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Context ctx;
    private final RingBuffer<IngressEvent> ring;
    private final List<BatchEventProcessor<IngressEvent>> recoveryProcessors;
    private final BatchEventProcessor<IngressEvent> sequencerProcessor;
    private final SequencerInvoker sequencerInvoker;
    private final Sequence sequencerSequence;
    private final IngressCounters counters = new IngressCounters();
    private final StageFaults faults = new StageFaults();
    private final AtomicBoolean tickPending = new AtomicBoolean();
    // Producers between their state check and their publish; close() waits for it to reach zero so
    // a submit that returned true is always drained. Two atomic adds per submit on a shared line:
    // the same order of cost as the ring's own claim CAS, small next to sender recovery.
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object lifecycleLock = new Object();
    private final List<Thread> processorThreads = new ArrayList<>();
    private volatile int state = NEW;
    private volatile boolean ticking;
    private volatile Thread tickThread;
    private volatile Thread sequencerThread;

    /**
     * Builds the ring and its processors; no thread runs until {@link #start()}.
     *
     * @param ctx      configuration, concluded here.
     * @param recovery stage 1, called concurrently from the recovery threads.
     * @param stage    stage 2, called from the single sequencer thread.
     */
    public IngressPipeline(final Context ctx, final TxRecovery recovery, final SequencerStage stage)
    {
        this.ctx = ctx.conclude();
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(stage, "stage");

        final WaitStrategy waitStrategy = WaitStrategies.create(ctx.waitStrategy());
        ring = RingBuffer.createMultiProducer(IngressEvent::new, ctx.ringSize(), waitStrategy);
        final BatchEventProcessorBuilder builder = new BatchEventProcessorBuilder();

        final int shards = ctx.recoveryThreads();
        recoveryProcessors = new ArrayList<>(shards);
        final SequencerHandler sequencerHandler = new SequencerHandler(stage, ctx.clock(), counters, faults, tickPending);
        if (0 == shards)
        {
            // Inline: one thread recovers and sequences each slot, no hand-off between stage threads. With the
            // invoker that thread is whoever runs it (conclude() allows the invoker only with recoveryThreads(0)).
            final InlineHandler inline = new InlineHandler(
                new RecoveryHandler(0, 1, recovery, ctx.frameRecovery(), faults, waitStrategy), sequencerHandler);
            if (ctx.useSequencerInvoker())
            {
                final com.lmax.disruptor.EventPoller<IngressEvent> poller = ring.newPoller();
                sequencerProcessor = null;
                sequencerSequence = poller.getSequence();
                sequencerInvoker = new SequencerInvoker(
                    this, poller, inline, faults, ctx.invokerBatchLimit(), ctx.tickIntervalMs());
            }
            else
            {
                sequencerProcessor = builder.build(ring, ring.newBarrier(), inline);
                sequencerSequence = sequencerProcessor.getSequence();
                sequencerInvoker = null;
            }
        }
        else
        {
            final SequenceBarrier recoveryBarrier = ring.newBarrier();
            final Sequence[] recoverySequences = new Sequence[shards];
            for (int i = 0; i < shards; i++)
            {
                final BatchEventProcessor<IngressEvent> processor =
                    builder.build(ring, recoveryBarrier, new RecoveryHandler(i, shards, recovery, ctx.frameRecovery(), faults, waitStrategy));
                processor.setExceptionHandler(faults);
                recoveryProcessors.add(processor);
                recoverySequences[i] = processor.getSequence();
            }
            sequencerProcessor = builder.build(ring, ring.newBarrier(recoverySequences), sequencerHandler);
            sequencerSequence = sequencerProcessor.getSequence();
            sequencerInvoker = null;
        }
        if (null != sequencerProcessor)
        {
            sequencerProcessor.setExceptionHandler(faults);
        }
        ring.addGatingSequences(sequencerSequence);
    }

    /**
     * The sequencer stage for another duty cycle to run ({@link Context#useSequencerInvoker}), or null when the
     * pipeline runs its own sequencer thread. Run it on one thread only, from {@link #start()} until
     * {@link #close()} returns; that thread must not call {@code close()}.
     */
    public SequencerInvoker sequencerInvoker()
    {
        return sequencerInvoker;
    }

    /**
     * Starts the recovery threads, the sequencer thread and, when {@code tickIntervalMs > 0}, the
     * tick thread.
     *
     * @throws IllegalStateException when already started or closed.
     */
    public void start()
    {
        synchronized (lifecycleLock)
        {
            if (NEW != state)
            {
                throw new IllegalStateException("ingress pipeline already started or closed");
            }

            try
            {
                for (int i = 0; i < recoveryProcessors.size(); i++)
                {
                    processorThreads.add(newThread(recoveryProcessors.get(i), RECOVERY_THREAD_PREFIX + i));
                }
                if (null != sequencerProcessor)
                {
                    sequencerThread = newThread(sequencerProcessor, SEQUENCER_THREAD_NAME);
                    processorThreads.add(sequencerThread);
                }
                // The invoker publishes its own ticks from its duty cycle.
                final Thread ticker = ctx.tickIntervalMs() > 0 && null == sequencerInvoker ?
                    newThread(this::runTicks, TICK_THREAD_NAME) : null;

                for (final Thread thread : processorThreads)
                {
                    thread.start();
                }
                state = RUNNING;
                if (null != ticker)
                {
                    ticking = true;
                    tickThread = ticker;
                    ticker.start();
                }
            }
            catch (final RuntimeException | Error ex)
            {
                // A thread factory failed (e.g. out of threads): leave nothing running behind.
                state = CLOSED;
                ticking = false;
                recoveryProcessors.forEach(BatchEventProcessor::halt);
                if (null != sequencerProcessor)
                {
                    sequencerProcessor.halt();
                }
                throw ex;
            }
        }
    }

    /**
     * Offers a raw transaction from an RPC thread. Never blocks: when the ring is full (or the
     * pipeline is not running) it returns false at once and the caller answers
     * {@link TxRejection#OVERLOADED}; when it returns true, exactly one method of
     * {@code callback} will be called, on the sequencer thread.
     *
     * @param raw      the transaction bytes; the pipeline keeps the reference, do not modify them.
     * @param callback how the client is answered.
     * @return true when accepted into the ring.
     */
    public boolean submit(final byte[] raw, final IngressCallback callback)
    {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(callback, "callback");
        final int result = publish(IngressEvent.TX, raw, callback);
        if (PUBLISHED == result)
        {
            return true;
        }

        if (FULL == result)
        {
            counters.overloaded.increment();
        }
        else
        {
            counters.refused.increment();
        }
        return false;
    }

    /**
     * Publishes a tick so the sequencer calls {@link SequencerStage#onTick}. The tick thread calls
     * this every {@code tickIntervalMs}; the node may call it too. Ticks coalesce: while one is in
     * the ring and not yet handled, further ticks are dropped, so ticks never fill the ring.
     *
     * @return true when a tick was published.
     */
    public boolean tick()
    {
        if (!tickPending.compareAndSet(false, true))
        {
            return false;
        }
        if (PUBLISHED != publish(IngressEvent.TICK, null, null))
        {
            tickPending.set(false);
            return false;
        }
        return true;
    }

    /**
     * Stops accepting submissions, stops the ticks, waits until every accepted transaction has
     * been answered (bounded by {@code drainTimeoutMs}), then halts and joins the threads.
     * Idempotent. Must not be called from the sequencer or tick thread (it would wait for itself).
     */
    @Override
    public void close()
    {
        if (isPipelineThread(Thread.currentThread()))
        {
            throw new IllegalStateException("close() called from an ingress pipeline thread would wait for itself");
        }

        synchronized (lifecycleLock)
        {
            if (NEW == state)
            {
                state = CLOSED;
                return;
            }
            if (RUNNING != state)
            {
                return;
            }

            state = CLOSING;
            if (null != sequencerInvoker)
            {
                sequencerInvoker.wake();
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.drainTimeoutMs());

            stopTicks(deadlineNs);
            while (inFlight.get() != 0 && System.nanoTime() - deadlineNs < 0)
            {
                LockSupport.parkNanos(CLOSE_POLL_NS);
            }

            final long last = ring.getCursor();
            final Sequence done = sequencerSequence;
            while (done.get() < last && System.nanoTime() - deadlineNs < 0)
            {
                if (null != sequencerInvoker && !sequencerInvoker.isInvoked())
                {
                    // Nobody runs the invoker (its duty cycle stopped first, or never started): no other
                    // consumer exists, so this thread drains what was accepted.
                    sequencerInvoker.doWork();
                    continue;
                }
                LockSupport.parkNanos(CLOSE_POLL_NS);
            }
            if (done.get() < last)
            {
                LOG.log(
                    System.Logger.Level.WARNING,
                    "ingress: drain timed out after {0} ms with {1} events unanswered",
                    ctx.drainTimeoutMs(),
                    last - done.get());
            }

            for (final BatchEventProcessor<IngressEvent> processor : recoveryProcessors)
            {
                processor.halt();
            }
            if (null != sequencerProcessor)
            {
                sequencerProcessor.halt();
            }
            for (final Thread thread : processorThreads)
            {
                join(thread, deadlineNs);
            }
            state = CLOSED;
        }
    }

    /** True once {@link #close()} has begun. */
    public boolean isClosed()
    {
        return state >= CLOSING;
    }

    /** Between {@link #start()} and the end of {@link #close()}'s drain: the sequencer stage handles slots. */
    boolean isSequencing()
    {
        final int s = state;
        return RUNNING == s || CLOSING == s;
    }

    /** Transactions accepted into the ring by {@link #submit}. */
    public long submitted()
    {
        return counters.submitted.sum();
    }

    /** Transactions the stage admitted (callbacks answered with {@code onAdmitted}). */
    public long admitted()
    {
        return counters.admitted();
    }

    /** Transactions answered with {@code onRejected}, for any reason, by either stage. */
    public long rejected()
    {
        return counters.rejected();
    }

    /** Transactions answered with {@code onRejected(reason, …)}. */
    public long rejected(final TxRejection reason)
    {
        return counters.rejected(reason);
    }

    /** Submissions refused because the ring was full (the caller answers OVERLOADED). */
    public long overloaded()
    {
        return counters.overloaded.sum();
    }

    /** Submissions refused because the pipeline was not running (before start, during or after close). */
    public long refused()
    {
        return counters.refused.sum();
    }

    /** Exceptions thrown by the recovery function, the stage or callbacks, all caught. */
    public long stageExceptions()
    {
        return faults.count();
    }

    /** Ticks delivered to {@link SequencerStage#onTick}. */
    public long ticks()
    {
        return counters.ticks();
    }

    /** Free ring slots right now; a gauge for metrics. */
    public long remainingCapacity()
    {
        return ring.remainingCapacity();
    }

    public Context context()
    {
        return ctx;
    }

    /**
     * Publishes a peer frame for the context's {@link FrameRecovery} and then
     * {@link SequencerStage#onFrame}, in ring order with the transactions. Never blocks. The frame is
     * copied into the claimed slot's own buffer ({@link Context#frameSlotLength}), so {@code buffer}
     * may be reused as soon as this returns, and nothing is allocated once the slot has its buffer;
     * a frame longer than the slot's buffer (a large transaction batch, a sync response) is copied
     * into a new array instead ({@link #largeFrames()}).
     *
     * @return true when accepted; false when the frame is longer than {@link Context#maxFrameLength}
     * ({@link #framesOversize()}), or the ring is full or the pipeline not running
     * ({@link #framesRefused()}): peers recover lost frames by retries and sync.
     */
    public boolean submitFrame(final DirectBuffer buffer, final int offset, final int length, final int origin)
    {
        Objects.requireNonNull(buffer, "buffer");
        return publishFrame(buffer, null, offset, length, origin);
    }

    /**
     * Publishes a peer frame held in an array, without copying it: the pipeline keeps the reference
     * until the stage has handled it, do not modify it. Otherwise as
     * {@link #submitFrame(DirectBuffer, int, int, int)}.
     */
    public boolean submitFrame(final byte[] frame, final int origin)
    {
        Objects.requireNonNull(frame, "frame");
        return publishFrame(null, frame, 0, frame.length, origin);
    }

    /** Peer frames refused because they were longer than {@link Context#maxFrameLength}. */
    public long framesOversize()
    {
        return counters.framesOversize.sum();
    }

    /** Peer frames refused because the ring was full or the pipeline not running. */
    public long framesRefused()
    {
        return counters.framesRefused.sum();
    }

    /** Peer frames longer than a slot's buffer, each copied into a new array. */
    public long largeFrames()
    {
        return counters.largeFrames.sum();
    }

    private boolean publishFrame(
        final DirectBuffer source, final byte[] array, final int offset, final int length, final int origin)
    {
        if (null == ctx.frameRecovery())
        {
            throw new IllegalStateException("no FrameRecovery configured");
        }
        if (length < 0 || length > ctx.maxFrameLength())
        {
            counters.framesOversize.increment();
            return false;
        }
        inFlight.getAndIncrement();
        try
        {
            final long sequence = claim();
            if (sequence < 0)
            {
                counters.framesRefused.increment();
                return false;
            }

            final IngressEvent event = ring.get(sequence);
            boolean copied = false;
            try
            {
                event.callback = null;
                event.raw = null;
                event.origin = origin;
                if (null == array)
                {
                    if (!event.copyFrame(source, offset, length, ctx.frameSlotLength()))
                    {
                        counters.largeFrames.increment();
                    }
                }
                else
                {
                    event.wrapFrame(array, length);
                }
                copied = true;
            }
            finally
            {
                // A claimed sequence is always published, or the ring stalls: a failed copy (bad
                // offset, out of memory) becomes an empty slot the stages skip.
                event.kind = copied ? IngressEvent.FRAME : IngressEvent.EMPTY;
                ring.publish(sequence);
                if (null != sequencerInvoker)
                {
                    sequencerInvoker.wake();
                }
            }
            return true;
        }
        finally
        {
            inFlight.getAndDecrement();
        }
    }

    /**
     * Claims the next slot for a producer that has counted itself in {@link #inFlight}: its sequence, or
     * {@code -NOT_RUNNING} / {@code -FULL}. The caller must publish a sequence it got, whatever happens.
     */
    private long claim()
    {
        if (RUNNING != state)
        {
            return -NOT_RUNNING;
        }
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -FULL;
        }
    }

    private int publish(final int kind, final byte[] raw, final IngressCallback callback)
    {
        inFlight.getAndIncrement();
        try
        {
            final long sequence = claim();
            if (sequence < 0)
            {
                return (int)-sequence;
            }

            final IngressEvent event = ring.get(sequence);
            event.kind = kind;
            event.raw = raw;
            event.callback = callback;
            event.origin = 0;
            if (IngressEvent.TX == kind)
            {
                counters.submitted.increment();
            }
            ring.publish(sequence);
            if (null != sequencerInvoker)
            {
                sequencerInvoker.wake();
            }
            return PUBLISHED;
        }
        finally
        {
            inFlight.getAndDecrement();
        }
    }

    private void runTicks()
    {
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.tickIntervalMs());
        long nextNs = System.nanoTime() + intervalNs;
        while (ticking)
        {
            final long nowNs = System.nanoTime();
            final long waitNs = nextNs - nowNs;
            if (waitNs > 0)
            {
                LockSupport.parkNanos(waitNs);
                continue;
            }

            tick();
            nextNs += intervalNs;
            if (nextNs - nowNs < 0)
            {
                nextNs = nowNs + intervalNs; // fell behind (e.g. descheduled): skip, do not burst
            }
        }
    }

    private void stopTicks(final long deadlineNs)
    {
        if (null != tickThread)
        {
            ticking = false;
            LockSupport.unpark(tickThread);
            join(tickThread, deadlineNs);
        }
    }

    private boolean isPipelineThread(final Thread thread)
    {
        // Lock-free on purpose: a callback calling close() while another thread holds the lock in
        // close() must fail fast, not deadlock the drain. Callbacks and the stage run on the
        // sequencer thread; the recovery function is not expected to close the pipeline.
        return thread == sequencerThread || thread == tickThread ||
            (null != sequencerInvoker && sequencerInvoker.isInsideDoWork(thread));
    }

    private Thread newThread(final Runnable task, final String name)
    {
        final Thread thread = ctx.threadFactory().newThread(task);
        if (null == thread)
        {
            throw new IllegalStateException("thread factory returned null for " + name);
        }
        thread.setName(name);
        return thread;
    }

    private static void join(final Thread thread, final long deadlineNs)
    {
        // Always allow a second for the halt to be noticed, even after a timed-out drain.
        final long waitMs = Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
        try
        {
            thread.join(waitMs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            LOG.log(System.Logger.Level.WARNING, "ingress: thread {0} did not stop", thread.getName());
        }
    }

    /**
     * Configuration of an {@link IngressPipeline}, Aeron-style: fluent setters, accessors of the
     * same name, and {@link #conclude()} to validate.
     */
    public static final class Context
    {
        public static final int RING_SIZE_DEFAULT = 65536;
        public static final String WAIT_STRATEGY_DEFAULT = WaitStrategies.YIELDING;
        public static final long TICK_INTERVAL_MS_DEFAULT = 1;
        public static final long DRAIN_TIMEOUT_MS_DEFAULT = 10_000;
        /** Fits a vote, a certificate of up to 14 signatures and a proposal of up to 21 transaction hashes. */
        public static final int FRAME_SLOT_LENGTH_DEFAULT = 1024;
        /** Above the largest consensus frame (4 MiB, a block-sized response). */
        public static final int MAX_FRAME_LENGTH_DEFAULT = 8 << 20;
        /** Slots per invoker duty cycle: enough for a burst, few enough that the host's transport is polled often. */
        public static final int INVOKER_BATCH_LIMIT_DEFAULT = 256;

        private int ringSize = RING_SIZE_DEFAULT;
        private int recoveryThreads = recoveryThreadsDefault();
        private String waitStrategy = WAIT_STRATEGY_DEFAULT;
        private long tickIntervalMs = TICK_INTERVAL_MS_DEFAULT;
        private long drainTimeoutMs = DRAIN_TIMEOUT_MS_DEFAULT;
        private LongSupplier clock = System::currentTimeMillis;
        private FrameRecovery frameRecovery;
        private int frameSlotLength = FRAME_SLOT_LENGTH_DEFAULT;
        private int maxFrameLength = MAX_FRAME_LENGTH_DEFAULT;
        private ThreadFactory threadFactory = Context::daemonThread;
        private boolean useSequencerInvoker;
        private int invokerBatchLimit = INVOKER_BATCH_LIMIT_DEFAULT;

        /** {@code max(1, cores - 1)}: one core is left for the sequencer thread. */
        public static int recoveryThreadsDefault()
        {
            return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        }

        /** Ring slots, a power of two; also the most transactions waiting between RPC and admission. */
        public Context ringSize(final int ringSize)
        {
            this.ringSize = ringSize;
            return this;
        }

        public int ringSize()
        {
            return ringSize;
        }

        /**
         * Number of parallel sender-recovery shards (stage 1), or 0 to run stage 1 inline on the sequencer
         * thread: no hand-off between threads per slot, for a host whose cores are all taken anyway (several
         * members on one small machine), at the cost of recovering serially.
         */
        public Context recoveryThreads(final int recoveryThreads)
        {
            this.recoveryThreads = recoveryThreads;
            return this;
        }

        public int recoveryThreads()
        {
            return recoveryThreads;
        }

        /** A name from {@link WaitStrategies#NAMES}; {@code busy-spin} only on dedicated pinned cores. */
        public Context waitStrategy(final String waitStrategy)
        {
            this.waitStrategy = waitStrategy;
            return this;
        }

        public String waitStrategy()
        {
            return waitStrategy;
        }

        /** Period of the tick thread; 0 runs no tick thread (the node then calls {@link IngressPipeline#tick()}). */
        public Context tickIntervalMs(final long tickIntervalMs)
        {
            this.tickIntervalMs = tickIntervalMs;
            return this;
        }

        public long tickIntervalMs()
        {
            return tickIntervalMs;
        }

        /** How long {@link IngressPipeline#close()} waits for accepted transactions to be answered. */
        public Context drainTimeoutMs(final long drainTimeoutMs)
        {
            this.drainTimeoutMs = drainTimeoutMs;
            return this;
        }

        public long drainTimeoutMs()
        {
            return drainTimeoutMs;
        }

        /** Epoch-millisecond clock passed to {@code onTick} and {@code onEndOfBatch}; injectable for tests. */
        public Context clock(final LongSupplier clock)
        {
            this.clock = clock;
            return this;
        }

        public LongSupplier clock()
        {
            return clock;
        }

        /** Decodes and checks peer frames on the recovery threads (null: {@link #submitFrame} is refused). */
        public Context frameRecovery(final FrameRecovery frameRecovery)
        {
            this.frameRecovery = frameRecovery;
            return this;
        }

        public FrameRecovery frameRecovery()
        {
            return frameRecovery;
        }

        /**
         * Bytes of the buffer each ring slot keeps for the frames it carries, made on the slot's first
         * frame: frames up to this length are copied into it and cost no allocation; longer ones are
         * copied into a new array. At most {@code ringSize × frameSlotLength} bytes once every slot has
         * carried a frame (64 MiB for the default 65,536 slots and 1 KiB).
         */
        public Context frameSlotLength(final int frameSlotLength)
        {
            this.frameSlotLength = frameSlotLength;
            return this;
        }

        public int frameSlotLength()
        {
            return frameSlotLength;
        }

        /** The longest peer frame accepted: a longer one is refused and counted ({@link IngressPipeline#framesOversize()}). */
        public Context maxFrameLength(final int maxFrameLength)
        {
            this.maxFrameLength = maxFrameLength;
            return this;
        }

        public int maxFrameLength()
        {
            return maxFrameLength;
        }

        /**
         * Creates the pipeline's threads (default: daemon threads). The pipeline names every thread
         * it gets: {@code seqnet-ingress-recovery-<i>}, {@code seqnet-ingress-sequencer},
         * {@code seqnet-ingress-tick}.
         */
        public Context threadFactory(final ThreadFactory threadFactory)
        {
            this.threadFactory = threadFactory;
            return this;
        }

        public ThreadFactory threadFactory()
        {
            return threadFactory;
        }

        /**
         * Whether the sequencer stage runs in another component's duty cycle ({@link #sequencerInvoker()})
         * instead of on a thread of its own; it then also publishes the ticks, so the pipeline starts no
         * thread at all. Requires {@code recoveryThreads(0)}: each slot is recovered and sequenced by the
         * invoking thread. Default false.
         */
        public Context useSequencerInvoker(final boolean useSequencerInvoker)
        {
            this.useSequencerInvoker = useSequencerInvoker;
            return this;
        }

        public boolean useSequencerInvoker()
        {
            return useSequencerInvoker;
        }

        /** Most slots one invoker duty cycle handles ({@link #INVOKER_BATCH_LIMIT_DEFAULT}). */
        public Context invokerBatchLimit(final int invokerBatchLimit)
        {
            this.invokerBatchLimit = invokerBatchLimit;
            return this;
        }

        public int invokerBatchLimit()
        {
            return invokerBatchLimit;
        }

        /**
         * Validates the configuration.
         *
         * @return this.
         * @throws IllegalArgumentException for an invalid value.
         */
        public Context conclude()
        {
            if (ringSize < 1 || Integer.bitCount(ringSize) != 1)
            {
                throw new IllegalArgumentException("ringSize must be a power of two, was " + ringSize);
            }
            if (recoveryThreads < 0)
            {
                throw new IllegalArgumentException("recoveryThreads must be >= 0 (0: inline), was " + recoveryThreads);
            }
            if (!WaitStrategies.NAMES.contains(Objects.requireNonNull(waitStrategy, "waitStrategy")))
            {
                throw new IllegalArgumentException(
                    "unknown wait strategy '" + waitStrategy + "', expected one of " + WaitStrategies.NAMES);
            }
            if (tickIntervalMs < 0)
            {
                throw new IllegalArgumentException("tickIntervalMs must be >= 0, was " + tickIntervalMs);
            }
            if (drainTimeoutMs <= 0)
            {
                throw new IllegalArgumentException("drainTimeoutMs must be > 0, was " + drainTimeoutMs);
            }
            if (frameSlotLength < 0 || maxFrameLength < frameSlotLength)
            {
                throw new IllegalArgumentException(
                    "need 0 <= frameSlotLength <= maxFrameLength, was " + frameSlotLength + " / " + maxFrameLength);
            }
            if (useSequencerInvoker && 0 != recoveryThreads)
            {
                throw new IllegalArgumentException(
                    "useSequencerInvoker needs recoveryThreads = 0 (inline recovery), was " + recoveryThreads);
            }
            if (invokerBatchLimit <= 0)
            {
                throw new IllegalArgumentException("invokerBatchLimit must be > 0, was " + invokerBatchLimit);
            }
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        private static Thread daemonThread(final Runnable task)
        {
            final Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        }
    }
}
