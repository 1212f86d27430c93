package dev.seqnet.node.network;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.BlockCodec;
import dev.seqnet.chain.block.BlockSealer;
import dev.seqnet.chain.block.BlockVerifier;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.block.TxMerkle;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.consensus.FinalityProof;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.CoreStatus;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.Input;
import dev.seqnet.consensus.core.TimerKind;
import dev.seqnet.consensus.core.Verdict;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.wire.BlockRequest;
import dev.seqnet.consensus.wire.BlockResponse;
import dev.seqnet.consensus.wire.ConsensusCodec;
import dev.seqnet.consensus.wire.JournalCodec;
import dev.seqnet.consensus.wire.ProposalBody;
import dev.seqnet.consensus.wire.SupportCodec;
import dev.seqnet.consensus.wire.SupportMessage;
import dev.seqnet.consensus.wire.SyncRequest;
import dev.seqnet.consensus.wire.SyncResponse;
import dev.seqnet.consensus.wire.SyncedBlock;
import dev.seqnet.consensus.wire.TxBatch;
import dev.seqnet.consensus.wire.TxRequest;
import dev.seqnet.consensus.wire.TxResponse;
import dev.seqnet.journal.Journal;
import dev.seqnet.node.consensus.ConsensusView;
import dev.seqnet.node.consensus.EvidenceRecord;
import dev.seqnet.node.core.SequencerCore;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.node.state.HeightWindow;
import dev.seqnet.ordering.BaseFee;
import dev.seqnet.ordering.BlockBuilder;
import dev.seqnet.ordering.BuiltBlock;
import dev.seqnet.ordering.exec.BlockReplay;
import dev.seqnet.ordering.exec.InvalidBlockException;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import dev.seqnet.ringbuffer.SequencerStage;
import dev.seqnet.transport.Transport;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The host of a {@link ConsensusCore} inside a member of a multi-member network (PROTOCOL.md §13
 * H1–H8): the single writer on the ingress pipeline's sequencer thread. It admits the member's own
 * transactions (through {@link SequencerCore}, which journals them) and streams them to peers; feeds
 * checked peer frames and timers to the core; and runs the core's commands: journal own votes, then
 * send; build and verify blocks on the speculative chain; journal, commit and publish finalized
 * blocks; serve and apply block sync. Also the RPC's {@link ConsensusView}: what RPC threads read is
 * published through concurrent maps and a volatile snapshot.
 */
public final class NetworkCore implements SequencerStage, ConsensusView
{
    private static final System.Logger LOG = System.getLogger(NetworkCore.class.getName());
    private static final int MAX_BATCH_TXS = 1024;
    private static final int MAX_BATCH_BYTES = 64 * 1024;
    private static final int SYNC_BATCH = 64;

    private final int self;
    private final SequencerKey key;
    private final MemberSet members;
    private final SigningDomain domain;
    private final BigInteger l1FeeRate;
    private final long genesisTimestamp;
    private final ConsensusCore core;
    private final SequencerCore admission;
    private final Mempool mempool;
    private final NativeLedger ledger;
    private final BlockBuilder builder;
    private final SpeculativeChain chain;
    private final Journal journal;
    private final ChainView view;
    private final Transport transport;
    private final TxStore txStore;
    private final FinalityVerifier finalityVerifier;
    private final long leaderTimeoutNs;
    private final long txWaitNs;
    /** Genesis {@code block.max_transactions}: what this member builds up to and what it accepts (V6). */
    private final int maxBlockTransactions;
    private final dev.seqnet.chain.tx.TxDecoder trustedDecoder;

    private final ConsensusCodec consensusCodec = new ConsensusCodec();
    private final SupportCodec supportCodec = new SupportCodec();
    private final JournalCodec journalCodec = new JournalCodec();
    private final BlockCodec blockCodec = new BlockCodec();
    private final ExpandableArrayBuffer sendBuffer = new ExpandableArrayBuffer(64 * 1024);
    private final ExpandableArrayBuffer journalBuffer = new ExpandableArrayBuffer(64 * 1024);

    private final ArrayDeque<Input> inputs = new ArrayDeque<>();
    /** Bound once: a method reference made per input costs an object each time the JIT keeps it. */
    private final dev.seqnet.consensus.core.CommandSink sink = this::run;
    /** {@code values()} copies its array on every call, and timers are checked on every input. */
    private static final TimerKind[] TIMER_KINDS = TimerKind.values();
    private final ArrayDeque<FinalizedBlock> undelivered = new ArrayDeque<>();
    private boolean draining;
    private final HeldProposals proposals = new HeldProposals();
    /** Own Proposal/Notarize: body, then OwnVote, then send (§8.1). */
    private final OwnVoteJournal ownVotes;
    /** Transactions of the bodies read back on restart, by block: the TxStore may not hold them. */
    private final HashMap<Hash32, List<EthTransaction>> recoveredTxs = new HashMap<>();
    /** Fed to the core after Start: the non-final blocks this member proposed or notarized before it stopped. */
    private final List<Proposal> recoveredProposals = new ArrayList<>();
    /** Per {@link TimerKind}: when it fires, {@code Long.MAX_VALUE} while not armed. */
    private final long[] timerDeadline = unarmedTimers();
    private final long[] timerView = new long[TIMER_KINDS.length];

    private final List<byte[]> outgoing = new ArrayList<>();
    private int outgoingBytes;
    private long batchSeq;
    /** The count last sent in {@code TxBatchAdmitted} (the core starts from 0). */
    private int pendingFed;

    private Command.BuildBlock pendingBuild;
    private Proposal pendingVerify;
    private long pendingSinceNs;
    private boolean txRequested;

    private boolean syncing;
    private long syncSentNs;
    private int syncPeer;

    private long evidenceSeq;
    private Throwable failure;

