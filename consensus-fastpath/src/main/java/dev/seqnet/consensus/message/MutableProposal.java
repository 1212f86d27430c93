package dev.seqnet.consensus.message;

import dev.seqnet.chain.Hash32;

import java.util.Arrays;
import java.util.List;

/**
 * A reusable holder of one {@link Proposal}'s fields, transaction hashes included, for the
 * allocation-free proposal path: a decoder fills it from a frame
 * ({@code ConsensusCodec.decodeProposal(buffer, offset, length, into)}), the inbound check
 * ({@code InboundVerifier.verifyProposal}) reads it, and whoever keeps the proposal makes its
 * immutable copy with {@link #toProposal()}. Its arrays are sized once for the most transaction hashes
 * a proposal may carry ({@link BlockCandidate#MAX_TX_HASHES}, 16 KiB), so one instance per thread
 * serves every proposal. Holds the shape a {@link Proposal} guarantees once {@link #set} or the decoder
 * has accepted it. Not thread-safe.
 */
public final class MutableProposal
{
    private static final int HASH = Hash32.LENGTH;

    private final byte[] blockHash = new byte[HASH];
    private final byte[] parentHash = new byte[HASH];
    private final byte[] stateRoot = new byte[HASH];
    private final byte[] txMerkleRoot = new byte[HASH];
    private final byte[] headerSignature = new byte[64];
    private final byte[] signature = new byte[64];
    private final byte[] txHashes = new byte[HASH * BlockCandidate.MAX_TX_HASHES];
    private long view;
    private long parentView;
    private int leader;
    private long height;
    private long timestamp;
    private long l1FeeRateHi;
    private long l1FeeRateLo;
    private long gasUsed;
    private long baseFee;
    private int txCount = -1;

    /** Copies {@code proposal} in. */
    public MutableProposal set(final Proposal proposal)
    {
        final BlockCandidate b = proposal.block();
        copy(b.blockHash(), blockHash);
        copy(b.parentHash(), parentHash);
        copy(b.stateRoot(), stateRoot);
        copy(b.txMerkleRoot(), txMerkleRoot);
        System.arraycopy(b.headerSignature(), 0, headerSignature, 0, 64);
        System.arraycopy(proposal.signature(), 0, signature, 0, 64);
        final List<Hash32> hashes = b.txHashes();
        for (int i = 0; i < hashes.size(); i++)
        {
            System.arraycopy(hashes.get(i).unsafeBytes(), 0, txHashes, i * HASH, HASH);
        }
        return setDecoded(proposal.view(), proposal.parentView(), proposal.leader(), b.height(), b.timestamp(),
            b.l1FeeRateHi(), b.l1FeeRateLo(), b.gasUsed(), b.baseFee(), hashes.size());
    }

    /**
     * Sets the fixed fields for a decoder that has written the byte buffers itself
     * ({@link #blockHashBuffer()} … {@link #txHashesBuffer()}).
     *
     * @throws IllegalArgumentException for the shapes {@link Proposal} and {@link BlockCandidate}
     *                                  refuse: {@code parentView} not below {@code view}, a negative
     *                                  {@code parentView}, {@code height < 1}, or more hashes than fit.
     */
    public MutableProposal setDecoded(
        final long view, final long parentView, final int leader, final long height, final long timestamp,
        final long l1FeeRateHi, final long l1FeeRateLo, final long gasUsed, final long baseFee, final int txCount)
    {
        if (parentView < 0 || parentView >= view || height < 1 || txCount < 0 || txCount > BlockCandidate.MAX_TX_HASHES)
        {
            throw new IllegalArgumentException("proposal needs 0 <= parentView < view, height >= 1 and at most " +
                BlockCandidate.MAX_TX_HASHES + " transaction hashes");
        }
        this.view = view;
        this.parentView = parentView;
        this.leader = leader;
        this.height = height;
        this.timestamp = timestamp;
        this.l1FeeRateHi = l1FeeRateHi;
        this.l1FeeRateLo = l1FeeRateLo;
        this.gasUsed = gasUsed;
        this.baseFee = baseFee;
        this.txCount = txCount;
        return this;
    }

    /** True once a proposal has been set or decoded into this holder. */
    public boolean isSet()
    {
        return txCount >= 0;
    }

