package dev.seqnet.consensus.wire;

import dev.seqnet.codecs.BlockRequestEncoder;
import dev.seqnet.codecs.CertificateRequestEncoder;
import dev.seqnet.codecs.EvidenceEncoder;
import dev.seqnet.codecs.FinalizedBlockEncoder;
import dev.seqnet.codecs.OwnVoteEncoder;
import dev.seqnet.codecs.ProposalEncoder;
import dev.seqnet.codecs.StatusEncoder;
import dev.seqnet.codecs.StatusRequestEncoder;
import dev.seqnet.codecs.SyncRequestEncoder;
import dev.seqnet.codecs.TxRequestEncoder;
import dev.seqnet.codecs.VoteEncoder;
import dev.seqnet.consensus.CertificateCodec;
import dev.seqnet.consensus.message.BlockCandidate;

/**
 * The largest frame, SBE header included, each template may have (PROTOCOL.md §3.6) and the
 * element-count limits behind them. A frame over its limit is dropped unread as
 * {@link DropReason#OVERSIZE}; encoders refuse to build one.
 */
public final class FrameLimits
{
    /** Bytes of the SBE message header. */
    public static final int HEADER = FrameReader.HEADER_LENGTH;
    private static final int GROUP = FrameReader.GROUP_HEADER_LENGTH;
    private static final int HASH = 32;

    /** Most transactions in one {@code TxBatch}. */
    public static final int MAX_BATCH_TXS = 1024;
    /** Most hashes in one {@code TxRequest}, and transactions in one {@code TxResponse} or {@code BlockResponse}. */
    public static final int MAX_REQUEST_TXS = BlockCandidate.MAX_TX_HASHES;
    /** Most blocks one {@code SyncRequest} may ask for and one {@code SyncResponse} may carry. */
    public static final int MAX_SYNC_BLOCKS = 64;
    /** Most headers in a {@code SyncResponse}'s finality proof. */
    public static final int MAX_PROOF_HEADERS = 1024;

    /** 334 + 32 · 512 = 16,718. */
    public static final int PROPOSAL = HEADER + ProposalEncoder.BLOCK_LENGTH + GROUP + HASH * BlockCandidate.MAX_TX_HASHES;
    /** 115, fixed. */
    public static final int VOTE = HEADER + VoteEncoder.BLOCK_LENGTH;
    /** 117 + 64 · 256 = 16,501. */
    public static final int CERTIFICATE = CertificateCodec.MAX_LENGTH;
    /** 256 KiB: one 128 KiB transaction always fits. */
    public static final int TX_BATCH = 262_144;
    /** 22 + 32 · 512 = 16,406. */
    public static final int TX_REQUEST = HEADER + TxRequestEncoder.BLOCK_LENGTH + GROUP + HASH * MAX_REQUEST_TXS;
    /** 4 MiB, for the block-sized responses. */
    public static final int LARGE = 4 << 20;
    /** 26, fixed. */
    public static final int CERTIFICATE_REQUEST = HEADER + CertificateRequestEncoder.BLOCK_LENGTH;
    /** 50, fixed. */
    public static final int BLOCK_REQUEST = HEADER + BlockRequestEncoder.BLOCK_LENGTH;
    /** 10, fixed. */
    public static final int STATUS_REQUEST = HEADER + StatusRequestEncoder.BLOCK_LENGTH;
    /** 66, fixed. */
    public static final int STATUS = HEADER + StatusEncoder.BLOCK_LENGTH;
    /** 20, fixed. */
    public static final int SYNC_REQUEST = HEADER + SyncRequestEncoder.BLOCK_LENGTH;
    /** 162, fixed. */
    public static final int OWN_VOTE = HEADER + OwnVoteEncoder.BLOCK_LENGTH;
    /** 75 + 4 + 16,501 = 16,580. */
    public static final int FINALIZED_BLOCK =
        HEADER + FinalizedBlockEncoder.BLOCK_LENGTH + FrameReader.VAR_DATA_HEADER_LENGTH + CERTIFICATE;
    /** Same body as a certificate: 16,501. */
    public static final int CERTIFICATE_RECORD = CERTIFICATE;
    /** 27 + 2 · (4 + 16,718) = 33,471: two frames of the largest signed message. */
    public static final int EVIDENCE =
        HEADER + EvidenceEncoder.BLOCK_LENGTH + 2 * (FrameReader.VAR_DATA_HEADER_LENGTH + PROPOSAL);

    /** 4 MiB, like the block-sized responses: a block of 10,000,000 gas holds well under 1 MB of transactions. */
    public static final int PROPOSAL_BODY = LARGE;

    private FrameLimits()
    {
    }

    /** The limit for {@code templateId}, or −1 for a template this schema does not define for consensus. */
    public static int maxLength(final int templateId)
    {
        switch (templateId)
        {
            case Templates.PROPOSAL: return PROPOSAL;
            case Templates.VOTE: return VOTE;
            case Templates.CERTIFICATE: return CERTIFICATE;
            case Templates.TX_BATCH: return TX_BATCH;
            case Templates.TX_REQUEST: return TX_REQUEST;
            case Templates.TX_RESPONSE: return LARGE;
            case Templates.CERTIFICATE_REQUEST: return CERTIFICATE_REQUEST;
            case Templates.BLOCK_REQUEST: return BLOCK_REQUEST;
            case Templates.BLOCK_RESPONSE: return LARGE;
            case Templates.STATUS_REQUEST: return STATUS_REQUEST;
            case Templates.STATUS: return STATUS;
            case Templates.SYNC_REQUEST: return SYNC_REQUEST;
            case Templates.SYNC_RESPONSE: return LARGE;
            case Templates.OWN_VOTE: return OWN_VOTE;
            case Templates.FINALIZED_BLOCK: return FINALIZED_BLOCK;
            case Templates.CERTIFICATE_RECORD: return CERTIFICATE_RECORD;
            case Templates.EVIDENCE: return EVIDENCE;
            case Templates.PROPOSAL_BODY: return PROPOSAL_BODY;
            default: return -1;
        }
    }

    /**
     * Checks the frame's size before anything is decoded: null when it may be read, otherwise
     * {@link DropReason#MALFORMED} (no header, unknown template) or {@link DropReason#OVERSIZE}.
     */
    static DropReason check(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        final int templateId = FrameReader.templateId(buffer, offset, length);
        final int max = templateId < 0 ? -1 : maxLength(templateId);
        if (max < 0)
        {
            return DropReason.MALFORMED;
        }
        return length > max ? DropReason.OVERSIZE : null;
    }
}