    /**
     * The finalization records of the last {@code chain.cached_blocks} heights, for RPC and sync; older
     * ones are read from the journal ({@link #finalized}), so the chain's certificates never pile up here.
     */
    private final HeightWindow<FinalizedBlock> finalizedWindow;
    private final CopyOnWriteArrayList<EvidenceRecord> evidence = new CopyOnWriteArrayList<>();
    private volatile CoreStatus status;
    private final HostCounters hostCounters = new HostCounters();
    private long stalledHeight = -1;
    // The height the core last asked block sync for (StartSync): wanted until the head reaches it.
    private long syncWantedFrom = -1;
    // "Nothing newer" answers in a row while the core still wants blocks: one round of peers, then the tick's retry.
    private int emptySyncAnswers;
    /** An input changed the core since {@link #status} was taken; the next tick takes it again. */
    private boolean statusStale;

    /**
     * Everything a member's host needs; built by the node from config, genesis and recovery.
     * {@code recoveredBodies} are the journaled bodies of non-final blocks this member proposed or
     * notarized ({@link ConsensusRecovery#bodies}).
     */
    public record Parts(
        int self, long chainId, SequencerKey key, MemberSet members, SigningDomain domain, BigInteger l1FeeRate, long genesisTimestamp,
        ConsensusCore core, SequencerCore admission, Mempool mempool, NativeLedger ledger, L2Block head, Journal journal,
        ChainView view, Transport transport, int txStoreCapacity, long leaderTimeoutNs, int maxBlockTransactions,
        List<FinalizedBlock> recoveredFinalized, List<EvidenceRecord> recoveredEvidence, List<ProposalBody> recoveredBodies)
    {
    }

    private NetworkTrace trace;
    private PeerFrameRecovery inbound;
    private java.util.function.LongSupplier ingressOversize;
    private dev.seqnet.consensus.VerifiedSignatures verifiedSignatures;
    private dev.seqnet.consensus.wire.HeldCertificates heldCertificates;

    public NetworkCore(final Parts p)
    {
        this.self = p.self();
        this.key = p.key();
        this.members = p.members();
        this.domain = p.domain();
        this.l1FeeRate = p.l1FeeRate();
        this.genesisTimestamp = p.genesisTimestamp();
        this.core = p.core();
        this.admission = p.admission();
        this.mempool = p.mempool();
        this.ledger = p.ledger();
        this.maxBlockTransactions = p.maxBlockTransactions();
        this.builder = new BlockBuilder(mempool, ledger, maxBlockTransactions);
        this.chain = new SpeculativeChain(ledger, p.head());
        this.journal = p.journal();
        this.view = p.view();
        this.transport = p.transport();
        this.txStore = new TxStore(p.txStoreCapacity());
        this.finalityVerifier = new FinalityVerifier(members, domain);
        this.leaderTimeoutNs = p.leaderTimeoutNs();
        this.txWaitNs = TimeUnit.MICROSECONDS.toNanos(2000);
        this.trustedDecoder = new dev.seqnet.chain.tx.TxDecoder(p.chainId());
        this.finalizedWindow = new HeightWindow<>(view.cachedBlocks(), FinalizedBlock::height);
        for (final FinalizedBlock fb : p.recoveredFinalized())
        {
            finalizedWindow.put(fb);
        }
        for (final EthTransaction tx : mempool.snapshot())
        {
            txStore.add(tx);
        }
        evidence.addAll(p.recoveredEvidence());
        for (final ProposalBody body : p.recoveredBodies())
        {
            recoverBody(body);
        }
        this.ownVotes = new OwnVoteJournal(journal, proposals::get, chain::block, this::broadcast);
        evidenceSeq = p.recoveredEvidence().isEmpty() ? 0 : p.recoveredEvidence().get(p.recoveredEvidence().size() - 1).seq() + 1;
        this.status = core.status();
    }

    /**
     * Holds a journaled body again (§8.2): its proposal for BlockRequests and execution, its
     * transactions (senders as recovered when it was verified) for when the TxStore lacks them.
     */
    private void recoverBody(final ProposalBody body)
    {
        final Proposal p = body.proposal();
        final List<EthTransaction> txs = new ArrayList<>(body.txs().size());
        try
        {
            for (int i = 0; i < body.txs().size(); i++)
            {
                txs.add(trustedDecoder.decodeTrusted(body.txs().get(i), body.senders().get(i)));
            }
        }
        catch (final dev.seqnet.chain.tx.TxDecodeException e)
        {
            LOG.log(System.Logger.Level.WARNING, "journaled body of view " + p.view() + " does not decode, left out: " + e.getMessage());
            return;
        }
        proposals.add(p);
        recoveredTxs.put(p.blockHash(), txs);
        recoveredProposals.add(p);
    }

    /**
     * Where this member records the certificates its core holds, for the inbound verifiers to drop
     * duplicates unverified (null: none); set before {@link #start()}.
     */
    public NetworkCore heldCertificates(final dev.seqnet.consensus.wire.HeldCertificates heldCertificates)
    {
        this.heldCertificates = heldCertificates;
        return this;
    }

    /** The signature table whose checked/skipped counts {@code seq_status} reports (null: none); set before {@link #start()}. */
    public NetworkCore verifiedSignatures(final dev.seqnet.consensus.VerifiedSignatures verifiedSignatures)
    {
        this.verifiedSignatures = verifiedSignatures;
        return this;
    }

    @Override
    public long signaturesChecked()
    {
        return verifiedSignatures == null ? 0 : verifiedSignatures.checked();
    }

    @Override
    public long signaturesSkipped()
    {
        return verifiedSignatures == null ? 0 : verifiedSignatures.skipped();
    }

    /** The inbound checks whose drops {@code seq_status} reports with the core's; set before {@link #start()}. */
    public NetworkCore inbound(final PeerFrameRecovery inbound)
    {
        this.inbound = inbound;
        return this;
    }

    /**
     * Frames the ingress pipeline refused as longer than any frame may be, counted with the inbound
     * checks' {@code drop.oversize} (null: none); set before {@link #start()}.
     */
    public NetworkCore ingressOversize(final java.util.function.LongSupplier ingressOversize)
    {
        this.ingressOversize = ingressOversize;
        return this;
    }