    public long view()
    {
        return view;
    }

    public long parentView()
    {
        return parentView;
    }

    public int leader()
    {
        return leader;
    }

    public long height()
    {
        return height;
    }

    public long timestamp()
    {
        return timestamp;
    }

    public long l1FeeRateHi()
    {
        return l1FeeRateHi;
    }

    public long l1FeeRateLo()
    {
        return l1FeeRateLo;
    }

    public long gasUsed()
    {
        return gasUsed;
    }

    public long baseFee()
    {
        return baseFee;
    }

    /** How many transaction hashes {@link #txHashesBuffer()} holds. */
    public int txCount()
    {
        return txCount;
    }

    /** The block hash bytes themselves (32); valid until the next {@code set}. Never modify them. */
    public byte[] blockHashBuffer()
    {
        return blockHash;
    }

    /** The parent hash bytes themselves (32). */
    public byte[] parentHashBuffer()
    {
        return parentHash;
    }

    /** The state root bytes themselves (32). */
    public byte[] stateRootBuffer()
    {
        return stateRoot;
    }

    /** The transaction merkle root bytes themselves (32). */
    public byte[] txMerkleRootBuffer()
    {
        return txMerkleRoot;
    }

    /** The header signature bytes themselves (64). */
    public byte[] headerSignatureBuffer()
    {
        return headerSignature;
    }

    /** The proposal signature bytes themselves (64). */
    public byte[] signatureBuffer()
    {
        return signature;
    }

    /** The transaction hashes, 32 bytes each, the first {@link #txCount()} of them valid. */
    public byte[] txHashesBuffer()
    {
        return txHashes;
    }

    /** A new immutable {@link Proposal} with copies of every field (for the core and the host to keep). */
    public Proposal toProposal()
    {
        final Hash32[] hashes = new Hash32[txCount];
        for (int i = 0; i < txCount; i++)
        {
            hashes[i] = Hash32.wrap(Arrays.copyOfRange(txHashes, i * HASH, (i + 1) * HASH));
        }
        return new Proposal(view, parentView, leader,
            new BlockCandidate(Hash32.wrap(blockHash.clone()), Hash32.wrap(parentHash.clone()), height, timestamp,
                l1FeeRateHi, l1FeeRateLo, gasUsed, baseFee, Hash32.wrap(stateRoot.clone()), Hash32.wrap(txMerkleRoot.clone()),
                headerSignature.clone(), Arrays.asList(hashes)),
            signature.clone());
    }

    /** Field-wise equality with {@code proposal}, for tests and assertions. */
    public boolean sameAs(final Proposal proposal)
    {
        if (proposal == null || !isSet())
        {
            return false;
        }
        final BlockCandidate b = proposal.block();
        if (proposal.view() != view || proposal.parentView() != parentView || proposal.leader() != leader ||
            b.height() != height || b.timestamp() != timestamp || b.l1FeeRateHi() != l1FeeRateHi ||
            b.l1FeeRateLo() != l1FeeRateLo || b.gasUsed() != gasUsed || b.baseFee() != baseFee ||
            b.txHashes().size() != txCount)
        {
            return false;
        }
        if (!Arrays.equals(b.blockHash().unsafeBytes(), blockHash) || !Arrays.equals(b.parentHash().unsafeBytes(), parentHash) ||
            !Arrays.equals(b.stateRoot().unsafeBytes(), stateRoot) || !Arrays.equals(b.txMerkleRoot().unsafeBytes(), txMerkleRoot) ||
            !Arrays.equals(b.headerSignature(), headerSignature) || !Arrays.equals(proposal.signature(), signature))
        {
            return false;
        }
        for (int i = 0; i < txCount; i++)
        {
            if (!Arrays.equals(b.txHashes().get(i).unsafeBytes(), 0, HASH, txHashes, i * HASH, (i + 1) * HASH))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        return isSet() ? "Proposal(v" + view + " h" + height + " " + Hash32.wrap(blockHash.clone()).shortHex() + " on v" +
            parentView + ", by " + leader + ", " + txCount + " txs) [mutable]" : "Proposal(empty) [mutable]";
    }

    private static void copy(final Hash32 from, final byte[] to)
    {
        System.arraycopy(from.unsafeBytes(), 0, to, 0, HASH);
    }
}
