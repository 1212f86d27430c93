package dev.seqnet.consensus.wire;

import dev.seqnet.codecs.BlockRequestDecoder;
import dev.seqnet.codecs.BlockResponseDecoder;
import dev.seqnet.codecs.CertificateDecoder;
import dev.seqnet.codecs.CertificateRecordDecoder;
import dev.seqnet.codecs.CertificateRequestDecoder;
import dev.seqnet.codecs.EvidenceDecoder;
import dev.seqnet.codecs.FinalizedBlockDecoder;
import dev.seqnet.codecs.OwnVoteDecoder;
import dev.seqnet.codecs.ProposalBodyDecoder;
import dev.seqnet.codecs.ProposalDecoder;
import dev.seqnet.codecs.StatusDecoder;
import dev.seqnet.codecs.StatusRequestDecoder;
import dev.seqnet.codecs.SyncRequestDecoder;
import dev.seqnet.codecs.SyncResponseDecoder;
import dev.seqnet.codecs.TxBatchDecoder;
import dev.seqnet.codecs.TxRequestDecoder;
import dev.seqnet.codecs.TxResponseDecoder;
import dev.seqnet.codecs.VoteDecoder;

/** The SBE template ids of the consensus messages (PROTOCOL.md §3.6), as compile-time constants for switches. */
public final class Templates
{
    public static final int PROPOSAL = ProposalDecoder.TEMPLATE_ID;
    public static final int VOTE = VoteDecoder.TEMPLATE_ID;
    public static final int CERTIFICATE = CertificateDecoder.TEMPLATE_ID;
    public static final int TX_BATCH = TxBatchDecoder.TEMPLATE_ID;
    public static final int TX_REQUEST = TxRequestDecoder.TEMPLATE_ID;
    public static final int TX_RESPONSE = TxResponseDecoder.TEMPLATE_ID;
    public static final int CERTIFICATE_REQUEST = CertificateRequestDecoder.TEMPLATE_ID;
    public static final int BLOCK_REQUEST = BlockRequestDecoder.TEMPLATE_ID;
    public static final int BLOCK_RESPONSE = BlockResponseDecoder.TEMPLATE_ID;
    public static final int STATUS_REQUEST = StatusRequestDecoder.TEMPLATE_ID;
    public static final int STATUS = StatusDecoder.TEMPLATE_ID;
    public static final int SYNC_REQUEST = SyncRequestDecoder.TEMPLATE_ID;
    public static final int SYNC_RESPONSE = SyncResponseDecoder.TEMPLATE_ID;
    public static final int OWN_VOTE = OwnVoteDecoder.TEMPLATE_ID;
    public static final int FINALIZED_BLOCK = FinalizedBlockDecoder.TEMPLATE_ID;
    public static final int CERTIFICATE_RECORD = CertificateRecordDecoder.TEMPLATE_ID;
    public static final int EVIDENCE = EvidenceDecoder.TEMPLATE_ID;
    public static final int PROPOSAL_BODY = ProposalBodyDecoder.TEMPLATE_ID;

    private Templates()
    {
    }
}
