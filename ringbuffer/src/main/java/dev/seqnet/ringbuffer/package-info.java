/**
 * The node's ingress pipeline: raw transactions from JSON-RPC threads in, parallel sender
 * recovery, single-writer admission into the mempool, one answer per transaction out. Built on
 * one LMAX Disruptor 4 ring of preallocated {@code IngressEvent} slots.
 *
 * <h2>Flow</h2>
 * <pre>
 *  RPC threads ──submit(raw, cb)──▶ [ multi-producer ring, tryNext/publish ]
 *  tick thread ──tick()──────────▶        │
 *                                         ├─▶ recovery-0: sequence % N == 0 ─┐
 *                                         ├─▶ recovery-1: sequence % N == 1 ─┼─▶ sequencer (one thread)
 *                                         └─▶ recovery-k: sequence % N == k ─┘    SequencerStage + callbacks
 * </pre>
 * <ul>
 *   <li><b>Producers never block.</b> {@link dev.seqnet.ringbuffer.IngressPipeline#submit} claims a
 *   slot with {@code tryNext()}; when the ring is full it returns false at once, counts it, and the
 *   RPC answers {@code TxRejection.OVERLOADED}. A returned true guarantees exactly one callback.</li>
 *   <li><b>Stage 1, recovery, in parallel.</b> Disruptor 4 removed {@code WorkerPool}, so N
 *   ordinary handlers each take the sequences where {@code sequence % N == ordinal} and skip the
 *   others: every slot has exactly one owner, no coordination. Each calls
 *   {@link dev.seqnet.ringbuffer.TxRecovery} (signature recovery is the expensive, stateless part)
 *   and stores the decoded transaction or the decoder's rejection in the slot. N defaults to
 *   {@code max(1, cores - 1)}. Shards are strided, so neighbouring slots (and cache lines) are
 *   written by different threads; at tens of microseconds per recovery that false sharing is noise.</li>
 *   <li><b>Stage 2, one writer.</b> One handler behind a barrier on all shards sees the slots in
 *   ring order, so admission order is submission order per RPC thread, and the
 *   {@link dev.seqnet.ringbuffer.SequencerStage} (mempool, block cutting) needs no locks. It answers
 *   the client's {@link dev.seqnet.ringbuffer.IngressCallback} right after admission, forwards
 *   stage-1 rejections with their reason and detail, and calls {@code onEndOfBatch} after each
 *   batch that offered a transaction: blocks are cut as soon as transactions are waiting, and
 *   under load one batch feeds one block (natural batching).</li>
 *   <li><b>Ticks.</b> A small thread publishes a TICK event every {@code tickIntervalMs} (default
 *   1 ms) so the single writer sees time pass with no traffic and cuts empty blocks on time. Ticks
 *   coalesce (at most one waiting in the ring) and time comes from an injectable epoch-ms clock.</li>
 *   <li><b>Failures are contained.</b> Exceptions from the recovery function, the stage or a
 *   callback are caught, counted ({@code stageExceptions()}) and logged (throttled); an
 *   {@code ExceptionHandler} on every processor backs this up. The client gets
 *   {@code IngressPipeline.INTERNAL_ERROR} when its transaction hit such a failure.</li>
 *   <li><b>No allocation per event</b> beyond the bytes the RPC already holds and the decoded
 *   transaction; the sequencer clears every reference in a slot once answered. A peer frame is
 *   copied into its slot's own buffer and may be recovered into the slot's reusable holder
 *   ({@link dev.seqnet.ringbuffer.FrameRecovery#newHolder()}), so a frame costs nothing once every
 *   slot has its buffer.</li>
 *   <li><b>Wait strategies</b> by name: {@code yielding} (default), {@code sleeping},
 *   {@code blocking}, {@code busy-spin} (dedicated pinned cores only: with more spinning threads
 *   than cores, everything stalls).</li>
 *   <li><b>Lifecycle.</b> {@code start()}; {@code close()} refuses new submissions, stops ticks,
 *   waits for producers already inside {@code submit}, drains every accepted transaction to its
 *   callback, then halts and joins the threads.</li>
 * </ul>
 */
package dev.seqnet.ringbuffer;
