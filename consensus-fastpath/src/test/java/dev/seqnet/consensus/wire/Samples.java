package dev.seqnet.consensus.wire;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.FinalityProof;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.Evidence;
import dev.seqnet.consensus.core.EvidenceKind;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.core.NullifyReason;
import dev.seqnet.consensus.core.OwnVote;
import dev.seqnet.consensus.message.CertificateRequest;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One or more valid, genuinely signed values of every message and record, n = 4. */
final class Samples
{
    final WireFixtures f = new WireFixtures(4);
    final Hash32 b5 = WireFixtures.hash("block-5");
    final Hash32 b6 = WireFixtures.hash("block-6");

    Map<String, ConsensusMessage> consensus()
    {
        final Map<String, ConsensusMessage> m = new LinkedHashMap<>();
        m.put("proposal", f.proposal(5, 3, 3));
        m.put("emptyProposal", f.proposal(6, 5, 0));
        m.put("notarize", f.vote(MessageKind.NOTARIZE, 1, 5, b5));
        m.put("nullify", f.vote(MessageKind.NULLIFY, 2, 5, Hash32.ZERO));
        m.put("fallback", f.vote(MessageKind.NOTARIZE_FALLBACK, 3, 5, b5));
        m.put("finalize", f.vote(MessageKind.FINALIZE, 0, 5, b5));
        m.put("notarization", f.certificate(CertificateKind.NOTARIZATION, 5, b5, new int[] {0, 1, 3}, 3));
        m.put("nullification", f.certificate(CertificateKind.NULLIFICATION, 5, Hash32.ZERO, new int[] {0, 2, 3}));
        m.put("fast", f.certificate(CertificateKind.FINALIZATION_FAST, 5, b5, WireFixtures.range(4)));
        m.put("slow", f.certificate(CertificateKind.FINALIZATION_SLOW, 5, b5, new int[] {1, 2, 3}));
        m.put("certificateRequest", new CertificateRequest(2, 10, 73));
        return m;
    }

    static List<byte[]> txs(final int... lengths)
    {
        final List<byte[]> txs = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++)
        {
            final byte[] tx = new byte[lengths[i]];
            for (int j = 0; j < tx.length; j++)
            {
                tx[j] = (byte)(31 * i + j);
            }
            txs.add(tx);
        }
        return txs;
    }

    static List<Address> senders(final int count)
    {
        final List<Address> senders = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final byte[] a = new byte[Address.LENGTH];
            a[0] = (byte)(i + 1);
            a[19] = (byte)(0xA0 + i);
            senders.add(Address.of(a));
        }
        return senders;
    }

    L2Header header(final long height)
    {
        return new L2Header(height, WireFixtures.hash("prev-" + height).bytes(), WireFixtures.hash("state-" + height).bytes(),
            BigInteger.ONE.shiftLeft(127).add(BigInteger.valueOf(height)), WireFixtures.hash("root-" + height).bytes(),
            1_700_000_000L + height);
    }

    Map<String, SupportMessage> support()
    {
        final Proposal p = f.proposal(5, 3, 3);
        final byte[] fast = new ConsensusCodec().encode(
            f.certificate(CertificateKind.FINALIZATION_FAST, 6, b6, WireFixtures.range(4)));
        final Map<String, SupportMessage> m = new LinkedHashMap<>();
        m.put("txBatch", new TxBatch(1, 99, txs(120, 0, 300)));
        m.put("txRequest", new TxRequest(3, 5, List.of(WireFixtures.txHash(0), WireFixtures.txHash(1))));
        m.put("txResponse", new TxResponse(0, txs(110, 7)));
        m.put("blockRequest", new BlockRequest(2, 5, b5));
        m.put("blockResponse", new BlockResponse(1, p, txs(100, 101, 102)));
        m.put("statusRequest", new StatusRequest(3));
        m.put("status", new Status(2, 17, 12, 15, b5));
        m.put("syncRequest", new SyncRequest(2, 100, 64));
        m.put("syncResponse", new SyncResponse(1,
            List.of(new SyncedBlock(5, 3, 0, txs(400).get(0)), new SyncedBlock(6, 5, 1, txs(0, 250).get(1))),
            new FinalityProof(fast, List.of(header(8), header(9)))));
        m.put("emptySyncResponse", new SyncResponse(3, List.of(), new FinalityProof(new byte[0], List.of())));
        return m;
    }

    Map<String, Object> journal()
    {
        final Certificate slow = f.certificate(CertificateKind.FINALIZATION_SLOW, 5, b5, new int[] {1, 2, 3});
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("ownProposal", new OwnVoteRecord(new OwnVote(MessageKind.PROPOSAL, 5, 3, b5, WireFixtures.hash("parent-3"),
            null, f.keys[1].sign(b5.bytes())), 123_456_789L));
        m.put("ownNullify", new OwnVoteRecord(new OwnVote(MessageKind.NULLIFY, 6, 0, Hash32.ZERO, Hash32.ZERO,
            NullifyReason.CONTRADICTION, f.domain.signVote(f.keys[0], MessageKind.NULLIFY, 6, Hash32.ZERO.bytes())), 42));
        m.put("finalizedSlow", new FinalizedBlock(12, 5, 3, 1, b5, FinalizationPath.SLOW, 12, slow));
        m.put("finalizedIndirect", new FinalizedBlock(11, 3, 2, 0, WireFixtures.hash("b3"), FinalizationPath.INDIRECT, 12, null));
        m.put("certificateRecord", f.certificate(CertificateKind.NOTARIZATION, 5, b5, new int[] {0, 1, 3}, 3));
        m.put("evidence", new EvidenceRecord(7, new Evidence(EvidenceKind.DOUBLE_NOTARIZE, 2, 5,
            f.vote(MessageKind.NOTARIZE, 2, 5, b5), f.vote(MessageKind.NOTARIZE, 2, 5, b6))));
        m.put("proposalEvidence", new EvidenceRecord(8, new Evidence(EvidenceKind.DOUBLE_PROPOSAL, 0, 5,
            f.proposal(5, 3, 2), f.proposal(5, 4, 1))));
        m.put("proposalBody", new ProposalBody(f.proposal(5, 3, 3), txs(100, 101, 102), senders(3)));
        m.put("emptyProposalBody", new ProposalBody(f.proposal(6, 5, 0), List.of(), List.of()));
        return m;
    }
}
