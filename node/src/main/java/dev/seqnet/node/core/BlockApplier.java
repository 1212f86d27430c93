package dev.seqnet.node.core;

import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.ordering.BaseFee;
import dev.seqnet.ordering.exec.BlockExecution;
import dev.seqnet.ordering.exec.BlockReplay;
import dev.seqnet.ordering.exec.InvalidBlockException;
import dev.seqnet.ordering.exec.NativeLedger;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-executes a finalized block against the ledger and checks it reproduces the block's gas used and
 * state root: the one path restart recovery, {@code sequencer replay} and (next) followers use, so
 * all three agree on what a valid block is. Either the whole block commits, or nothing changes.
 */
public final class BlockApplier
{
    private final TxDecoder decoder;
    private final NativeLedger ledger;

    public BlockApplier(final TxDecoder decoder, final NativeLedger ledger)
    {
        this.decoder = decoder;
        this.ledger = ledger;
    }

    /**
     * Decodes and applies {@code block}'s transactions.
     *
     * @param parent         the block before, or null for height 1: the EIP-1559 base fee must follow
     *                       from it (base fee and gas used are not in the signed header, so they are
     *                       re-derived here rather than trusted).
     * @param recoverSenders true re-checks every signature and compares the recovered sender with the
     *                       stored one; false trusts the stored sender (own journal, fast replay).
     * @return the decoded transactions, in block order.
     * @throws BlockRejectedException naming the height and the reason; the ledger is unchanged.
     */
    public List<EthTransaction> apply(final L2Block block, final L2Block parent, final boolean recoverSenders)
        throws BlockRejectedException
    {
        final long height = block.header().height();
        final long expectedBaseFee = parent == null ? ChainConstants.INITIAL_BASE_FEE :
            BaseFee.next(parent.baseFee(), parent.gasUsed(), ChainConstants.BLOCK_GAS_LIMIT);
        if (block.baseFee() != expectedBaseFee)
        {
            throw new BlockRejectedException(height, "base fee " + block.baseFee() + " but EIP-1559 from the parent gives " + expectedBaseFee);
        }
        if (block.gasUsed() < 0 || block.gasUsed() > ChainConstants.BLOCK_GAS_LIMIT)
        {
            throw new BlockRejectedException(height, "gas used " + block.gasUsed() + " outside 0.." + ChainConstants.BLOCK_GAS_LIMIT);
        }
        final List<EthTransaction> txs = new ArrayList<>(block.txCount());
        for (int i = 0; i < block.txCount(); i++)
        {
            try
            {
                final EthTransaction tx = recoverSenders ?
                    decoder.decode(block.rawTx(i)) : decoder.decodeTrusted(block.rawTx(i), block.sender(i));
                if (recoverSenders && !tx.sender().equals(block.sender(i)))
                {
                    throw new BlockRejectedException(height, "tx " + i + " sender " + tx.sender() +
                        " does not match the stored sender " + block.sender(i));
                }
                txs.add(tx);
            }
            catch (final TxDecodeException e)
            {
                throw new BlockRejectedException(height, "tx " + i + " invalid: " + e.getMessage());
            }
        }

        final BlockExecution execution;
        try
        {
            execution = BlockReplay.execute(ledger, height, block.baseFee(), txs, block.header().stateRoot());
        }
        catch (final InvalidBlockException e)
        {
            throw new BlockRejectedException(height, e.txIndex() < 0 ?
                "state root mismatch: executing the block does not give the header's state_root" :
                "tx " + e.txIndex() + " does not execute: " + e.outcome());
        }
        if (execution.gasUsed() != block.gasUsed())
        {
            final long used = execution.gasUsed();
            execution.rollback();
            throw new BlockRejectedException(height, "gas used " + used + " but the block says " + block.gasUsed());
        }
        execution.commit();
        return txs;
    }
}
