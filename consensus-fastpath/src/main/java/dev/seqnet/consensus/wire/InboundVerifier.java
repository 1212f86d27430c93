package dev.seqnet.consensus.wire;

import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.consensus.CertificateCheck;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SignatureCheck;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;
import org.agrona.DirectBuffer;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The stateless first check of every inbound frame (PROTOCOL.md §11), run on the transport's
 * thread before the core: frame size per template (before decoding), decoding, member indices,
 * the proposal's leader and every signature. Each drop counts exactly one {@link DropReason} in
 * {@link #counters()}. It recomputes a proposal's block hash from its header fields (the signature
 * covers only view and block hash); it does not check the header signature (the host's V5) nor
 * anything needing state (windows, duplicates, rates: the core's and host's job).
 * Holds no state beyond its constructor arguments and reused decoders: one instance per thread.
 */
public final class InboundVerifier
{
    private final MemberSet members;
    private final SigningDomain domain;
    private final SignatureCheck signatureCheck;
    private final FinalityVerifier finalityVerifier;
    private final DropCounters counters;
    private final byte[][] publicKeys;
    private final ConsensusCodec consensus = new ConsensusCodec();
    private final SupportCodec support = new SupportCodec();
    private HeldCertificates heldCertificates;
    /** Scratch for the digest every signature check needs (one verifier per thread). */
    private final byte[] digest = new byte[SigningDomain.HASH_LENGTH];
    /** Scratch for a proposal's header hash check. */
    private final byte[] headerInput = new byte[L2Header.HASH_INPUT_LENGTH];
    private final byte[] headerHash = new byte[SigningDomain.HASH_LENGTH];
    private final MessageDigest sha256 = Sha256.newDigest();

    /** A verifier using libsecp256k1 and its own counters. */
    public InboundVerifier(final MemberSet members, final SigningDomain domain)
    {
        this(members, domain, SignatureCheck.SECP256K1, new DropCounters());
    }

    /**
     * @param signatureCheck checks every signature, certificates' included.
     * @param counters       where drops are counted (single writer: this verifier's thread).
     */
    public InboundVerifier(
        final MemberSet members, final SigningDomain domain, final SignatureCheck signatureCheck, final DropCounters counters)
    {
        if (members == null || domain == null || signatureCheck == null || counters == null)
        {
            throw new IllegalArgumentException("members, domain, signature check and counters are required");
        }
        this.members = members;
        this.domain = domain;
        this.signatureCheck = signatureCheck;
        this.counters = counters;
        this.finalityVerifier = new FinalityVerifier(members, domain, signatureCheck);
        this.publicKeys = new byte[members.size()][];
        for (int i = 0; i < publicKeys.length; i++)
        {
            publicKeys[i] = members.member(i).verificationKey();
        }
    }

    /**
     * Certificates the member already holds, and the views its core has finalized: a certificate
     * arriving again is dropped as a duplicate, and any vote, proposal or certificate of a finalized
     * view as late, before its signatures are checked (null, the default: every message is checked).
     */
    public InboundVerifier heldCertificates(final HeldCertificates heldCertificates)
    {
        this.heldCertificates = heldCertificates;
        return this;
    }

    public DropCounters counters()
    {
        return counters;
    }

    /**
     * Checks a {@code Proposal}, {@code Vote}, {@code Certificate} or {@code CertificateRequest} frame.
     *
     * @return the decoded message, or the reason it was dropped (already counted).
     */
    public Decoded<ConsensusMessage> verify(final DirectBuffer buffer, final int offset, final int length)
    {
        final Decoded<ConsensusMessage> decoded = consensus.decode(buffer, offset, length);
        if (!decoded.isOk())
        {
            return count(decoded);
        }
        final ConsensusMessage m = decoded.value();
        final DropReason drop;
        if (m instanceof Vote)
        {
            drop = settled(((Vote)m).view()) ? DropReason.LATE : checkVote((Vote)m);
        }
        else if (m instanceof Proposal)
        {
            drop = settled(((Proposal)m).view()) ? DropReason.LATE : checkProposal((Proposal)m);
        }
        else if (m instanceof dev.seqnet.consensus.Certificate)
        {
            final dev.seqnet.consensus.Certificate c = (dev.seqnet.consensus.Certificate)m;
            if (settled(c.view()))
            {
                drop = DropReason.LATE;
            }
            else
            {
                drop = null != heldCertificates && heldCertificates.holds(c.kind(), c.view(), c.unsafeBlockHash()) ?
                    DropReason.DUPLICATE : checkCertificate(buffer, offset, length);
            }
        }
        else
        {
            drop = ((dev.seqnet.consensus.message.CertificateRequest)m).requester() >= members.size() ?
                DropReason.NON_MEMBER : null;
        }
        return drop == null ? decoded : count(Decoded.drop(drop));
    }

    /**
     * The allocation-free check of a {@code Vote} frame (the per-vote hot path): decodes it into
     * {@code into}, then checks the signer index and the signature, exactly as {@link #verify} does for
     * a vote. The caller hands {@code into} to {@code ConsensusCore.onVote} (or copies it) before the
     * next call. Only libsecp256k1 runs besides, through the {@link SignatureCheck}.
     *
     * @return null when the vote passed, else the reason it was dropped (already counted); a frame of
     *         another template is MALFORMED here.
     */
    public DropReason verifyVote(final DirectBuffer buffer, final int offset, final int length, final MutableVote into)
    {
        DropReason drop = FrameLimits.check(buffer, offset, length);
        if (drop == null)
        {
            drop = consensus.decodeVote(buffer, offset, length, into);
        }
        if (drop == null)
        {
            drop = settled(into.view()) ? DropReason.LATE :
                checkVote(into.kind(), into.signer(), into.view(), into.blockHashBuffer(), into.signatureBuffer());
        }
        if (drop != null)
        {
            counters.increment(drop);
        }
        return drop;
    }

    /**
     * The allocation-free check of a {@code Proposal} frame: decodes it into {@code into} (transaction
     * hashes included), then checks the leader's index, that it leads the view, and its signature,
     * exactly as {@link #verify} does for a proposal. Whoever keeps the proposal copies it
     * ({@link MutableProposal#toProposal()}) before the next call.
     *
     * @return null when the proposal passed, else the reason it was dropped (already counted); a frame
     *         of another template is MALFORMED here.
     */
    public DropReason verifyProposal(
        final DirectBuffer buffer, final int offset, final int length, final MutableProposal into)
    {
        DropReason drop = FrameLimits.check(buffer, offset, length);
        if (drop == null)
        {
            drop = consensus.decodeProposal(buffer, offset, length, into);
        }
        if (drop == null)
        {
            drop = settled(into.view()) ? DropReason.LATE : checkProposal(into);
        }
        if (drop != null)
        {
            counters.increment(drop);
        }
        return drop;
    }

    /**
     * Checks a support-message frame: size, decoding, sender index (and, for a {@code BlockResponse},
     * its proposal's leader and signature, and for a {@code SyncResponse}, every proposer index).
     *
     * @return the decoded message, or the reason it was dropped (already counted).
     */
    public Decoded<SupportMessage> verifySupport(final DirectBuffer buffer, final int offset, final int length)
    {
        final Decoded<SupportMessage> decoded = support.decode(buffer, offset, length);
        if (!decoded.isOk())
        {
            return count(decoded);
        }
        final SupportMessage m = decoded.value();
        DropReason drop = m.sender() >= members.size() ? DropReason.NON_MEMBER : null;
        if (drop == null && m instanceof BlockResponse)
        {
            drop = checkProposal(((BlockResponse)m).proposal());
        }
        if (drop == null && m instanceof SyncResponse)
        {
            for (final SyncedBlock b : ((SyncResponse)m).blocks())
            {
                if (b.proposer() >= members.size())
                {
                    drop = DropReason.NON_MEMBER;
                    break;
                }
            }
        }
        return drop == null ? decoded : count(Decoded.drop(drop));
    }

    /** A message of a view the core has finalized: it would drop it as late, so it is not checked (§11). */
    private boolean settled(final long view)
    {
        return null != heldCertificates && heldCertificates.settled(view);
    }

    private DropReason checkVote(final Vote vote)
    {
        return checkVote(vote.kind(), vote.signer(), vote.view(), vote.blockHash().unsafeBytes(), vote.signature());
    }

    private DropReason checkVote(
        final MessageKind kind, final int signer, final long view, final byte[] blockHash, final byte[] signature)
    {
        if (signer >= members.size())
        {
            return DropReason.NON_MEMBER;
        }
        domain.voteDigest(kind, view, blockHash, digest);
        return signatureCheck.verify(signature, digest, publicKeys[signer]) ? null : DropReason.BAD_SIGNATURE;
    }

    private DropReason checkProposal(final Proposal proposal)
    {
        final BlockCandidate b = proposal.block();
        return checkProposal(proposal.leader(), proposal.view(), b.height(), b.parentHash().unsafeBytes(),
            b.stateRoot().unsafeBytes(), b.l1FeeRateHi(), b.l1FeeRateLo(), b.txMerkleRoot().unsafeBytes(), b.timestamp(),
            b.blockHash().unsafeBytes(), proposal.signature());
    }

    private DropReason checkProposal(final MutableProposal p)
    {
        return checkProposal(p.leader(), p.view(), p.height(), p.parentHashBuffer(), p.stateRootBuffer(), p.l1FeeRateHi(),
            p.l1FeeRateLo(), p.txMerkleRootBuffer(), p.timestamp(), p.blockHashBuffer(), p.signatureBuffer());
    }

    /** In this order: the leader, the header fields against the block hash, the signature. */
    private DropReason checkProposal(
        final int leader, final long view, final long height, final byte[] parentHash, final byte[] stateRoot,
        final long l1FeeRateHi, final long l1FeeRateLo, final byte[] txMerkleRoot, final long timestamp,
        final byte[] blockHash, final byte[] signature)
    {
        final DropReason drop = checkLeader(leader, view);
        if (drop != null)
        {
            return drop;
        }
        if (!headerHashes(height, parentHash, stateRoot, l1FeeRateHi, l1FeeRateLo, txMerkleRoot, timestamp, blockHash))
        {
            return DropReason.BAD_SIGNATURE;
        }
        // The proposal's signature is its leader's Notarize (§3.2).
        domain.proposalDigest(view, blockHash, digest);
        return signatureCheck.verify(signature, digest, publicKeys[leader]) ? null : DropReason.BAD_SIGNATURE;
    }

    private DropReason checkLeader(final int leader, final long view)
    {
        if (leader >= members.size())
        {
            return DropReason.NON_MEMBER;
        }
        return leader != members.schedule().leader(view) ? DropReason.WRONG_LEADER : null;
    }

    /**
     * True when the header fields hash to {@code blockHash} (Citrea's rule, the host's V5). The
     * proposal's signature covers only view and block hash (§3.2), so this is what binds the header
     * fields, the parent hash among them, to it: a copy with any field changed is dropped here rather
     * than recorded ahead of the leader's own and found invalid later. One SHA-256 over 128 bytes,
     * no allocation.
     */
    private boolean headerHashes(
        final long height, final byte[] parentHash, final byte[] stateRoot, final long l1FeeRateHi, final long l1FeeRateLo,
        final byte[] txMerkleRoot, final long timestamp, final byte[] blockHash)
    {
        L2Header.encodeForHash(headerInput, 0, height, parentHash, stateRoot, l1FeeRateHi, l1FeeRateLo, txMerkleRoot, timestamp);
        sha256.reset();
        sha256.update(headerInput, 0, headerInput.length);
        try
        {
            sha256.digest(headerHash, 0, headerHash.length);
        }
        catch (final DigestException e)
        {
            throw new IllegalStateException("a 32-byte buffer always holds a SHA-256 digest", e);
        }
        return Arrays.equals(headerHash, blockHash);
    }

    private DropReason checkCertificate(final DirectBuffer buffer, final int offset, final int length)
    {
        final CertificateCheck check = finalityVerifier.verify(buffer, offset, length);
        switch (check.error())
        {
            case NONE:
                return null;
            case NON_MEMBER_SIGNER:
                return DropReason.NON_MEMBER;
            case FALLBACK_NOT_SUBSET:
            case FALLBACK_ON_WRONG_KIND:
            case SIGNATURE_COUNT_MISMATCH:
            case INSUFFICIENT_STAKE:
            case BAD_SIGNATURE:
                return DropReason.BAD_SIGNATURE;
            case OVERSIZE:
                return DropReason.OVERSIZE;
            default:
                // MALFORMED, WRONG_HEADER, UNKNOWN_KIND, ZERO_VIEW, NONZERO_NULLIFICATION_HASH: a
                // field out of range (the decoder has already rejected most of these).
                return DropReason.MALFORMED;
        }
    }

    private <T> Decoded<T> count(final Decoded<T> drop)
    {
        counters.increment(drop.drop());
        return drop;
    }
}
