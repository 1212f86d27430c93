package dev.seqnet.consensus;

import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.chain.crypto.Signatures;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The domain-separated digests members sign (PROTOCOL.md §3.2): SHA-256 over the 141-byte
 * {@code SignInput} = tag ‖ chainId ‖ genesisHash ‖ kind ‖ view ‖ blockHash ‖ parentView ‖ parentHash.
 * Chain id and genesis hash bind every vote to one network, so it cannot be replayed on another.
 */
public final class SigningDomain
{
    /** {@code "seqnet/consensus/v1"} followed by one zero byte. */
    public static final byte[] TAG = "seqnet/consensus/v1\0".getBytes(StandardCharsets.US_ASCII);

    /** Length of {@code SignInput}: 20 + 8 + 32 + 1 + 8 + 32 + 8 + 32. */
    public static final int SIGN_INPUT_LENGTH = 141;

    /** Length of block hashes, genesis hash and digests. */
    public static final int HASH_LENGTH = 32;

    private static final byte[] ZERO_HASH = new byte[HASH_LENGTH];

    /** kind ‖ view ‖ blockHash ‖ parentView ‖ parentHash: the part of {@code SignInput} after the prefix. */
    private static final int TAIL_LENGTH = SIGN_INPUT_LENGTH - 60;

    /** One tail scratch per thread, so a shared SigningDomain stays immutable and digests allocate nothing. */
    private static final ThreadLocal<byte[]> TAIL = ThreadLocal.withInitial(() -> new byte[TAIL_LENGTH]);

    /** TAG ‖ chainId ‖ genesisHash, the 60-byte prefix shared by every digest of this network. */
    private final byte[] prefix;

    /**
     * @throws IllegalArgumentException unless {@code genesisHash} is 32 bytes.
     */
    public SigningDomain(final long chainId, final byte[] genesisHash)
    {
        if (genesisHash == null || genesisHash.length != HASH_LENGTH)
        {
            throw new IllegalArgumentException("genesis hash must be 32 bytes");
        }
        prefix = ByteBuffer.allocate(TAG.length + 8 + HASH_LENGTH).order(ByteOrder.BIG_ENDIAN)
            .put(TAG).putLong(chainId).put(genesisHash).array();
    }

    /** The digest of a vote: {@code parentView = 0} and a zero {@code parentHash}. */
    public byte[] voteDigest(final MessageKind kind, final long view, final byte[] blockHash)
    {
        return digest(kind, view, blockHash, 0, ZERO_HASH);
    }

    /**
     * The digest a {@code Proposal} is signed over: the leader's {@code NOTARIZE(view, blockHash)}, so
     * the proposal is also the leader's notarize vote and no separate one is signed, sent or checked
     * (PROTOCOL.md §3.2). The parent needs no signature of its own: {@code parentHash} is the header's
     * {@code prev_hash}, inside {@code blockHash}, and {@code parentView} only says which certificates
     * prove the parent (§4.5).
     */
    public byte[] proposalDigest(final long view, final byte[] blockHash)
    {
        return voteDigest(MessageKind.NOTARIZE, view, blockHash);
    }

    /**
     * SHA-256 of {@code SignInput}. {@code NULLIFY} callers pass a zero block hash.
     *
     * @throws IllegalArgumentException unless both hashes are 32 bytes.
     */
    public byte[] digest(
        final MessageKind kind, final long view, final byte[] blockHash, final long parentView, final byte[] parentHash)
    {
        final byte[] out = new byte[HASH_LENGTH];
        digest(kind, view, blockHash, parentView, parentHash, out);
        return out;
    }

    /** {@link #voteDigest(MessageKind, long, byte[])} written into {@code out} (32 bytes): allocates nothing. */
    public void voteDigest(final MessageKind kind, final long view, final byte[] blockHash, final byte[] out)
    {
        digest(kind, view, blockHash, 0, ZERO_HASH, out);
    }

    /** {@link #proposalDigest(long, byte[])} written into {@code out} (32 bytes): allocates nothing. */
    public void proposalDigest(final long view, final byte[] blockHash, final byte[] out)
    {
        voteDigest(MessageKind.NOTARIZE, view, blockHash, out);
    }

    /**
     * SHA-256 of {@code SignInput} written into {@code out}; allocates nothing (the calling thread's
     * digest and a thread-local scratch for the 81-byte tail), for the per-vote hot paths.
     *
     * @throws IllegalArgumentException unless both hashes and {@code out} are 32 bytes.
     */
    public void digest(
        final MessageKind kind, final long view, final byte[] blockHash, final long parentView, final byte[] parentHash,
        final byte[] out)
    {
        if (blockHash == null || blockHash.length != HASH_LENGTH || parentHash == null || parentHash.length != HASH_LENGTH ||
            out == null || out.length != HASH_LENGTH)
        {
            throw new IllegalArgumentException("hashes must be 32 bytes");
        }
        final byte[] tail = TAIL.get();
        tail[0] = (byte)kind.code();
        putLong(tail, 1, view);
        System.arraycopy(blockHash, 0, tail, 9, HASH_LENGTH);
        putLong(tail, 9 + HASH_LENGTH, parentView);
        System.arraycopy(parentHash, 0, tail, 17 + HASH_LENGTH, HASH_LENGTH);
        final MessageDigest d = Sha256.digest();
        d.update(prefix);
        d.update(tail);
        try
        {
            d.digest(out, 0, HASH_LENGTH);
        }
        catch (final DigestException e)
        {
            throw new IllegalStateException("SHA-256 always fits 32 bytes", e);
        }
    }

    private static void putLong(final byte[] dst, final int offset, final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            dst[offset + i] = (byte)(value >>> (56 - 8 * i));
        }
    }

    /** Signs a vote with RFC 6979 ECDSA; returns the 64-byte compact signature. */
    public byte[] signVote(final SequencerKey key, final MessageKind kind, final long view, final byte[] blockHash)
    {
        return key.sign(voteDigest(kind, view, blockHash));
    }

    /** True when {@code signature} is {@code publicKey}'s vote of this kind for (view, blockHash); false for malformed input. */
    public boolean verifyVote(
        final byte[] signature, final byte[] publicKey, final MessageKind kind, final long view, final byte[] blockHash)
    {
        if (blockHash == null || blockHash.length != HASH_LENGTH)
        {
            return false;
        }
        return Signatures.verify(signature, voteDigest(kind, view, blockHash), publicKey);
    }
}
