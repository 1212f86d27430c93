package dev.seqnet.node.consensus;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.CertificateKind;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.core.CoreStatus;
import dev.seqnet.consensus.core.FinalizationPath;
import dev.seqnet.consensus.core.FinalizedBlock;
import dev.seqnet.node.state.ChainView;

import dev.seqnet.node.state.HeightWindow;

import java.util.List;

/**
 * The consensus of a one-member network, honestly degenerate: view = height, member 0 leads every
 * view, and each block's proof is a real FINALIZATION_FAST certificate with one signer, this member's
 * {@code Notarize} over the genesis signing domain. With S = 1 and p = 0 the fast quorum F is 1, so a
 * client's {@code FinalityVerifier}, built from genesis alone, accepts it. Signatures are RFC 6979
 * (deterministic), so a certificate is made on first request and is the same whenever it is made;
 * that keeps the 25 µs signature off the block-production path.
 */
public final class SoloConsensus implements ConsensusView
{
    private final ChainView chain;
    private final SequencerKey key;
    private final SigningDomain domain;
    private final long startHeight;
    /** Certificates made for recent heights; older ones are made again on request (the same bytes). */
    private final HeightWindow<FinalizedBlock> finalized;

    /**
     * @param chain  the member's read model, already holding the blocks recovered from its journal
     *               (counters count from here).
     * @param key    the key of genesis member 0, the only member.
     * @param domain the genesis signing domain.
     * @param cached how many recent heights' certificates to keep, once made.
     */
    public SoloConsensus(final ChainView chain, final SequencerKey key, final SigningDomain domain, final int cached)
    {
        this.finalized = new HeightWindow<>(cached, FinalizedBlock::height);
        this.chain = chain;
        this.key = key;
        this.domain = domain;
        this.startHeight = chain.headHeight();
    }

    @Override
    public CoreStatus status()
    {
        final long head = chain.headHeight();
        final long produced = head - startHeight;
        return new CoreStatus(head + 1, 0, head, head,
            List.of(new CoreStatus.MemberHealth(0, head, false, 0)),
            new CoreStatus.Counters(produced, 0, 0, 0, 0, 0, produced, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Override
    public FinalizedBlock finalized(final long height)
    {
        final FinalizedBlock known = finalized.get(height);
        if (known != null)
        {
            return known;
        }
        final L2Block block = chain.block(height);
        if (block == null)
        {
            return null;
        }
        final byte[] hash = block.hash();
        final long view = height;
        final Certificate certificate = new Certificate(CertificateKind.FINALIZATION_FAST, view, hash,
            Certificate.bitmap(0), new byte[Certificate.BITMAP_LENGTH],
            new byte[][] {domain.signVote(key, MessageKind.NOTARIZE, view, hash)});
        final FinalizedBlock record = new FinalizedBlock(
            height, view, view - 1, 0, Hash32.wrap(hash), FinalizationPath.FAST, height, certificate);
        finalized.put(record); // two RPC threads may make it at once: deterministic, so either copy is the same
        return record;
    }

    @Override
    public List<EvidenceRecord> evidence(final long fromSeq, final int limit)
    {
        // One member cannot be caught equivocating by another: there is no other.
        return List.of();
    }
}
