package dev.seqnet.chain.block;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.codecs.L2BlockDecoder;
import dev.seqnet.codecs.L2BlockEncoder;
import dev.seqnet.codecs.MessageHeaderDecoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * SBE encoding of {@link L2Block} (message header included), the same bytes for the wire, the
 * journal and the block store. Decoding trusts nothing: every declared length is checked against
 * the frame before it is read or allocated, so a truncated or garbled frame gives a
 * {@link BlockCodecException}. One instance per thread: it reuses its flyweights.
 */
public final class BlockCodec
{
    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = L2BlockEncoder.TxsEncoder.HEADER_SIZE;
    private static final int TX_BLOCK_LENGTH = L2BlockEncoder.TxsEncoder.sbeBlockLength();
    private static final int RAW_HEADER_LENGTH = L2BlockEncoder.TxsEncoder.rawHeaderLength();
    private static final int HASH_LENGTH = 32;
    private static final int SIGNATURE_LENGTH = 64;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final L2BlockEncoder encoder = new L2BlockEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final L2BlockDecoder decoder = new L2BlockDecoder();
    private final byte[] senderScratch = new byte[Address.LENGTH];

    /** Bytes {@link #encode} writes for {@code block}. */
    public static int encodedLength(final L2Block block)
    {
        final int n = block.txCount();
        long length = HEADER_LENGTH + L2BlockEncoder.BLOCK_LENGTH + GROUP_HEADER_LENGTH +
            (long)n * (TX_BLOCK_LENGTH + RAW_HEADER_LENGTH);
        for (int i = 0; i < n; i++)
        {
            length += block.rawTxLength(i);
        }
        if (length > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("block encodes to more than 2 GiB");
        }
        return (int)length;
    }

    /**
     * Encodes {@code block} at {@code offset}; an expandable buffer grows once to fit it.
     *
     * @return bytes written.
     * @throws IndexOutOfBoundsException if a fixed-size buffer is too small (nothing is written).
     */
    public int encode(final L2Block block, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = encodedLength(block);
        buffer.checkLimit(offset + length);

        final L2Header header = block.header();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .height(header.height())
            .timestamp(header.timestamp())
            .l1FeeRateHi(header.l1FeeRateHi())
            .l1FeeRateLo(header.l1FeeRateLo())
            .gasUsed(block.gasUsed())
            .baseFee(block.baseFee())
            .putPrevHash(header.prevHashRef(), 0, HASH_LENGTH)
            .putStateRoot(header.stateRootRef(), 0, HASH_LENGTH)
            .putTxMerkleRoot(header.txMerkleRootRef(), 0, HASH_LENGTH)
            .putHash(block.hashRef(), 0, HASH_LENGTH)
            .putSignature(block.signatureRef(), 0, SIGNATURE_LENGTH);

        final int n = block.txCount();
        final L2BlockEncoder.TxsEncoder txs = encoder.txsCount(n);
        for (int i = 0; i < n; i++)
        {
            block.sender(i).copyTo(senderScratch, 0);
            final byte[] raw = block.rawTxRef(i);
            txs.next()
                .putSender(senderScratch, 0, Address.LENGTH)
                .putRaw(raw, 0, raw.length);
        }
        return HEADER_LENGTH + encoder.encodedLength();
    }

