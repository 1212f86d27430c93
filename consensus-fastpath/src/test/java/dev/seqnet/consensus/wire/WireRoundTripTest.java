package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Hash32;
import dev.seqnet.codecs.ProposalDecoder;
import dev.seqnet.codecs.MessageHeaderDecoder;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireRoundTripTest
{
    private final Samples samples = new Samples();
    private final ConsensusCodec consensus = new ConsensusCodec();
    private final SupportCodec support = new SupportCodec();
    private final JournalCodec journal = new JournalCodec();

    @Test
    void everyConsensusMessageSurvivesEncodeDecodeAtAnOffset()
    {
        for (final Map.Entry<String, ConsensusMessage> e : samples.consensus().entrySet())
        {
            final ConsensusMessage m = e.getValue();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40_000]);
            final int length = consensus.encode(m, buffer, 13);
            assertEquals(ConsensusCodec.encodedLength(m), length, e.getKey());
            final Decoded<ConsensusMessage> d = consensus.decode(buffer, 13, length);
            assertTrue(d.isOk(), e.getKey() + " " + d);
            assertSameMessage(m, d.value(), e.getKey());
            final byte[] frame = new byte[length];
            buffer.getBytes(13, frame);
            assertArrayEquals(frame, consensus.encode(d.value()), e.getKey());
        }
    }

    @Test
    void everySupportMessageSurvivesEncodeDecode()
    {
        for (final Map.Entry<String, SupportMessage> e : samples.support().entrySet())
        {
            final byte[] frame = support.encode(e.getValue());
            assertEquals(SupportCodec.encodedLength(e.getValue()), frame.length, e.getKey());
            final Decoded<SupportMessage> d = support.decode(new UnsafeBuffer(frame), 0, frame.length);
            assertTrue(d.isOk(), e.getKey() + " " + d);
            assertEquals(e.getValue().getClass(), d.value().getClass());
            assertEquals(e.getValue().sender(), d.value().sender());
            assertArrayEquals(frame, support.encode(d.value()), e.getKey());
        }
        final Map<String, SupportMessage> m = samples.support();
        // Records without arrays compare by value.
        for (final String key : new String[] {"txRequest", "blockRequest", "statusRequest", "status", "syncRequest"})
        {
            final byte[] frame = support.encode(m.get(key));
            assertEquals(m.get(key), support.decode(new UnsafeBuffer(frame), 0, frame.length).value(), key);
        }
        final TxBatch batch = (TxBatch)m.get("txBatch");
        final byte[] frame = support.encode(batch);
        final TxBatch back = (TxBatch)support.decode(new UnsafeBuffer(frame), 0, frame.length).value();
        assertEquals(99, back.batchSeq());
        assertEquals(3, back.txs().size());
        for (int i = 0; i < 3; i++)
        {
            assertArrayEquals(batch.txs().get(i), back.txs().get(i));
        }
        final SyncResponse sync = (SyncResponse)m.get("syncResponse");
        final byte[] syncFrame = support.encode(sync);
        final SyncResponse syncBack = (SyncResponse)support.decode(new UnsafeBuffer(syncFrame), 0, syncFrame.length).value();
        assertEquals(sync.proof().headers(), syncBack.proof().headers());
        assertArrayEquals(sync.proof().headers().get(1).hash(), syncBack.proof().headers().get(1).hash());
        assertArrayEquals(sync.proof().certificate(), syncBack.proof().certificate());
        assertArrayEquals(sync.blocks().get(1).l2Block(), syncBack.blocks().get(1).l2Block());
        assertEquals(6, syncBack.blocks().get(1).view());
        final BlockResponse block = (BlockResponse)m.get("blockResponse");
        final byte[] blockFrame = support.encode(block);
        assertSameMessage(block.proposal(),
            ((BlockResponse)support.decode(new UnsafeBuffer(blockFrame), 0, blockFrame.length).value()).proposal(), "block");
    }

    @Test
    void everyJournalRecordSurvivesEncodeDecode()
    {
        for (final Map.Entry<String, Object> e : samples.journal().entrySet())
        {
            final byte[] frame = journal.encode(e.getValue());
            final Decoded<Object> d = journal.decode(new UnsafeBuffer(frame), 0, frame.length);
            assertTrue(d.isOk(), e.getKey() + " " + d);
            assertArrayEquals(frame, journal.encode(d.value()), e.getKey());
            if (e.getValue() instanceof FinalizedBlock || e.getValue() instanceof Certificate)
            {
                assertEquals(e.getValue(), d.value(), e.getKey());
            }
            if (e.getValue() instanceof OwnVoteRecord)
            {
                final OwnVoteRecord a = (OwnVoteRecord)e.getValue();
                final OwnVoteRecord b = (OwnVoteRecord)d.value();
                assertEquals(a.journaledAtNs(), b.journaledAtNs());
                assertEquals(a.vote().kind(), b.vote().kind());
                assertEquals(a.vote().reason(), b.vote().reason());
                assertEquals(a.vote().parentHash(), b.vote().parentHash());
                assertArrayEquals(a.vote().signature(), b.vote().signature());
            }
            if (e.getValue() instanceof EvidenceRecord)
            {
                final EvidenceRecord a = (EvidenceRecord)e.getValue();
                final EvidenceRecord b = (EvidenceRecord)d.value();
                assertEquals(a.seq(), b.seq());
                assertEquals(a.evidence().kind(), b.evidence().kind());
                assertEquals(a.evidence().member(), b.evidence().member());
                assertSameMessage(a.evidence().first(), b.evidence().first(), e.getKey());
                assertSameMessage(a.evidence().second(), b.evidence().second(), e.getKey());
            }
            if (e.getValue() instanceof ProposalBody)
            {
                final ProposalBody a = (ProposalBody)e.getValue();
                final ProposalBody b = (ProposalBody)d.value();
                assertSameMessage(a.proposal(), b.proposal(), e.getKey());
                assertEquals(a.senders(), b.senders(), e.getKey());
                assertEquals(a.txs().size(), b.txs().size(), e.getKey());
                for (int i = 0; i < a.txs().size(); i++)
                {
                    assertArrayEquals(a.txs().get(i), b.txs().get(i), e.getKey() + " tx " + i);
                }
            }
        }
        final byte[] indirect = journal.encode(samples.journal().get("finalizedIndirect"));
        assertNull(((FinalizedBlock)journal.decode(new UnsafeBuffer(indirect), 0, indirect.length).value()).certificate());
    }

    /**
     * The host writes a body from its executed {@code L2Block} (allocation-free): the same bytes as from
     * the {@link ProposalBody} value, and it refuses a block that is not the proposal's.
     */
    @Test
    void proposalBodyFromTheExecutedBlockIsTheSameRecord()
    {
        final ProposalBody body = (ProposalBody)samples.journal().get("proposalBody");
        final dev.seqnet.consensus.message.BlockCandidate c = body.proposal().block();
        final dev.seqnet.chain.block.L2Block block = new dev.seqnet.chain.block.L2Block(
            new dev.seqnet.chain.block.L2Header(c.height(), c.parentHash().bytes(), c.stateRoot().bytes(),
                java.math.BigInteger.ONE, c.txMerkleRoot().bytes(), c.timestamp()),
            c.blockHash().bytes(), c.headerSignature(), c.gasUsed(), c.baseFee(), body.txs(), body.senders());
        final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer(64);
        final int length = journal.encodeProposalBody(body.proposal(), block, buffer, 0);
        final byte[] fromBlock = new byte[length];
        buffer.getBytes(0, fromBlock);
        assertArrayEquals(journal.encode(body), fromBlock);

        final dev.seqnet.chain.block.L2Block other = new dev.seqnet.chain.block.L2Block(block.header(),
            WireFixtures.hash("other").bytes(), c.headerSignature(), c.gasUsed(), c.baseFee(), body.txs(), body.senders());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> journal.encodeProposalBody(body.proposal(), other, buffer, 0));
        // A body whose transactions do not match the proposal's hashes in number does not decode: the
        // group of a two-transaction body followed by a proposal without hashes.
        final byte[] twoFrame = journal.encode(new ProposalBody(samples.f.proposal(5, 3, 2), Samples.txs(5, 6), Samples.senders(2)));
        final byte[] none = new ConsensusCodec().encode(samples.f.proposal(5, 3, 0));
        final int at = twoFrame.length - ConsensusCodec.proposalLength(2) - 4;
        final byte[] spliced = java.util.Arrays.copyOf(twoFrame, at + 4 + none.length);
        new UnsafeBuffer(spliced).putInt(at, none.length, java.nio.ByteOrder.LITTLE_ENDIAN);
        System.arraycopy(none, 0, spliced, at + 4, none.length);
        assertEquals(DropReason.MALFORMED, journal.decode(new UnsafeBuffer(spliced), 0, spliced.length).drop());
        assertTrue(journal.decode(new UnsafeBuffer(twoFrame), 0, twoFrame.length).isOk());
    }

    /** Pins the Vote layout byte for byte against PROTOCOL.md §3.3 / §3.6, independently of the codecs. */
    @Test
    void voteLayoutMatchesTheSpec()
    {
        final Vote v = (Vote)samples.consensus().get("notarize");
        final byte[] frame = consensus.encode(v);
        assertEquals(115, frame.length);
        // Header: blockLength 107, template 11, schema 5115 (0x13FB), version 2, all u16 little-endian.
        assertArrayEquals(new byte[] {107, 0, 11, 0, (byte)0xFB, 0x13, 2, 0}, java.util.Arrays.copyOf(frame, 8));
        assertEquals(MessageKind.NOTARIZE.code(), frame[8]);
        assertEquals(1, frame[9]);
        assertEquals(0, frame[10]);
        assertEquals(5, frame[11]);
        assertArrayEquals(v.blockHash().bytes(), java.util.Arrays.copyOfRange(frame, 19, 51));
        assertArrayEquals(v.signature(), java.util.Arrays.copyOfRange(frame, 51, 115));
    }

    /** The generated SBE decoder reads what our bounds-checked reader reads. */
    @Test
    void generatedDecoderAgreesOnTheProposal()
    {
        final Proposal p = (Proposal)samples.consensus().get("proposal");
        final byte[] frame = consensus.encode(p);
        final ProposalDecoder d = new ProposalDecoder().wrapAndApplyHeader(new UnsafeBuffer(frame), 0, new MessageHeaderDecoder());
        assertEquals(p.view(), d.view());
        assertEquals(p.parentView(), d.parentView());
        assertEquals(p.leader(), d.leader());
        final byte[] hash = new byte[32];
        d.getBlockHash(hash, 0, 32);
        assertEquals(p.blockHash(), Hash32.wrap(hash));
        final ProposalDecoder.TxHashesDecoder g = d.txHashes();
        assertEquals(3, g.count());
        g.next().getHash(hash, 0, 32);
        assertEquals(WireFixtures.txHash(0), Hash32.wrap(hash));
    }

    static void assertSameMessage(final ConsensusMessage expected, final ConsensusMessage actual, final String name)
    {
        assertEquals(expected.getClass(), actual.getClass(), name);
        if (expected instanceof Proposal)
        {
            final Proposal a = (Proposal)expected;
            final Proposal b = (Proposal)actual;
            assertEquals(a.view(), b.view(), name);
            assertEquals(a.parentView(), b.parentView(), name);
            assertEquals(a.leader(), b.leader(), name);
            assertArrayEquals(a.signature(), b.signature(), name);
            assertArrayEquals(a.block().headerSignature(), b.block().headerSignature(), name);
            assertEquals(a.block().txHashes(), b.block().txHashes(), name);
            assertEquals(a.block().blockHash(), b.block().blockHash(), name);
            assertEquals(a.block().parentHash(), b.block().parentHash(), name);
            assertEquals(a.block().stateRoot(), b.block().stateRoot(), name);
            assertEquals(a.block().txMerkleRoot(), b.block().txMerkleRoot(), name);
            assertEquals(a.block().height(), b.block().height(), name);
            assertEquals(a.block().timestamp(), b.block().timestamp(), name);
            assertEquals(a.block().l1FeeRateHi(), b.block().l1FeeRateHi(), name);
            assertEquals(a.block().l1FeeRateLo(), b.block().l1FeeRateLo(), name);
            assertEquals(a.block().gasUsed(), b.block().gasUsed(), name);
            assertEquals(a.block().baseFee(), b.block().baseFee(), name);
        }
        else if (expected instanceof Vote)
        {
            final Vote a = (Vote)expected;
            final Vote b = (Vote)actual;
            assertEquals(a.kind(), b.kind(), name);
            assertEquals(a.signer(), b.signer(), name);
            assertEquals(a.view(), b.view(), name);
            assertEquals(a.blockHash(), b.blockHash(), name);
            assertArrayEquals(a.signature(), b.signature(), name);
        }
        else
        {
            assertEquals(expected, actual, name);
        }
    }
}
