package dev.seqnet.node.core;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.block.BlockCodec;
import dev.seqnet.chain.block.BlockCodecException;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.codecs.AdmittedTxDecoder;
import dev.seqnet.codecs.DroppedTxDecoder;
import dev.seqnet.codecs.L2BlockDecoder;
import dev.seqnet.codecs.MessageHeaderDecoder;
import dev.seqnet.journal.JournalCorruptException;
import dev.seqnet.journal.JournalReader;

/**
 * Walks a member's journal in order and hands each entry, decoded, to a {@link Visitor}: the one
 * reader behind restart recovery and {@code sequencer replay}. Unknown or undecodable entries are
 * reported as corruption with their journal index, never skipped silently.
 */
public final class JournalScanner
{
    /** What a scan sees. */
    public interface Visitor
    {
        /** A transaction admitted to the mempool; default: ignored (replay needs blocks only). */
        default void onAdmitted(long index, long admissionSeq, byte[] hash, Address sender, byte[] raw) throws Exception
        {
        }

        void onBlock(long index, L2Block block) throws Exception;

        /** A consensus record (the whole SBE frame); default: ignored. The buffer is valid during the call only. */
        default void onConsensusRecord(long index, int templateId, org.agrona.DirectBuffer buffer, int offset, int length)
            throws Exception
        {
        }

        /** A transaction that left the mempool; default: ignored (replay needs blocks only). */
        default void onDropped(long index, byte[] hash) throws Exception
        {
        }
    }

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AdmittedTxDecoder admittedDecoder = new AdmittedTxDecoder();
    private final DroppedTxDecoder droppedDecoder = new DroppedTxDecoder();
    /**
     * Consensus records (own votes, finalized-block metadata, certificates, evidence, proposal bodies:
     * PROTOCOL.md §8) use ids 10–34.
     */
    static final int FIRST_CONSENSUS_TEMPLATE = 10;
    static final int LAST_CONSENSUS_TEMPLATE = 34;

    private final BlockCodec blockCodec = new BlockCodec();
    private final byte[] hash = new byte[32];
    private final byte[] sender = new byte[20];

    /**
     * Reads every entry, stopping at the first failure: a journaled transaction that does not decode
     * is reported as {@link JournalCorruptException} with its index; the visitor's own exceptions
     * (e.g. {@link BlockRejectedException}) propagate unchanged.
     */
    public void scan(final JournalReader reader, final Visitor visitor) throws Exception
    {
        final Exception[] failure = new Exception[1];
        final dev.seqnet.journal.JournalHandler handler = (index, templateId, buffer, offset, length) ->
        {
            if (failure[0] != null)
            {
                return;
            }
            try
            {
                if (templateId == AdmittedTxDecoder.TEMPLATE_ID)
                {
                    headerDecoder.wrap(buffer, offset);
                    admittedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                    final long seq = admittedDecoder.admissionSeq();
                    admittedDecoder.getHash(hash, 0, 32);
                    admittedDecoder.getSender(sender, 0, 20);
                    final int rawLength = admittedDecoder.rawLength();
                    if (rawLength < 0 || rawLength > length)
                    {
                        throw new JournalCorruptException(index, null,
                            "admitted tx length " + rawLength + " exceeds the entry");
                    }
                    final byte[] raw = new byte[rawLength];
                    admittedDecoder.getRaw(raw, 0, rawLength);
                    visitor.onAdmitted(index, seq, hash.clone(), Address.of(sender), raw);
                }
                else if (templateId == DroppedTxDecoder.TEMPLATE_ID)
                {
                    headerDecoder.wrap(buffer, offset);
                    droppedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                    final byte[] dropped = new byte[32];
                    droppedDecoder.getHash(dropped, 0, 32);
                    visitor.onDropped(index, dropped);
                }
                else if (templateId == L2BlockDecoder.TEMPLATE_ID)
                {
                    final L2Block block;
                    try
                    {
                        block = blockCodec.decode(buffer, offset, length);
                    }
                    catch (final BlockCodecException e)
                    {
                        throw new JournalCorruptException(index, null, "undecodable block: " + e.getMessage());
                    }
                    visitor.onBlock(index, block);
                }
                else if (templateId >= FIRST_CONSENSUS_TEMPLATE && templateId <= LAST_CONSENSUS_TEMPLATE)
                {
                    visitor.onConsensusRecord(index, templateId, buffer, offset, length);
                }
                else
                {
                    throw new JournalCorruptException(index, null, "unknown template id " + templateId);
                }
            }
            catch (final dev.seqnet.chain.tx.TxDecodeException e)
            {
                failure[0] = new JournalCorruptException(index, null, "journaled transaction does not decode: " + e.getMessage());
            }
            catch (final Exception e)
            {
                failure[0] = e;
            }
        };
        while (failure[0] == null && reader.next(handler))
        {
            // each entry handled above; a failure stops the scan at that entry
        }
        if (failure[0] == null)
        {
            reader.readAll(handler); // readAll also runs the end-of-journal truncation check
        }
        if (failure[0] != null)
        {
            throw failure[0];
        }
    }
}