    /**
     * Decodes the block in the frame {@code [offset, offset + length)}, which must hold exactly one
     * encoded block.
     *
     * @throws BlockCodecException naming what is wrong with the frame.
     */
    public L2Block decode(final DirectBuffer buffer, final int offset, final int length) throws BlockCodecException
    {
        final int end = checkFrame(buffer, offset, length);
        final int blockLength = applyHeader(buffer, offset, length);
        if (length - HEADER_LENGTH - blockLength < GROUP_HEADER_LENGTH)
        {
            throw new BlockCodecException("truncated: frame of " + length + " bytes ends before the txs group");
        }

        final byte[] prevHash = new byte[HASH_LENGTH];
        final byte[] stateRoot = new byte[HASH_LENGTH];
        final byte[] txMerkleRoot = new byte[HASH_LENGTH];
        final byte[] hash = new byte[HASH_LENGTH];
        final byte[] signature = new byte[SIGNATURE_LENGTH];
        decoder.getPrevHash(prevHash, 0, HASH_LENGTH);
        decoder.getStateRoot(stateRoot, 0, HASH_LENGTH);
        decoder.getTxMerkleRoot(txMerkleRoot, 0, HASH_LENGTH);
        decoder.getHash(hash, 0, HASH_LENGTH);
        decoder.getSignature(signature, 0, SIGNATURE_LENGTH);
        final L2Header header = new L2Header(
            decoder.height(), prevHash, stateRoot, decoder.l1FeeRateHi(), decoder.l1FeeRateLo(),
            txMerkleRoot, decoder.timestamp());
        final long gasUsed = decoder.gasUsed();
        final long baseFee = decoder.baseFee();

        final L2BlockDecoder.TxsDecoder txs = decoder.txs();
        final int txBlockLength = txs.actingBlockLength();
        final int count = txs.count();
        if (txBlockLength < TX_BLOCK_LENGTH)
        {
            throw new BlockCodecException("tx entry length " + txBlockLength + " < " + TX_BLOCK_LENGTH);
        }
        if (count > L2Block.MAX_TX_COUNT)
        {
            throw new BlockCodecException("tx count " + count + " is the SBE null value");
        }
        final long minimum = (long)count * (txBlockLength + RAW_HEADER_LENGTH);
        if (end - decoder.limit() < minimum)
        {
            throw new BlockCodecException("truncated: " + count + " txs need at least " + minimum + " bytes, " +
                (end - decoder.limit()) + " left");
        }

        final byte[][] rawTxs = new byte[count][];
        final Address[] senders = new Address[count];
        for (int i = 0; i < count; i++)
        {
            if (end - decoder.limit() < txBlockLength + RAW_HEADER_LENGTH)
            {
                throw new BlockCodecException("truncated: frame ends inside tx " + i);
            }
            txs.next();
            txs.getSender(senderScratch, 0, Address.LENGTH);
            senders[i] = Address.wrap(senderScratch, 0);

            final int rawHeaderAt = decoder.limit();
            final long rawLength = buffer.getInt(rawHeaderAt, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            if (rawLength > ChainConstants.MAX_TX_SIZE)
            {
                throw new BlockCodecException("tx " + i + " declares " + rawLength + " bytes, more than MAX_TX_SIZE " +
                    ChainConstants.MAX_TX_SIZE);
            }
            if (end - rawHeaderAt - RAW_HEADER_LENGTH < rawLength)
            {
                throw new BlockCodecException("truncated: tx " + i + " declares " + rawLength + " bytes, " +
                    (end - rawHeaderAt - RAW_HEADER_LENGTH) + " left");
            }
            final byte[] raw = new byte[(int)rawLength];
            txs.getRaw(raw, 0, raw.length);
            rawTxs[i] = raw;
        }
        if (decoder.limit() != end)
        {
            throw new BlockCodecException((end - decoder.limit()) + " trailing bytes after the block");
        }
        return new L2Block(header, hash, signature, gasUsed, baseFee, rawTxs, senders);
    }

    /**
     * The height of the block in the frame, reading only the message header and the height field.
     *
     * @throws BlockCodecException if the frame is not an L2Block or too short to hold its fixed fields.
     */
    public long decodeHeight(final DirectBuffer buffer, final int offset, final int length) throws BlockCodecException
    {
        checkFrame(buffer, offset, length);
        applyHeader(buffer, offset, length);
        return decoder.height();
    }

    private static int checkFrame(final DirectBuffer buffer, final int offset, final int length)
        throws BlockCodecException
    {
        if (offset < 0 || length < 0 || (long)offset + length > buffer.capacity())
        {
            throw new BlockCodecException("frame offset=" + offset + " length=" + length +
                " lies outside the buffer of capacity " + buffer.capacity());
        }
        return offset + length;
    }

    /** Checks the message header and the fixed block, then wraps the decoder; returns the acting block length. */
    private int applyHeader(final DirectBuffer buffer, final int offset, final int length) throws BlockCodecException
    {
        if (length < HEADER_LENGTH)
        {
            throw new BlockCodecException("truncated: " + length + " bytes cannot hold the message header");
        }
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        if (templateId != L2BlockDecoder.TEMPLATE_ID)
        {
            throw new BlockCodecException("template id " + templateId + " is not L2Block (" + L2BlockDecoder.TEMPLATE_ID + ")");
        }
        final int schemaId = headerDecoder.schemaId();
        if (schemaId != L2BlockDecoder.SCHEMA_ID)
        {
            throw new BlockCodecException("schema id " + schemaId + " is not seqnet's (" + L2BlockDecoder.SCHEMA_ID + ")");
        }
        final int blockLength = headerDecoder.blockLength();
        if (blockLength < L2BlockDecoder.BLOCK_LENGTH)
        {
            throw new BlockCodecException("block length " + blockLength + " < " + L2BlockDecoder.BLOCK_LENGTH);
        }
        if (length - HEADER_LENGTH < blockLength)
        {
            throw new BlockCodecException("truncated: frame of " + length + " bytes ends inside the fixed fields");
        }
        decoder.wrap(buffer, offset + HEADER_LENGTH, blockLength, headerDecoder.version());
        return blockLength;
    }
}
