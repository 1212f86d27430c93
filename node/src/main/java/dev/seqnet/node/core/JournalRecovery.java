package dev.seqnet.node.core;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.chain.Hash32;
import dev.seqnet.ordering.mempool.Mempool;
import dev.seqnet.ordering.exec.NativeLedger;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a member from its journal on restart: re-executes every journaled block (checking chain
 * linkage and state roots), then re-admits, in admission order, the journaled transactions no
 * block included. The node continues from the same head with the same mempool.
 */
public final class JournalRecovery implements JournalScanner.Visitor
{
    /** What recovery found. */
    public record Result(L2Block head, long blocks, long transactions, int mempoolRestored, int mempoolDropped,
        long nextAdmissionSeq)
    {
    }

    private final TxDecoder decoder;
    private final BlockApplier applier;
    private final Mempool mempool;
    private final SequencerCore core;
    private final ChainView view;
    private final Map<Hash32, EthTransaction> unincluded = new LinkedHashMap<>();
    private L2Block head;
    private long blocks;
    private long transactions;
    private long nextAdmissionSeq;

    public JournalRecovery(
        final TxDecoder decoder, final NativeLedger ledger, final Mempool mempool, final SequencerCore core, final ChainView view)
    {
        this.decoder = decoder;
        this.applier = new BlockApplier(decoder, ledger);
        this.mempool = mempool;
        this.core = core;
        this.view = view;
    }

    public Result recover(final JournalReader reader) throws Exception
    {
        new JournalScanner().scan(reader, this);
        int restored = 0;
        int dropped = 0;
        for (final EthTransaction tx : unincluded.values())
        {
            final TxRejection rejection = mempool.add(tx);
            if (rejection == null)
            {
                view.onPending(tx);
                view.putPendingNonce(tx.sender(), mempool.pendingNonce(tx.sender()));
                restored++;
            }
            else
            {
                dropped++;
            }
        }
        core.recovered(head, nextAdmissionSeq);
        return new Result(head, blocks, transactions, restored, dropped, nextAdmissionSeq);
    }

    @Override
    public void onAdmitted(final long index, final long admissionSeq, final byte[] hash, final Address sender, final byte[] raw)
        throws Exception
    {
        final EthTransaction tx = decoder.decodeTrusted(raw, sender);
        unincluded.put(Hash32.wrap(tx.hash()), tx);
        nextAdmissionSeq = Math.max(nextAdmissionSeq, admissionSeq + 1);
    }

    @Override
    public void onDropped(final long index, final byte[] hash)
    {
        unincluded.remove(Hash32.wrap(hash));
    }

    @Override
    public void onBlock(final long index, final L2Block block) throws Exception
    {
        final long expectedHeight = head == null ? 1 : head.header().height() + 1;
        if (block.header().height() != expectedHeight)
        {
            throw new BlockRejectedException(block.header().height(), "journal out of order: expected height " + expectedHeight);
        }
        final byte[] expectedPrev = head == null ? new byte[32] : head.hash();
        if (!Arrays.equals(expectedPrev, block.header().prevHash()))
        {
            throw new BlockRejectedException(block.header().height(), "prev_hash does not chain to the journaled head");
        }
        if (!Arrays.equals(block.header().hash(), block.hash()))
        {
            throw new BlockRejectedException(block.header().height(), "stored hash does not match the header");
        }
        final List<EthTransaction> txs = applier.apply(block, head, false);
        for (final EthTransaction tx : txs)
        {
            unincluded.remove(Hash32.wrap(tx.hash()));
        }
        core.publish(block, txs, false, index);
        head = block;
        blocks++;
        transactions += txs.size();
    }
}
