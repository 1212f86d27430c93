package dev.seqnet.node.history;

import dev.seqnet.chain.block.BlockCodec;
import dev.seqnet.chain.block.BlockCodecException;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.codecs.L2BlockDecoder;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.wire.Decoded;
import dev.seqnet.consensus.wire.JournalCodec;
import dev.seqnet.consensus.wire.Templates;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalHandler;
import dev.seqnet.journal.JournalReader;
import org.agrona.DirectBuffer;

/**
 * Finalized blocks older than the in-memory window, read back from the journal: every finalized
 * block is there already as its {@code L2Block} entry, followed by its {@code FinalizedBlock} record
 * in a network member (PROTOCOL.md §8.1). A {@link HeightIndex} says at which Chronicle index each
 * height's block entry is, so a read is one seek and one or two entries, never a scan from the start.
 * <p>
 * For the threads that serve old blocks: RPC threads, and the sequencer thread's answers to block
 * sync (support messages, not the delivery path). They share one journal reader and take turns
 * (a lock around a seek and a read of a few µs). The sequencer thread records each block with
 * {@link #record}, a write into the mapped height table, without taking the lock.
 * <p>
 * Nothing read here is cached: an old block is decoded for the caller and forgotten, so serving
 * history costs no live heap. A damaged or unexpected entry is logged and answered as absent (null),
 * never thrown at the caller.
 */
public final class BlockArchive implements AutoCloseable
{
    /** Entries after a block's own in which its {@code FinalizedBlock} record is looked for (it is the next one). */
    static final int FINALIZED_LOOKAHEAD = 4;

    private static final System.Logger LOG = System.getLogger(BlockArchive.class.getName());

    private final HeightIndex heights;
    private final JournalReader reader;
    private final BlockCodec blockCodec = new BlockCodec();
    private final JournalCodec journalCodec = new JournalCodec();
    private final JournalHandler onEntry = this::onEntry;

    // What the last entry read held (guarded by this).
    private boolean wantBlock;
    private int lastTemplate;
    private long lastBlockHeight;
    private L2Block lastBlock;
    private FinalizedBlock lastFinalized;
    private boolean closed;

    /**
     * @param journal the member's journal; the archive opens a reader on it and must be closed before it.
     * @param heights where each height's block entry is, filled through {@link #record}.
     */
    public BlockArchive(final Journal journal, final HeightIndex heights)
    {
        this.heights = heights;
        this.reader = journal.newReader().allowThreadHandOff();
    }

    /** The block at {@code height} was journaled at {@code journalIndex}. Sequencer thread, before the block is published. */
    public void record(final long height, final long journalIndex)
    {
        heights.put(height, journalIndex);
    }

    /** The journaled block at {@code height}, or null if none was recorded (or its entry does not read back). */
    public synchronized L2Block block(final long height)
    {
        try
        {
            return readBlockEntry(height, true) ? lastBlock : null;
        }
        catch (final RuntimeException e)
        {
            return failed(height, e.toString());
        }
        finally
        {
            lastBlock = null;
        }
    }

    /**
     * The {@code FinalizedBlock} record journaled with the block at {@code height}, or null: none recorded,
     * or a one-member network's journal, which holds blocks only.
     */
    public synchronized FinalizedBlock finalized(final long height)
    {
        try
        {
            if (!readBlockEntry(height, false))
            {
                return null;
            }
            for (int i = 0; i < FINALIZED_LOOKAHEAD && reader.next(onEntry); i++)
            {
                if (lastTemplate == L2BlockDecoder.TEMPLATE_ID)
                {
                    return null; // the next block: this one has no record
                }
                if (lastFinalized != null && lastFinalized.height() == height)
                {
                    return lastFinalized;
                }
            }
            return null;
        }
        catch (final RuntimeException e)
        {
            return failed(height, e.toString());
        }
        finally
        {
            lastFinalized = null;
        }
    }

    /** Closes the reader. Call before the journal closes, once no caller can be inside. */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            reader.close();
        }
    }

    /** Reads the block entry recorded for {@code height} (decoding it whole if {@code decode}); false if there is none. */
    private boolean readBlockEntry(final long height, final boolean decode)
    {
        final long index = heights.get(height);
        if (index == HeightIndex.NULL_INDEX || closed)
        {
            return false;
        }
        wantBlock = decode;
        if (reader.seek(index) && reader.next(onEntry) && lastTemplate == L2BlockDecoder.TEMPLATE_ID && lastBlockHeight == height)
        {
            return true;
        }
        failed(height, "no block of this height at journal index 0x" + Long.toHexString(index));
        return false;
    }

    private void onEntry(final long index, final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        lastTemplate = templateId;
        lastBlock = null;
        lastFinalized = null;
        if (templateId == L2BlockDecoder.TEMPLATE_ID)
        {
            try
            {
                if (wantBlock)
                {
                    lastBlock = blockCodec.decode(buffer, offset, length);
                    lastBlockHeight = lastBlock.height();
                }
                else
                {
                    lastBlockHeight = blockCodec.decodeHeight(buffer, offset, length);
                }
            }
            catch (final BlockCodecException e)
            {
                lastBlockHeight = -1;
                LOG.log(System.Logger.Level.WARNING, "journal entry 0x" + Long.toHexString(index) + " does not decode: " +
                    e.getMessage());
            }
        }
        else if (templateId == Templates.FINALIZED_BLOCK && !wantBlock)
        {
            final Decoded<FinalizedBlock> d = journalCodec.decodeFinalizedBlock(buffer, offset, length);
            lastFinalized = d.isOk() ? d.value() : null;
        }
    }

    private static <T> T failed(final long height, final String what)
    {
        LOG.log(System.Logger.Level.WARNING, "journal read of block " + height + " failed: " + what);
        return null;
    }
}
