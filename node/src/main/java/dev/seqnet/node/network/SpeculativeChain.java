package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.ordering.exec.BlockExecution;
import dev.seqnet.ordering.exec.BlockReplay;
import dev.seqnet.ordering.exec.InvalidBlockException;
import dev.seqnet.ordering.exec.NativeLedger;

import java.util.ArrayList;
import java.util.List;

/**
 * The executed, not yet final blocks on top of the committed head (PROTOCOL.md §13 H3): a chain of
 * open blocks in the ledger, oldest first. A proposal on another branch first rolls back to the fork
 * point (forks are rare); delivery commits the oldest; abandoning rolls a block and its descendants
 * back. Single-writer: the sequencer thread.
 */
final class SpeculativeChain
{
    /** One executed block and what it needs to be committed and published. */
    record Open(L2Block block, List<EthTransaction> txs, BlockExecution execution)
    {
        Hash32 hash()
        {
            return Hash32.wrap(block.hash());
        }
    }

    private final NativeLedger ledger;
    private final ArrayList<Open> open = new ArrayList<>();
    private L2Block head;

    SpeculativeChain(final NativeLedger ledger, final L2Block committedHead)
    {
        this.ledger = ledger;
        this.head = committedHead;
    }

    /** The committed head, or null at genesis. */
    L2Block head()
    {
        return head;
    }

    Hash32 headHash()
    {
        return head == null ? Hash32.ZERO : Hash32.wrap(head.hash());
    }

    long headHeight()
    {
        return head == null ? 0 : head.height();
    }

    /** The executed block with this hash: the committed head or an open block; null if neither. */
    L2Block block(final Hash32 hash)
    {
        if (hash.equals(headHash()))
        {
            return head;
        }
        final Open o = find(hash);
        return o == null ? null : o.block();
    }

    /** True for the committed head (or genesis) and open blocks. */
    boolean isExecuted(final Hash32 hash)
    {
        return hash.equals(headHash()) || find(hash) != null;
    }

    Open find(final Hash32 hash)
    {
        for (final Open o : open)
        {
            if (o.hash().equals(hash))
            {
                return o;
            }
        }
        return null;
    }

    /** The oldest open block (the next to commit), or null. */
    Open oldest()
    {
        return open.isEmpty() ? null : open.get(0);
    }

    /** How many transactions the open blocks hold (they are still in the mempool). */
    int openTxCount()
    {
        int count = 0;
        for (int i = 0; i < open.size(); i++) // indexed: read after every batch of peer frames, no iterator
        {
            count += open.get(i).txs().size();
        }
        return count;
    }

    /**
     * Makes {@code parent} the tip, rolling back open blocks above it.
     *
     * @return false if {@code parent} is neither the committed head nor open (nothing is changed).
     */
    boolean positionAt(final Hash32 parent)
    {
        final long height;
        if (parent.equals(headHash()))
        {
            height = headHeight();
        }
        else
        {
            final Open o = find(parent);
            if (o == null)
            {
                return false;
            }
            height = o.block().height();
        }
        if (ledger.openBlockCount() > 0)
        {
            ledger.rollbackTo(height);
        }
        while (!open.isEmpty() && open.get(open.size() - 1).block().height() > height)
        {
            open.remove(open.size() - 1);
        }
        return true;
    }

    /** Records a block the builder executed on the tip. */
    void pushBuilt(final L2Block block, final List<EthTransaction> txs, final BlockExecution execution)
    {
        open.add(new Open(block, txs, execution));
    }

    /**
     * Executes {@code block} on its parent (which must be executed), checking every transaction and
     * the state root.
     *
     * @throws InvalidBlockException if a transaction fails or the root differs (nothing stays open).
     */
    void execute(final L2Block block, final List<EthTransaction> txs) throws InvalidBlockException
    {
        final Hash32 parent = Hash32.wrap(block.header().prevHash());
        if (!positionAt(parent))
        {
            throw new IllegalStateException("parent of block " + block.height() + " is not executed");
        }
        final BlockExecution execution = BlockReplay.executeOnTop(
            ledger, block.height(), block.baseFee(), txs, block.header().stateRoot());
        if (execution.gasUsed() != block.gasUsed())
        {
            execution.rollback();
            throw new InvalidBlockException(block.height(), -1, null,
                "block " + block.height() + " gas used " + execution.gasUsed() + " != claimed " + block.gasUsed());
        }
        open.add(new Open(block, txs, execution));
    }

    /**
     * Commits the oldest open block, which must be {@code hash}; returns it.
     *
     * @throws IllegalStateException if {@code hash} is not the oldest open block.
     */
    Open commitOldest(final Hash32 hash)
    {
        if (open.isEmpty() || !open.get(0).hash().equals(hash))
        {
            throw new IllegalStateException("block " + hash + " is not the oldest open block");
        }
        final Open o = open.remove(0);
        o.execution().commit();
        head = o.block();
        return o;
    }

    /** Rolls back {@code hash} and every open block above it, if it is open. */
    void abandon(final Hash32 hash)
    {
        final Open o = find(hash);
        if (o != null)
        {
            positionAt(Hash32.wrap(o.block().header().prevHash()));
        }
    }

    /** Rolls back every open block (before applying synced blocks). */
    void rollbackAll()
    {
        positionAt(headHash());
    }

    /** Sets the committed head after blocks were applied outside the chain (block sync). */
    void head(final L2Block block)
    {
        if (!open.isEmpty())
        {
            throw new IllegalStateException("open blocks above the head");
        }
        head = block;
    }
}
