package dev.seqnet.node.consensus;

import dev.seqnet.consensus.core.CoreStatus;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.consensus.wire.DropReason;

import java.util.List;

/**
 * What JSON-RPC may read about consensus ({@code seq_status}, {@code seq_getCertificate},
 * {@code seq_getEvidence}, the {@code certificate} of {@code ledger_*} blocks). Implemented by the
 * member's host; every method is called from RPC threads and must be safe against the writer.
 */
public interface ConsensusView
{
    /** Most evidence records one {@code seq_getEvidence} call returns. */
    int MAX_EVIDENCE_PER_CALL = 100;

    /** The core's latest snapshot: view, leader, finalized height and view, member health, counters. */
    CoreStatus status();

    /**
     * How the block at {@code height} was finalized, with the finalization certificate of the block
     * at {@code certifiedHeight} (its own for FAST and SLOW); null when no such block is final here.
     */
    FinalizedBlock finalized(long height);

    /** Evidence records with {@code seq >= fromSeq}, ascending, at most {@code limit}. */
    List<EvidenceRecord> evidence(long fromSeq, int limit);

    /**
     * Peer frames dropped for {@code reason} before they reached the core (decoding, limits, membership,
     * signatures, certificates already held), summed over the recovery threads; 0 without peers.
     */
    default long inboundDrops(final DropReason reason)
    {
        return 0;
    }

    /**
     * The host's counters about data it lacks (block sync, blocks finalized but not yet deliverable,
     * requests for missing blocks and transactions), by {@code seq_status} name; empty without peers.
     */
    default java.util.Map<String, Long> hostCounters()
    {
        return java.util.Map.of();
    }

    /** Transactions streamed by peers that failed ingress checks ({@code tx.invalidFromPeer}); 0 without peers. */
    default long txInvalidFromPeer()
    {
        return 0;
    }

    /** Peer signatures checked by libsecp256k1 on the inbound path ({@code sig.checked}); 0 without peers. */
    default long signaturesChecked()
    {
        return 0;
    }

    /**
     * Peer signatures accepted without a check because exactly those bytes were checked before or are
     * this member's own ({@code sig.skipped}, mostly certificates repeating votes); 0 without peers.
     */
    default long signaturesSkipped()
    {
        return 0;
    }
}
