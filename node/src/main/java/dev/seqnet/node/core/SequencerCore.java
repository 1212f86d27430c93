package dev.seqnet.node.core;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.block.BlockCodec;
import dev.seqnet.chain.block.BlockSealer;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.block.TxMerkle;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.codecs.AdmittedTxEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.journal.Journal;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ordering.BaseFee;
import dev.seqnet.ordering.BlockBuilder;
import dev.seqnet.ordering.BuiltBlock;
import dev.seqnet.ordering.mempool.Mempool;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ringbuffer.SequencerStage;
import org.agrona.ExpandableArrayBuffer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The single-writer heart of a member: admits recovered transactions into the mempool (journaling
 * each before the client hears "accepted"), and cuts blocks as soon as transactions wait, at most
 * once per {@code minIntervalMs}, with an empty block at least every {@code maxIntervalMs}, each with at
 * most {@code maxBlockTransactions} (genesis {@code block.max_transactions}) transactions. A block
 * is journaled before it is committed to the ledger and made visible. Runs only on the Disruptor's
 * final stage thread; time is the {@code nowMs} the pipeline passes in.
 */
public final class SequencerCore implements SequencerStage
{
    private final SequencerKey key;
    private final Mempool mempool;
    private final NativeLedger ledger;
    private final BlockBuilder builder;
    private final Journal journal;
    private final ChainView view;
    private final Address feeRecipient;
    private final BigInteger l1FeeRate;
    private final long minIntervalMs;
    private final long maxIntervalMs;
    private final long genesisTimestamp;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AdmittedTxEncoder admittedEncoder = new AdmittedTxEncoder();
    private final dev.seqnet.codecs.DroppedTxEncoder droppedEncoder = new dev.seqnet.codecs.DroppedTxEncoder();
    /** Hashes of the block being published, while its pool removals are drained; else null. */
    private java.util.Set<dev.seqnet.chain.Hash32> publishing;
    /**
     * Off while recovery rebuilds state on the starting thread (what it re-derives is re-derived
     * the same way next time); on from {@link #recovered} for the sequencer thread, the journal's
     * single writer.
     */
    private boolean journalDrops;
    private final BlockCodec blockCodec = new BlockCodec();
    private final byte[] senderScratch = new byte[20];

    private final PoolRemovals removals;
    private final java.util.function.Consumer<EthTransaction> onRemoved = this::onRemoved;
    private final java.lang.System.Logger log = System.getLogger(SequencerCore.class.getName());

    private L2Block head;
    private Throwable failure;
    private long admissionSeq;
    private long lastBlockMs = Long.MIN_VALUE;
    private boolean txsWaiting;

    public SequencerCore(
        final SequencerKey key,
        final Mempool mempool,
        final NativeLedger ledger,
        final Journal journal,
        final ChainView view,
        final PoolRemovals removals,
        final Address feeRecipient,
        final BigInteger l1FeeRate,
        final long minIntervalMs,
        final long maxIntervalMs,
        final long genesisTimestamp,
        final int maxBlockTransactions)
    {
        this.key = key;
        this.mempool = mempool;
        this.ledger = ledger;
        this.builder = new BlockBuilder(mempool, ledger, maxBlockTransactions);
        this.journal = journal;
        this.view = view;
        this.removals = removals;
        this.feeRecipient = feeRecipient;
        this.l1FeeRate = l1FeeRate;
        this.minIntervalMs = minIntervalMs;
        this.maxIntervalMs = maxIntervalMs;
        this.genesisTimestamp = genesisTimestamp;
    }

    /** Sets the state recovered from the journal before the pipeline starts. */
    public void recovered(final L2Block head, final long nextAdmissionSeq)
    {
        this.head = head;
        this.admissionSeq = nextAdmissionSeq;
        this.txsWaiting = mempool.pendingCount() > 0;
        removals.drain(onRemoved);
        journalDrops = true;
    }

    /**
     * Admits into the mempool and journals before the client hears "accepted". A journal failure
     * stops this member (fail-stop): nothing more is admitted or produced, so no acknowledged
     * transaction and no block height can exist in memory without being on disk.
     */
    @Override
    public TxRejection onTransaction(final EthTransaction tx)
    {
        if (failure != null)
        {
            return TxRejection.INTERNAL_ERROR;
        }
        final TxRejection rejection = mempool.add(tx);
        if (rejection != null)
        {
            return rejection;
        }
        try
        {
            journalAdmitted(tx);
        }
        catch (final RuntimeException | Error e)
        {
            fail("journal append of an admitted transaction", e);
            return TxRejection.INTERNAL_ERROR;
        }
        view.onPending(tx);
        removals.drain(onRemoved);
        view.putPendingNonce(tx.sender(), mempool.pendingNonce(tx.sender()));
        // Only a transaction that can execute now is worth a block; a queued one (nonce gap) waits.
        txsWaiting |= tx.nonce() < mempool.pendingNonce(tx.sender());
        return null;
    }

