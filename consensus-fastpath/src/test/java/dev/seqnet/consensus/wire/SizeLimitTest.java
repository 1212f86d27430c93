package dev.seqnet.consensus.wire;

import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.Hash32;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.codecs.ProposalEncoder;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.Evidence;
import dev.seqnet.consensus.core.EvidenceKind;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.NullifyReason;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame sizes and limits of PROTOCOL.md §3.6; the expected numbers are the spec's. */
class SizeLimitTest
{
    private final WireFixtures f = new WireFixtures(4);
    private final ConsensusCodec codec = new ConsensusCodec();
    private final SupportCodec support = new SupportCodec();
    private final JournalCodec journal = new JournalCodec();

    @Test
    void theLimitsAreTheSpecTable()
    {
        final int[][] table = {
            {10, 16_718}, {11, 115}, {12, 16_501}, {13, 262_144}, {14, 16_406}, {15, 4 << 20}, {16, 26},
            {17, 50}, {18, 4 << 20}, {19, 10}, {20, 66}, {21, 20}, {22, 4 << 20}, {30, 162}, {31, 16_580},
            {32, 16_501}, {33, 33_471}};
        for (final int[] row : table)
        {
            assertEquals(row[1], FrameLimits.maxLength(row[0]), "template " + row[0]);
        }
        assertEquals(-1, FrameLimits.maxLength(1));
        assertEquals(-1, FrameLimits.maxLength(23));
    }

    @Test
    void aProposalWith512HashesFitsAndVerifies()
    {
        final Proposal p = f.proposal(9, 8, 512);
        final byte[] frame = codec.encode(p);
        assertEquals(16_718, frame.length);
        final InboundVerifier verifier = new InboundVerifier(f.members, f.domain);
        final Decoded<ConsensusMessage> d = verifier.verify(new UnsafeBuffer(frame), 0, frame.length);
        assertTrue(d.isOk(), d.toString());
        assertEquals(512, ((Proposal)d.value()).block().txHashes().size());
    }

    @Test
    void aProposalWith513HashesIsRefusedOnBothSides()
    {
        final List<Hash32> hashes = new ArrayList<>(Collections.nCopies(513, WireFixtures.txHash(1)));
        final Proposal p = f.proposal(9, 8, 0);
        assertThrows(IllegalArgumentException.class, () -> new BlockCandidate(p.blockHash(), p.parentHash(), 1, 0, 0, 0, 0, 0,
            p.block().stateRoot(), p.block().txMerkleRoot(), new byte[64], hashes));

        // A peer's 513-hash frame, built with the generated encoder: 16,750 bytes, dropped unread.
        final byte[] frame = new byte[ConsensusCodec.proposalLength(513)];
        assertEquals(16_750, frame.length);
        final ProposalEncoder e = new ProposalEncoder()
            .wrapAndApplyHeader(new UnsafeBuffer(frame), 0, new MessageHeaderEncoder()).view(9).parentView(8).height(1);
        final ProposalEncoder.TxHashesEncoder g = e.txHashesCount(513);
        for (int i = 0; i < 513; i++)
        {
            g.next().putHash(WireFixtures.txHash(i).bytes(), 0, 32);
        }
        final InboundVerifier verifier = new InboundVerifier(f.members, f.domain);
        assertEquals(DropReason.OVERSIZE, verifier.verify(new UnsafeBuffer(frame), 0, frame.length).drop());
        assertEquals(1, verifier.counters().get(DropReason.OVERSIZE));
        assertEquals(1, verifier.counters().total());
    }

    @Test
    void fixedAndTypicalSizesMatchTheSpec()
    {
        assertEquals(115, codec.encode(f.vote(MessageKind.FINALIZE, 0, 3, WireFixtures.hash("x"))).length);
        assertEquals(26, codec.encode(new CertificateRequest(1, 1, 64)).length);
        assertEquals(373, codec.encode(f.certificate(CertificateKind.FINALIZATION_FAST, 3, WireFixtures.hash("x"),
            WireFixtures.range(4))).length);
        final WireFixtures seven = new WireFixtures(7);
        assertEquals(565, codec.encode(seven.certificate(CertificateKind.FINALIZATION_FAST, 3, WireFixtures.hash("x"),
            WireFixtures.range(7))).length);
        assertEquals(10, support.encode(new StatusRequest(1)).length);
        assertEquals(66, support.encode(new Status(1, 2, 3, 4, Hash32.ZERO)).length);
        assertEquals(20, support.encode(new SyncRequest(1, 2, 64)).length);
        assertEquals(50, support.encode(new BlockRequest(1, 2, Hash32.ZERO)).length);
        assertEquals(16_406, support.encode(new TxRequest(1, 2, Collections.nCopies(512, Hash32.ZERO))).length);
        assertEquals(162, journal.encode(new OwnVoteRecord(new OwnVote(MessageKind.NULLIFY, 4, 0, Hash32.ZERO, Hash32.ZERO,
            NullifyReason.TIMEOUT, new byte[64]), 1)).length);
    }

    @Test
    void theLargestJournalRecordsFitTheirLimits()
    {
        final byte[][] sigs = new byte[256][];
        for (int i = 0; i < 256; i++)
        {
            sigs[i] = new byte[64];
        }
        final int[] all = WireFixtures.range(256);
        final Certificate full = new Certificate(CertificateKind.FINALIZATION_SLOW, 3, new byte[32], Certificate.bitmap(all),
            new byte[32], sigs);
        assertEquals(16_501, codec.encode(full).length);
        assertEquals(16_501, journal.encode(full).length);
        final byte[] finalized = journal.encode(new FinalizedBlock(1, 3, 2, 0, Hash32.ZERO, FinalizationPath.SLOW, 1, full));
        assertEquals(16_580, finalized.length);
        assertTrue(journal.decode(new UnsafeBuffer(finalized), 0, finalized.length).isOk());

        final Evidence e = new Evidence(EvidenceKind.DOUBLE_PROPOSAL, 1, 9, f.proposal(9, 8, 512), f.proposal(9, 7, 512));
        final byte[] evidence = journal.encode(new EvidenceRecord(1, e));
        assertEquals(33_471, evidence.length);
        assertTrue(journal.decode(new UnsafeBuffer(evidence), 0, evidence.length).isOk());
        final byte[] over = java.util.Arrays.copyOf(evidence, evidence.length + 1);
        assertEquals(DropReason.OVERSIZE, journal.decode(new UnsafeBuffer(over), 0, over.length).drop());
    }

    @Test
    void aTxBatchCarriesOneMaximalTransactionButNotAFrameOverItsLimit()
    {
        final TxBatch one = new TxBatch(0, 1, List.of(new byte[ChainConstants.MAX_TX_SIZE]));
        final byte[] frame = support.encode(one);
        assertTrue(support.decode(new UnsafeBuffer(frame), 0, frame.length).isOk());
        final TxBatch two = new TxBatch(0, 1, List.of(new byte[ChainConstants.MAX_TX_SIZE], new byte[ChainConstants.MAX_TX_SIZE]));
        assertThrows(IllegalArgumentException.class, () -> support.encode(two));
        assertThrows(IllegalArgumentException.class, () -> new TxBatch(0, 1, List.of(new byte[ChainConstants.MAX_TX_SIZE + 1])));
        // A peer's frame over 256 KiB is dropped before decoding.
        final byte[] big = new byte[262_145];
        System.arraycopy(frame, 0, big, 0, frame.length);
        assertEquals(DropReason.OVERSIZE, support.decode(new UnsafeBuffer(big), 0, big.length).drop());
    }
}
