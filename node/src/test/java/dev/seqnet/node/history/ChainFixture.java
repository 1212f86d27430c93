package dev.seqnet.node.history;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.block.BlockCodec;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.wire.JournalCodec;
import dev.seqnet.journal.Journal;
import org.agrona.ExpandableArrayBuffer;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of blocks with real signed transfers (their hashes are the Keccak of their bytes, as the
 * read model checks), journaled the way a network member journals them: {@code L2Block}, then its
 * {@code FinalizedBlock} record.
 */
public final class ChainFixture
{
    public static final long CHAIN_ID = 5115;

    private static final byte[] KEY = Sha256.hash("chain fixture".getBytes());
    private static final Address TO = Address.fromHex("0x1111111111111111111111111111111111111111");

    private final TxDecoder decoder = new TxDecoder(CHAIN_ID);
    private final BlockCodec blockCodec = new BlockCodec();
    private final JournalCodec journalCodec = new JournalCodec();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private long nonce;
    private byte[] prevHash = new byte[32];

    /** Signed transfers with consecutive nonces. */
    public List<EthTransaction> txs(final int count) throws Exception
    {
        final List<EthTransaction> txs = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            txs.add(decoder.decode(TxSigner.signDynamicFee(CHAIN_ID, nonce++, 1, 2_000_000_000L, 21_000, TO,
                BigInteger.ONE, new byte[0], KEY)));
        }
        return txs;
    }

    /** The next block of the chain, holding {@code txs}. */
    public L2Block next(final long height, final List<EthTransaction> txs)
    {
        final List<byte[]> raws = new ArrayList<>();
        final List<Address> senders = new ArrayList<>();
        for (final EthTransaction tx : txs)
        {
            raws.add(tx.raw());
            senders.add(tx.sender());
        }
        final L2Header header = new L2Header(height, prevHash, Sha256.hash(ByteBuffer.allocate(8).putLong(height).array()),
            BigInteger.ONE, new byte[32], 1_700_000_000L + height);
        final L2Block block = new L2Block(header, header.hash(), new byte[64], 21_000L * txs.size(), 10_000_000L, raws, senders);
        prevHash = block.hash();
        return block;
    }

    /** The finalization record a member would journal for {@code block}. */
    public static FinalizedBlock finalizedOf(final L2Block block)
    {
        return new FinalizedBlock(block.height(), block.height() + 100, block.height() + 99, (int)(block.height() % 4),
            dev.seqnet.chain.Hash32.wrap(block.hash()), FinalizationPath.INDIRECT, block.height() + 1, null);
    }

    /** Appends the block's entry; returns its journal index. */
    public long journalBlock(final Journal journal, final L2Block block)
    {
        return journal.append(buffer, 0, blockCodec.encode(block, buffer, 0));
    }

    /** Appends a finalization record. */
    public void journalFinalized(final Journal journal, final FinalizedBlock finalized)
    {
        journal.append(buffer, 0, journalCodec.encodeFinalizedBlock(finalized, buffer, 0));
    }
}