    /**
     * A transaction left the pool: journal it (so recovery restores exactly this pool) and update the
     * read model. Included transactions are skipped: their block entry already says so.
     */
    private void onRemoved(final EthTransaction tx)
    {
        if (journalDrops && failure == null && !includedInBlock(tx))
        {
            try
            {
                droppedEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).putHash(tx.hash(), 0, 32);
                journal.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + droppedEncoder.encodedLength());
            }
            catch (final RuntimeException | Error e)
            {
                fail("journal append of a dropped transaction", e);
            }
        }
        view.removePending(tx.hash());
        view.putPendingNonce(tx.sender(), mempool.pendingNonce(tx.sender()));
    }

    private boolean includedInBlock(final EthTransaction tx)
    {
        return publishing != null && publishing.contains(dev.seqnet.chain.Hash32.wrap(tx.hash()));
    }

    private void fail(final String what, final Throwable cause)
    {
        failure = cause;
        log.log(System.Logger.Level.ERROR, "member stopped: " + what + " failed; restart it to recover from the journal", cause);
    }

    /** Why this member stopped admitting and producing, or null while it is healthy. */
    public Throwable failure()
    {
        return failure;
    }

    @Override
    public void onEndOfBatch(final long nowMs)
    {
        maybeCut(nowMs);
    }

    @Override
    public void onTick(final long nowMs)
    {
        maybeCut(nowMs);
    }

    private void maybeCut(final long nowMs)
    {
        if (failure != null)
        {
            return;
        }
        if (lastBlockMs != Long.MIN_VALUE && nowMs < lastBlockMs)
        {
            // The wall clock stepped back (NTP): re-anchor the intervals rather than stall until it
            // catches up. Header timestamps still never decrease (see produce).
            lastBlockMs = nowMs;
        }
        final long since = lastBlockMs == Long.MIN_VALUE ? Long.MAX_VALUE : nowMs - lastBlockMs;
        if ((txsWaiting && since >= minIntervalMs) || since >= maxIntervalMs)
        {
            produce(nowMs);
        }
    }

    /** Builds, signs, journals, commits and publishes the next block. */
    public L2Block produce(final long nowMs)
    {
        final long height = head == null ? 1 : head.header().height() + 1;
        final long baseFee = head == null ?
            ChainConstants.INITIAL_BASE_FEE : BaseFee.next(head.baseFee(), head.gasUsed(), ChainConstants.BLOCK_GAS_LIMIT);
        final BuiltBlock built = builder.build(height, baseFee);
        final List<EthTransaction> txs = built.transactions();
        boolean committed = false;
        try
        {
            final List<byte[]> raws = new ArrayList<>(txs.size());
            final List<Address> senders = new ArrayList<>(txs.size());
            for (final EthTransaction tx : txs)
            {
                raws.add(tx.raw());
                senders.add(tx.sender());
            }
            final long prevTimestamp = head == null ? genesisTimestamp : head.header().timestamp();
            final long timestamp = Math.max(prevTimestamp, nowMs / 1000);
            final byte[] prevHash = head == null ? new byte[32] : head.hash();
            final L2Header header = new L2Header(
                height, prevHash, built.stateRoot(), l1FeeRate, TxMerkle.rootOfRawTxs(raws), timestamp);
            final L2Block block = BlockSealer.seal(header, key, built.gasUsed(), baseFee, raws, senders);

            final int length = blockCodec.encode(block, buffer, 0);
            final long journalIndex;
            try
            {
                journalIndex = journal.append(buffer, 0, length);
            }
            catch (final RuntimeException | Error e)
            {
                // The entry may be on disk even though append failed (e.g. the sync after it):
                // never build this height again in this process.
                fail("journal append of block " + height, e);
                throw e;
            }

            builder.commit(built);
            committed = true;
            head = block;
            lastBlockMs = nowMs;
            publish(block, txs, true, journalIndex);
            // A block that ran out of gas or reached the transaction cap leaves executable work behind: cut again at once.
            txsWaiting = mempool.pendingCount() > 0 && (built.gasUsed() + ChainConstants.TX_BASE_GAS > ChainConstants.BLOCK_GAS_LIMIT ||
                txs.size() >= builder.maxTransactions());
            return block;
        }
        finally
        {
            if (!committed)
            {
                builder.abandon(built);
            }
        }
    }

    /**
     * Updates the read model for a committed block: accounts touched, pending nonces, indexes.
     *
     * @param journalIndex the Chronicle index of the block's {@code L2Block} entry, where the read model
     *                     finds it again once it is no longer held in memory.
     */
    public void publish(final L2Block block, final List<EthTransaction> txs, final boolean notify, final long journalIndex)
    {
        for (final EthTransaction tx : txs)
        {
            publishAccount(tx.sender());
            publishAccount(tx.to());
            view.putPendingNonce(tx.sender(), mempool.pendingNonce(tx.sender()));
        }
        publishAccount(feeRecipient);
        final java.util.Set<dev.seqnet.chain.Hash32> included = new java.util.HashSet<>(txs.size() * 2);
        for (final EthTransaction tx : txs)
        {
            included.add(dev.seqnet.chain.Hash32.wrap(tx.hash()));
        }
        publishing = included;
        try
        {
            removals.drain(onRemoved);
        }
        finally
        {
            publishing = null;
        }
        view.onBlock(block, txs, notify, journalIndex);
    }

    public void publishAccount(final Address address)
    {
        view.putAccount(address, ledger.nonce(address), ledger.balance(address));
    }

    private void journalAdmitted(final EthTransaction tx)
    {
        admittedEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .admissionSeq(admissionSeq++)
            .putHash(tx.hash(), 0, 32);
        tx.sender().copyTo(senderScratch, 0);
        admittedEncoder.putSender(senderScratch, 0, 20);
        admittedEncoder.putRaw(tx.raw(), 0, tx.raw().length);
        journal.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + admittedEncoder.encodedLength());
    }
}