    @Override
    public long inboundDrops(final dev.seqnet.consensus.wire.DropReason reason)
    {
        final long ingress = reason == dev.seqnet.consensus.wire.DropReason.OVERSIZE && ingressOversize != null ?
            ingressOversize.getAsLong() : 0;
        return ingress + (inbound == null ? 0 : inbound.drops(reason));
    }

    @Override
    public long txInvalidFromPeer()
    {
        return inbound == null ? 0 : inbound.invalidFromPeer();
    }

    /** Writes this member's timeline to {@code trace} (null: off, the default); set before {@link #start()}. */
    public NetworkCore trace(final NetworkTrace trace)
    {
        this.trace = trace;
        return this;
    }

    /** Starts the core; call on the sequencer thread or before the pipeline starts. */
    public void start()
    {
        feed(new Input.Start(System.nanoTime()));
        // The core learns the journaled non-final blocks again (R3 records them; its restored own votes
        // keep it from voting twice), so it delivers them when a finalization arrives; an own proposal
        // of the view it restarts in goes out again unchanged (§8.2).
        for (final Proposal p : recoveredProposals)
        {
            feed(new Input.MessageReceived(System.nanoTime(), p));
            if (p.leader() == self && p.view() == core.view())
            {
                broadcast(p);
            }
        }
        recoveredProposals.clear();
        // Re-stream own admitted, non-final transactions so every leader holds them after a restart (§8.2).
        for (final EthTransaction tx : mempool.snapshot())
        {
            queueOutgoing(tx.raw());
        }
        flushOutgoing();
        if (chain.headHeight() > 0 || members.size() > 1)
        {
            requestSync(System.nanoTime());
        }
    }

    /** Why this member stopped, or null while healthy. */
    public Throwable failure()
    {
        return failure != null ? failure : admission.failure();
    }

    // ------------------------------------------------------------------------------------------
    // SequencerStage

    @Override
    public TxRejection onTransaction(final EthTransaction tx)
    {
        if (failure != null)
        {
            return TxRejection.INTERNAL_ERROR;
        }
        final TxRejection rejection = admission.onTransaction(tx);
        if (rejection == null)
        {
            txStore.add(tx);
            queueOutgoing(tx.raw());
        }
        return rejection;
    }

    @Override
    public void onEndOfBatch(final long nowMs)
    {
        if (failure != null)
        {
            return;
        }
        flushOutgoing();
        final long now = System.nanoTime();
        feedPendingExecutable(now);
        retryPendingVerify(now);
        fireTimers(now);
    }

    @Override
    public void onTick(final long nowMs)
    {
        if (failure != null)
        {
            return;
        }
        final long now = System.nanoTime();
        flushOutgoing();
        retryPendingVerify(now);
        fireTimers(now);
        if (statusStale)
        {
            statusStale = false;
            status = core.status();
        }
        proposals.pruneAtOrBelow(chain.headHeight());
        if (trace != null)
        {
            trace.flush();
        }
        if (syncing && now - syncSentNs > 10 * leaderTimeoutNs)
        {
            syncPeer++;
            emptySyncAnswers = 0;
            requestSync(now);
        }
    }

    @Override
    public void onFrame(final Object recovered, final int origin)
    {
        if (failure != null)
        {
            return;
        }
        final long now = System.nanoTime();
        if (recovered instanceof MutableVote vote)
        {
            feedVote(now, vote);
        }
        else if (recovered instanceof ConsensusMessage m)
        {
            if (m instanceof Proposal p)
            {
                proposals.add(p);
            }
            feed(new Input.MessageReceived(now, m));
            if (m instanceof Certificate c && heldCertificates != null)
            {
                final byte[] hash = c.unsafeBlockHash(); // read only: a lookup and the first 8 bytes
                if (core.holdsCertificate(c.kind(), c.view(), Hash32.wrap(hash)))
                {
                    heldCertificates.add(c.kind(), c.view(), hash);
                }
            }
        }
        else if (recovered instanceof PeerFrameRecovery.RecoveredTxs r)
        {
            if (trace != null)
            {
                trace.txBatchReceived(origin, r.txs().size());
            }
            for (final EthTransaction tx : r.txs())
            {
                if (txStore.add(tx))
                {
                    mempool.add(tx); // local policy may decline: the TxStore keeps it anyway (§9)
                }
            }
            retryPendingVerify(now);
        }
        else if (recovered instanceof SupportMessage s)
        {
            onSupport(now, s);
        }
        fireTimers(now);
    }

    /**
     * Tells the core the executable count when it differs from the last one fed. An unchanged count is
     * a no-op in the core (only a count that grew moves a deadline), so this changes nothing but the
     * {@code TxBatchAdmitted} a batch of peer frames (votes, say) would otherwise allocate each time.
     */
    private void feedPendingExecutable(final long now)
    {
        final int pending = pendingExecutable();
        if (pending != pendingFed)
        {
            pendingFed = pending;
            feed(new Input.TxBatchAdmitted(now, pending));
        }
    }

    private int pendingExecutable()
    {
        return Math.max(0, mempool.pendingCount() - chain.openTxCount());
    }

    // ------------------------------------------------------------------------------------------
    // The core and its commands (H1)

    private void feed(final Input input)
    {
        inputs.add(input);
        if (draining)
        {
            return;
        }
        draining = true;
        try
        {
            drainInputs();
        }
        finally
        {
            draining = false;
        }
        afterInputs();
    }

    /**
     * A peer vote from the slot's holder, through the core's allocation-free entry: nothing is
     * allocated unless the vote completes something (PERFORMANCE.md, "The allocation-free vote
     * path"). The core copies what it keeps before this returns, and the slot is reused after it.
     */
    private void feedVote(final long now, final MutableVote vote)
    {
        if (draining)
        {
            // Not reached (frames arrive between inputs, never from a command); kept correct anyway.
            feed(new Input.MessageReceived(now, vote.toVote()));
            return;
        }
        draining = true;
        try
        {
            if (trace != null)
            {
                trace.input(new Input.MessageReceived(now, vote.toVote()));
            }
            core.onVote(now, vote, sink);
            drainInputs(); // inputs the vote's commands queued (a block to build, say)
        }
        finally
        {
            draining = false;
        }
        afterInputs();
    }

    private void drainInputs()
    {
        Input next;
        while (failure == null && (next = inputs.poll()) != null)
        {
            if (trace != null)
            {
                trace.input(next);
            }
            core.on(next, sink);
        }
        inputs.clear();
    }

    private void afterInputs()
    {
        if (heldCertificates != null)
        {
            heldCertificates.finalizedThrough(core.finalizedView());
        }
        // Not taken here: the snapshot allocates a record per member, and inputs come thousands of times
        // a second. seq_status readers see it at most one tick (4 ms) old.
        statusStale = true;
    }

    private void run(final Command command)
    {
        if (failure != null)
        {
            return;
        }
        if (trace != null)
        {
            trace.command(command);
        }
        try
        {
            if (command instanceof Command.PersistThenBroadcast c)
            {
                if (c.message() instanceof Proposal)
                {
                    flushOutgoing(); // own transactions precede own proposals on the same publication (§9)
                }
                ownVotes.persistThenBroadcast(c.record(), c.message(), System.nanoTime());
            }
            else if (command instanceof Command.CertificateFormed c)
            {
                if (heldCertificates != null)
                {
                    heldCertificates.add(c.certificate().kind(), c.certificate().view(), c.certificate().unsafeBlockHash());
                }
            }
            else if (command instanceof Command.Broadcast c)
            {
                broadcast(c.message());
            }
            else if (command instanceof Command.Send c)
            {
                final int length = consensusCodec.encode(c.message(), sendBuffer, 0);
                transport.sendTo(c.member(), sendBuffer, 0, length);
            }
            else if (command instanceof Command.BuildBlock c)
            {
                build(c);
            }
            else if (command instanceof Command.VerifyBlock c)
            {
                pendingVerify = c.proposal();
                pendingSinceNs = System.nanoTime();
                txRequested = false;
                retryPendingVerify(pendingSinceNs);
            }
            else if (command instanceof Command.FetchBlock c)
            {
                for (int i = 0, sent = 0; i < c.from().length && sent < 2; i++)
                {
                    if (c.from()[i] != self)
                    {
                        sendSupport(c.from()[i], new BlockRequest(self, c.view(), c.blockHash()));
                        hostCounters.increment(HostCounters.Name.BLOCK_REQUESTS);
                        sent++;
                    }
                }
            }
            else if (command instanceof Command.RequestCertificates c)
            {
                final CertificateRequest r = new CertificateRequest(self, c.fromView(), c.toView());
                final int length = consensusCodec.encode(r, sendBuffer, 0);
                if (c.member() < 0 || c.member() == self)
                {
                    transport.send(sendBuffer, 0, length);
                }
                else
                {
                    transport.sendTo(c.member(), sendBuffer, 0, length);
                }
            }
            else if (command instanceof Command.Deliver c)
            {
                deliver(c.block());
            }
            else if (command instanceof Command.Abandon c)
            {
                chain.abandon(c.blockHash());
                recoveredTxs.remove(c.blockHash());
            }
            else if (command instanceof Command.SetTimer c)
            {
                timerDeadline[c.kind().ordinal()] = c.deadlineNs();
                timerView[c.kind().ordinal()] = c.view();
            }
            else if (command instanceof Command.CancelTimer c)
            {
                timerDeadline[c.kind().ordinal()] = Long.MAX_VALUE;
            }
            else if (command instanceof Command.RecordEvidence c)
            {
                final long seq = evidenceSeq++;
                final int length = journalCodec.encodeEvidence(
                    new dev.seqnet.consensus.wire.EvidenceRecord(seq, c.evidence()), journalBuffer, 0);
                journal.append(journalBuffer, 0, length);
                evidence.add(new EvidenceRecord(seq, c.evidence().kind(), c.evidence().member(), c.evidence().view(),
                    consensusCodec.encode(c.evidence().first()), consensusCodec.encode(c.evidence().second())));
                LOG.log(System.Logger.Level.WARNING, "evidence " + c.evidence().kind() + " against member " +
                    c.evidence().member() + " in view " + c.evidence().view());
            }
            else if (command instanceof Command.StartSync c)
            {
                // Remembered even while a sync is under way: the core asks once per height, and the sync in flight
                // (the one every start makes, say) may end with a peer that has nothing newer.
                syncWantedFrom = Math.max(syncWantedFrom, c.fromHeight());
                if (!syncing)
                {
                    requestSync(System.nanoTime());
                }
            }
        }
        catch (final RuntimeException | Error e)
        {
            failure = e;
            LOG.log(System.Logger.Level.ERROR, "member stopped: " + command.getClass().getSimpleName() +
                " failed; restart it to recover from the journal", e);
        }
    }

    private void broadcast(final ConsensusMessage message)
    {
        final int length = consensusCodec.encode(message, sendBuffer, 0);
        transport.send(sendBuffer, 0, length);
    }

    private void sendSupport(final int member, final SupportMessage message)
    {
        final int length = supportCodec.encode(message, sendBuffer, 0);
        if (member < 0)
        {
            transport.send(sendBuffer, 0, length);
        }
        else
        {
            transport.sendTo(member, sendBuffer, 0, length);
        }
    }

    private static long[] unarmedTimers()
    {
        final long[] deadlines = new long[TIMER_KINDS.length];
        java.util.Arrays.fill(deadlines, Long.MAX_VALUE);
        return deadlines;
    }

    private void fireTimers(final long now)
    {
        for (final TimerKind kind : TIMER_KINDS)
        {
            final int k = kind.ordinal();
            if (timerDeadline[k] <= now)
            {
                timerDeadline[k] = Long.MAX_VALUE;
                feed(new Input.TimerFired(now, kind, timerView[k]));
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Transaction stream (§9)

    private void queueOutgoing(final byte[] raw)
    {
        if (members.size() < 2)
        {
            return;
        }
        if (outgoing.size() >= MAX_BATCH_TXS || outgoingBytes + raw.length > MAX_BATCH_BYTES)
        {
            flushOutgoing();
        }
        outgoing.add(raw);
        outgoingBytes += raw.length;
    }

    private void flushOutgoing()
    {
        if (outgoing.isEmpty())
        {
            return;
        }
        final TxBatch batch = new TxBatch(self, batchSeq++, List.copyOf(outgoing));
        if (trace != null)
        {
            trace.txBatchSent(outgoing.size());
        }
        outgoing.clear();
        outgoingBytes = 0;
        sendSupport(-1, batch);
    }

    // ------------------------------------------------------------------------------------------
    // Building (H4) and verifying (V5–V7, H2)

    /**
     * Builds when the parent is executed; otherwise executes it from its stored proposal, or waits
     * for its transactions (retried on every frame and tick while the view lasts).
     */
    private void build(final Command.BuildBlock c)
    {
        pendingBuild = null;
        if (!ensureExecuted(c.parentHash(), 64) || !chain.positionAt(c.parentHash()))
        {
            pendingBuild = c;
            return;
        }
        final L2Block parent = chain.block(c.parentHash());
        final long baseFee = parent == null ? ChainConstants.INITIAL_BASE_FEE :
            BaseFee.next(parent.baseFee(), parent.gasUsed(), ChainConstants.BLOCK_GAS_LIMIT);
        final BuiltBlock built = builder.buildOnTop(c.height(), baseFee);
        final List<EthTransaction> txs = built.transactions();
        final List<byte[]> raws = new ArrayList<>(txs.size());
        final List<Address> senders = new ArrayList<>(txs.size());
        final List<Hash32> hashes = new ArrayList<>(txs.size());
        for (final EthTransaction tx : txs)
        {
            raws.add(tx.raw());
            senders.add(tx.sender());
            hashes.add(Hash32.wrap(tx.hash()));
        }
        final long parentTs = parent == null ? genesisTimestamp : parent.header().timestamp();
        final long timestamp = Math.max(parentTs, System.currentTimeMillis() / 1000);
        final L2Header header = new L2Header(
            c.height(), c.parentHash().bytes(), built.stateRoot(), l1FeeRate, TxMerkle.rootOfRawTxs(raws), timestamp);
        final L2Block block = BlockSealer.seal(header, key, built.gasUsed(), baseFee, raws, senders);
        chain.pushBuilt(block, txs, built.execution());
        final BlockCandidate candidate = candidate(block, hashes);
        feed(new Input.ProposalReady(System.nanoTime(), c.view(), c.parentView(), candidate));
    }

    private static BlockCandidate candidate(final L2Block block, final List<Hash32> hashes)
    {
        final L2Header h = block.header();
        return new BlockCandidate(Hash32.wrap(block.hash()), Hash32.wrap(h.prevHash()), h.height(), h.timestamp(),
            h.l1FeeRateHi(), h.l1FeeRateLo(), block.gasUsed(), block.baseFee(), Hash32.wrap(h.stateRoot()),
            Hash32.wrap(h.txMerkleRoot()), block.signature(), hashes);
    }

    private void retryPendingBuild()
    {
        if (!undelivered.isEmpty())
        {
            drainUndelivered();
        }
        final Command.BuildBlock c = pendingBuild;
        if (c != null)
        {
            if (core.view() != c.view())
            {
                pendingBuild = null;
            }
            else
            {
                build(c);
            }
        }
    }

    private void retryPendingVerify(final long now)
    {
        retryPendingBuild();
        final Proposal p = pendingVerify;
        if (p == null)
        {
            return;
        }
        final Verdict verdict = verify(p, now);
        if (verdict == null)
        {
            if (!txRequested && now - pendingSinceNs > txWaitNs)
            {
                txRequested = true;
                final List<Hash32> missing = new ArrayList<>();
                for (final Hash32 h : p.block().txHashes())
                {
                    if (!txStore.contains(h))
                    {
                        missing.add(h);
                    }
                }
                if (!missing.isEmpty())
                {
                    sendSupport(p.leader(), new TxRequest(self, p.view(), missing));
                    hostCounters.increment(HostCounters.Name.TX_REQUESTS);
                }
            }
            if (now - pendingSinceNs > leaderTimeoutNs)
            {
                pendingVerify = null;
                hostCounters.increment(HostCounters.Name.VERIFY_UNAVAILABLE);
                feed(new Input.BlockVerified(now, p.view(), p.blockHash(), Verdict.UNAVAILABLE));
            }
            return;
        }
        pendingVerify = null;
        feed(new Input.BlockVerified(now, p.view(), p.blockHash(), verdict));
        // The executed block holds some pooled transactions: refresh the core's count now, so a leader
        // entering the next view does not propose an empty block for work its parent already has.
        feedPendingExecutable(now);
    }

    /** VALID, INVALID, or null while transactions or the parent's execution are missing. */
    private Verdict verify(final Proposal p, final long now)
    {
        if (chain.isExecuted(p.blockHash()))
        {
            return Verdict.VALID;
        }
        final String tooMany = overCap(p.block());
        if (tooMany != null)
        {
            // Decided from the hashes alone: no waiting for, or fetching, transactions of a block that cannot be valid.
            LOG.log(System.Logger.Level.WARNING, "invalid proposal for view " + p.view() + " from " + p.leader() + ": " + tooMany);
            return Verdict.INVALID;
        }
        if (!ensureExecuted(p.parentHash(), 64))
        {
            return null;
        }
        final List<EthTransaction> txs = resolve(p.block());
        if (txs == null)
        {
            return null;
        }
        final L2Block block = toBlock(p.block(), txs);
        final String problem = check(p, block, txs, chain.block(p.parentHash()));
        if (problem != null)
        {
            LOG.log(System.Logger.Level.WARNING, "invalid proposal for view " + p.view() + " from " + p.leader() + ": " + problem);
            return Verdict.INVALID;
        }
        try
        {
            chain.execute(block, txs);
            return Verdict.VALID;
        }
        catch (final InvalidBlockException e)
        {
            LOG.log(System.Logger.Level.WARNING, "invalid proposal for view " + p.view() + ": " + e.getMessage());
            return Verdict.INVALID;
        }
    }

    /** Executes {@code hash} and its unexecuted ancestors from stored proposals; false if something is missing. */
    private boolean ensureExecuted(final Hash32 hash, final int depth)
    {
        if (chain.isExecuted(hash))
        {
            return true;
        }
        final Proposal p = proposals.get(hash);
        if (p == null || depth == 0 || overCap(p.block()) != null || !ensureExecuted(p.parentHash(), depth - 1))
        {
            return false;
        }
        final List<EthTransaction> txs = resolve(p.block());
        if (txs == null)
        {
            return false;
        }
        final L2Block block = toBlock(p.block(), txs);
        if (check(p, block, txs, chain.block(p.parentHash())) != null)
        {
            return false;
        }
        try
        {
            chain.execute(block, txs);
            return true;
        }
        catch (final InvalidBlockException e)
        {
            return false;
        }
    }

    /** The block's transactions from the TxStore, else from its journaled body; null while any is missing. */
    private List<EthTransaction> resolve(final BlockCandidate b)
    {
        final List<EthTransaction> txs = new ArrayList<>(b.txHashes().size());
        for (final Hash32 h : b.txHashes())
        {
            final EthTransaction tx = txStore.get(h);
            if (tx == null)
            {
                return recoveredTxs.get(b.blockHash());
            }
            txs.add(tx);
        }
        return txs;
    }

    /**
     * V5 and V6 on the block rebuilt from the proposal's claimed fields: {@link BlockVerifier} checks
     * the prev_hash chain, the parent's timestamp, the merkle root over the resolved transactions, the
     * header hash and the leader's header signature; this adds the height, duplicates, the genesis
     * {@code l1_fee_rate}, the base fee and a bound on future timestamps. Null when they all hold. The
     * transaction count against genesis {@code block.max_transactions} ({@link #overCap}) is checked by
     * both callers before this, from the hashes alone, before any transaction is resolved.
     */
    private String check(final Proposal p, final L2Block block, final List<EthTransaction> txs, final L2Block parent)
    {
        final BlockCandidate b = p.block();
        final long parentHeight = parent == null ? 0 : parent.height();
        if (b.height() != parentHeight + 1)
        {
            return "height " + b.height() + " on parent " + parentHeight;
        }
        final HashSet<Hash32> seen = new HashSet<>();
        for (final EthTransaction tx : txs)
        {
            if (!seen.add(Hash32.wrap(tx.hash())))
            {
                return "duplicate transaction";
            }
        }
        final long parentTs = parent == null ? genesisTimestamp : parent.header().timestamp();
        final String bad = BlockVerifier.verify(block, parent == null ? Hash32.ZERO.bytes() : parent.hash(), parentTs,
            members.member(p.leader()).verificationKey());
        if (bad != null)
        {
            return bad;
        }
        if (!l1FeeRate.equals(block.header().l1FeeRate()))
        {
            return "l1_fee_rate " + block.header().l1FeeRate() + " != genesis " + l1FeeRate;
        }
        final long expectedFee = parent == null ? ChainConstants.INITIAL_BASE_FEE :
            BaseFee.next(parent.baseFee(), parent.gasUsed(), ChainConstants.BLOCK_GAS_LIMIT);
        if (b.baseFee() != expectedFee)
        {
            return "base fee " + b.baseFee() + " != " + expectedFee;
        }
        if (b.timestamp() > System.currentTimeMillis() / 1000 + 5)
        {
            return "timestamp " + b.timestamp() + " more than 5 s ahead";
        }
        return null;
    }

    /** V6's count: null when the block carries at most genesis {@code block.max_transactions} transactions. */
    private String overCap(final BlockCandidate b)
    {
        final int count = b.txHashes().size();
        return count <= maxBlockTransactions ? null :
            count + " transactions, above genesis block.max_transactions " + maxBlockTransactions;
    }

    /** The block as the proposal claims it: header fields, hash and signature as sent, with the resolved transactions. */
    private static L2Block toBlock(final BlockCandidate b, final List<EthTransaction> txs)
    {
        final List<byte[]> raws = new ArrayList<>(txs.size());
        final List<Address> senders = new ArrayList<>(txs.size());
        for (final EthTransaction tx : txs)
        {
            raws.add(tx.raw());
            senders.add(tx.sender());
        }
        final BigInteger fee = BigInteger.valueOf(b.l1FeeRateHi()).shiftLeft(64)
            .or(new BigInteger(Long.toUnsignedString(b.l1FeeRateLo())));
        final L2Header header = new L2Header(b.height(), b.parentHash().bytes(), b.stateRoot().bytes(), fee,
            b.txMerkleRoot().bytes(), b.timestamp());
        return new L2Block(header, b.blockHash().bytes(), b.headerSignature(), b.gasUsed(), b.baseFee(), raws, senders);
    }

    // ------------------------------------------------------------------------------------------
    // Delivery (H8)

    /**
     * Delivers in height order. A block this member cannot execute yet (it missed the proposal or
     * its transactions) waits in {@link #undelivered}, with everything after it, until its data
     * arrives or block sync applies it: nothing is journaled out of order.
     */
    private void deliver(final FinalizedBlock fb)
    {
        undelivered.add(fb);
        drainUndelivered(); // sets host.deliver.waiting
    }

    private void drainUndelivered()
    {
        FinalizedBlock fb;
        while ((fb = undelivered.peek()) != null)
        {
            if (fb.height() <= chain.headHeight())
            {
                undelivered.poll(); // applied by block sync meanwhile
                continue;
            }
            if (fb.height() != chain.headHeight() + 1 || !deliverOne(fb))
            {
                if (fb.height() != stalledHeight)
                {
                    stalledHeight = fb.height(); // counted once per block, not per retry
                    hostCounters.increment(HostCounters.Name.DELIVER_STALLS);
                }
                hostCounters.set(HostCounters.Name.DELIVER_WAITING, undelivered.size());
                if (!syncing)
                {
                    requestSync(System.nanoTime());
                }
                return;
            }
            undelivered.poll();
        }
        hostCounters.set(HostCounters.Name.DELIVER_WAITING, 0);
    }

    private boolean deliverOne(final FinalizedBlock fb)
    {
        final SpeculativeChain.Open oldest = chain.oldest();
        if (oldest == null || !oldest.hash().equals(fb.blockHash()))
        {
            // Not executed here as the next block (this member did not vote on it, or another branch
            // is open): execute it on the committed head from its stored proposal.
            chain.rollbackAll();
            if (!ensureExecuted(fb.blockHash(), 1))
            {
                return false;
            }
        }
        L2Block block = chain.oldest().block();
        final Proposal finalizedProposal = proposals.get(fb.blockHash(), fb.view());
        if (finalizedProposal != null &&
            !java.util.Arrays.equals(finalizedProposal.block().headerSignature(), block.signature()))
        {
            // Executed from another view's proposal of the same block: deliver the finalized view's leader's
            // header signature, the one FinalizedBlock.proposer made, so every member serves the same header.
            block = block.withSignature(finalizedProposal.block().headerSignature());
        }
        final long journalIndex = journalFinalized(block, fb);
        final SpeculativeChain.Open committed = chain.commitOldest(fb.blockHash());
        finish(block, committed.txs(), fb, journalIndex);
        return true;
    }

    /** Journals a finalized block and, right after it, its finalization record (§8.1); returns the block entry's index. */
    private long journalFinalized(final L2Block block, final FinalizedBlock fb)
    {
        final int length = blockCodec.encode(block, journalBuffer, 0);
        final long journalIndex = journal.append(journalBuffer, 0, length);
        final int metaLength = journalCodec.encodeFinalizedBlock(fb, journalBuffer, 0);
        journal.append(journalBuffer, 0, metaLength);
        return journalIndex;
    }

    private void finish(final L2Block block, final List<EthTransaction> txs, final FinalizedBlock fb, final long journalIndex)
    {
        mempool.onBlockCommitted(txs);
        for (final EthTransaction tx : txs)
        {
            txStore.remove(Hash32.wrap(tx.hash()));
        }
        proposals.remove(fb.blockHash(), fb.view());
        recoveredTxs.remove(fb.blockHash());
        finalizedWindow.put(fb);
        admission.publish(block, txs, true, journalIndex);
        if (trace != null)
        {
            trace.published(block.header().height(), txs.size());
        }
    }

    // ------------------------------------------------------------------------------------------
    // Support messages: tx fetch, block fetch, block sync (§9, §10)

    private void onSupport(final long now, final SupportMessage s)
    {
        if (s instanceof TxRequest r)
        {
            final List<byte[]> raws = new ArrayList<>();
            for (final Hash32 h : r.hashes())
            {
                final EthTransaction tx = txStore.get(h);
                if (tx != null)
                {
                    raws.add(tx.raw());
                }
            }
            if (!raws.isEmpty())
            {
                sendSupport(r.requester(), new TxResponse(self, raws));
            }
        }
        else if (s instanceof BlockRequest r)
        {
            final Proposal p = proposals.get(r.blockHash());
            if (p != null)
            {
                final List<EthTransaction> txs = resolve(p.block());
                if (txs != null)
                {
                    final List<byte[]> raws = new ArrayList<>();
                    txs.forEach(tx -> raws.add(tx.raw()));
                    sendSupport(r.requester(), new BlockResponse(self, p, raws));
                }
            }
        }
        else if (s instanceof BlockResponse r)
        {
            proposals.add(r.proposal());
            feed(new Input.MessageReceived(now, r.proposal()));
        }
        else if (s instanceof SyncRequest r)
        {
            serveSync(r);
        }
        else if (s instanceof SyncResponse r)
        {
            applySync(now, r);
        }
    }

    private void requestSync(final long now)
    {
        if (members.size() < 2)
        {
            return;
        }
        syncing = true;
        syncSentNs = now;
        hostCounters.increment(HostCounters.Name.SYNC_REQUESTS);
        hostCounters.set(HostCounters.Name.SYNC_ACTIVE, 1);
        int peer = syncPeer % members.size();
        if (peer == self)
        {
            peer = (peer + 1) % members.size();
            syncPeer++;
        }
        sendSupport(peer, new SyncRequest(self, chain.headHeight() + 1, SYNC_BATCH));
    }

    private void serveSync(final SyncRequest r)
    {
        final long head = chain.headHeight();
        if (r.fromHeight() > head)
        {
            sendSupport(r.requester(), new SyncResponse(self, List.of(), new FinalityProof(new byte[0], List.of())));
            return;
        }
        final long last = Math.min(head, r.fromHeight() + Math.min(r.maxBlocks(), SYNC_BATCH) - 1);
        final List<SyncedBlock> blocks = new ArrayList<>();
        FinalizedBlock lastMeta = null;
        for (long h = r.fromHeight(); h <= last; h++)
        {
            final L2Block b = view.block(h); // below the window: read from the journal (support path, not delivery)
            final FinalizedBlock fb = finalized(h);
            if (b == null || fb == null)
            {
                break;
            }
            final byte[] bytes = new byte[BlockCodec.encodedLength(b)];
            blockCodec.encode(b, new UnsafeBuffer(bytes), 0);
            blocks.add(new SyncedBlock(fb.view(), fb.parentView(), fb.proposer(), bytes));
            lastMeta = fb;
        }
        if (lastMeta == null)
        {
            return;
        }
        // The proof: the certificate of the certified block and the headers from the last block up to it.
        final List<L2Header> headers = new ArrayList<>();
        for (long h = lastMeta.height() + 1; h <= lastMeta.certifiedHeight(); h++)
        {
            final L2Block b = view.block(h);
            if (b == null)
            {
                return;
            }
            headers.add(b.header());
        }
        final FinalityProof proof = new FinalityProof(
            dev.seqnet.consensus.CertificateCodec.encode(lastMeta.certificate()), headers);
        sendSupport(r.requester(), new SyncResponse(self, blocks, proof));
    }

    private void applySync(final long now, final SyncResponse r)
    {
        if (r.blocks().isEmpty())
        {
            if (syncWantedFrom > chain.headHeight())
            {
                // The core holds a certificate for a block above this member's head, so some peer has it; this one
                // (behind too, or just started) does not. Ask the next peer at once, and after a full round of
                // peers wait for the tick's retry: the sync stays under way until the head reaches the core's request.
                syncPeer++;
                if (++emptySyncAnswers < members.size() - 1)
                {
                    requestSync(now);
                }
                return;
            }
            syncing = false; // the peer has nothing newer: caught up
            hostCounters.set(HostCounters.Name.SYNC_ACTIVE, 0);
            return;
        }
        emptySyncAnswers = 0;
        final List<L2Block> blocks = new ArrayList<>();
        for (final SyncedBlock sb : r.blocks())
        {
            try
            {
                blocks.add(blockCodec.decode(new UnsafeBuffer(sb.l2Block()), 0, sb.l2Block().length));
            }
            catch (final RuntimeException | dev.seqnet.chain.block.BlockCodecException e)
            {
                return;
            }
        }
        if (blocks.get(0).height() != chain.headHeight() + 1 ||
            !java.util.Arrays.equals(blocks.get(0).header().prevHash(), chain.headHash().unsafeBytes()))
        {
            return; // stale response
        }
        if (!finalityVerifier.isFinal(blocks.get(blocks.size() - 1).header(), r.proof()))
        {
            LOG.log(System.Logger.Level.WARNING, "sync response from " + r.responder() + " without a valid finality proof");
            return;
        }
        chain.rollbackAll();
        final var certificate = consensusCodec.decodeCertificate(
            new UnsafeBuffer(r.proof().certificate()), 0, r.proof().certificate().length);
        if (!certificate.isOk())
        {
            return;
        }
        FinalizedBlock last = null;
        for (int i = 0; i < blocks.size(); i++)
        {
            final L2Block b = blocks.get(i);
            final SyncedBlock sb = r.blocks().get(i);
            if (i > 0 && !java.util.Arrays.equals(b.header().prevHash(), blocks.get(i - 1).hash()))
            {
                return;
            }
            final L2Block prev = chain.head();
            final String bad = BlockVerifier.verify(b, prev == null ? new byte[32] : prev.hash(),
                prev == null ? genesisTimestamp : prev.header().timestamp(), members.member(sb.proposer()).verificationKey());
            if (bad != null)
            {
                LOG.log(System.Logger.Level.WARNING, "synced block " + b.height() + " fails: " + bad);
                return;
            }
            final List<EthTransaction> txs = trustedTxs(b);
            try
            {
                BlockReplay.executeAndCommit(ledger, b.height(), b.baseFee(), txs, b.header().stateRoot());
            }
            catch (final InvalidBlockException e)
            {
                // A valid certificate over a block that does not execute: more than f faults, or a bug.
                throw new IllegalStateException("synced block " + b.height() + " is certified but does not execute: " + e.getMessage());
            }
            final FinalizedBlock fb = new FinalizedBlock(b.height(), sb.view(), sb.parentView(), sb.proposer(),
                Hash32.wrap(b.hash()), dev.seqnet.consensus.core.FinalizationPath.INDIRECT,
                b.height() + (blocks.size() - i - 1) + r.proof().headers().size(), // the height the proof certifies
                certificate.value());
            final long journalIndex = journalFinalized(b, fb);
            chain.head(b);
            finish(b, txs, fb, journalIndex);
            hostCounters.increment(HostCounters.Name.SYNC_BLOCKS);
            last = fb;
        }
        if (last != null)
        {
            feed(new Input.BlocksSynced(now, last.height(), last.view(), last.blockHash()));
            drainUndelivered();
        }
        requestSync(now); // pipelined: ask for the next batch until a peer has nothing newer
    }

    /** Senders from the SBE block without re-recovering: the certificate vouches for the block (§10.2). */
    private List<EthTransaction> trustedTxs(final L2Block b)
    {
        final List<EthTransaction> txs = new ArrayList<>(b.txCount());
        for (int i = 0; i < b.txCount(); i++)
        {
            try
            {
                txs.add(trustedDecoder.decodeTrusted(b.rawTx(i), b.sender(i)));
            }
            catch (final dev.seqnet.chain.tx.TxDecodeException e)
            {
                throw new IllegalStateException("synced block " + b.height() + " tx " + i + " does not decode: " + e.getMessage());
            }
        }
        return txs;
    }

    // ------------------------------------------------------------------------------------------
    // ConsensusView (RPC threads)

    @Override
    public CoreStatus status()
    {
        return status;
    }

    @Override
    public java.util.Map<String, Long> hostCounters()
    {
        return hostCounters.snapshot();
    }

    @Override
    public FinalizedBlock finalized(final long height)
    {
        final FinalizedBlock held = finalizedWindow.get(height);
        if (held != null)
        {
            return held;
        }
        return height >= 1 && height <= view.headHeight() ? view.archive().finalized(height) : null;
    }

    @Override
    public List<EvidenceRecord> evidence(final long fromSeq, final int limit)
    {
        final List<EvidenceRecord> out = new ArrayList<>();
        for (final EvidenceRecord e : evidence)
        {
            if (e.seq() >= fromSeq && out.size() < Math.min(limit, MAX_EVIDENCE_PER_CALL))
            {
                out.add(e);
            }
        }
        return out;
    }
}
