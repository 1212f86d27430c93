package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One view's state at one member (PROTOCOL.md §4.1 {@code views[w]}): the leader's first proposal,
 * this member's own flags, every member's votes by kind, tallies and the certificates held. Maps are
 * sorted so that every iteration is deterministic.
 *
 * <p>Votes are kept without objects, so that recording one allocates nothing (the per-vote hot
 * path): each distinct block hash of the view gets a small index, each stored vote's signature a
 * 64-byte slot in one growing store, and each signer a short list of packed (kind, block, slot)
 * entries for the votes it sent. Everything here is sized per view, not per vote.
 */
final class ViewState
{
    /** Entries of network votes kept in place per signer; more spill (only a faulty member sends more). */
    private static final int RECEIVED_PER_SIGNER = 4;
    private static final int SIGNATURE_LENGTH = 64;
    private static final int NONE = -1;
    /** Tallies kept for reuse: an honest view has two or three. */
    private static final int MAX_SPARE_TALLIES = 8;

    /** The view; changes only when a retired state is reused for another view ({@link #reset}). */
    long view;
    private final int members;
    /** Tallies of an earlier view kept for reuse. */
    private final ArrayList<Tally> spareTallies = new ArrayList<>();

    Proposal proposal;
    boolean verifyRequested;
    boolean verified;

    // Own flags (§4.1).
    Hash32 myNotarize;
    NullifyReason myNullify;
    final TreeSet<Hash32> myFallback = new TreeSet<>();
    Hash32 myFinalize;
    /** R8 with a grace: the block whose {@code Finalize} waits for the fast path, and until when. */
    Hash32 finalizeDeferred;
    long finalizeDueNs;
    boolean proposed;
    boolean building;
    /** Own signed messages of this view in sending order, for RETRY and restart (R11, §8.2). */
    final List<ConsensusMessage> ownMessages = new ArrayList<>(2);

    // The distinct block hashes of this view: index ↔ hash.
    private Hash32[] blocks = new Hash32[2];
    private int blockCount;

    // The signature store: slot i is bytes [64 i, 64 i + 64).
    private byte[] signatures;
    private int signatureCount;

    // Every distinct vote each member sent in this view, for duplicates and evidence (§8.3).
    private final long[] received;
    private final int[] receivedCount;
    private long[][] receivedSpill;

    // Every member's first counted vote of each kind.
    /** Per member, the block index of its counted Notarize, or NONE. */
    private final int[] notarizeBy;
    private final boolean[] nullifyBy;
    private final boolean[] finalizeBy;
    /** (member, block index) pairs of counted NotarizeFallbacks, packed; rare, so a scanned list. */
    private long[] fallbackBy;
    private int fallbackCount;

    // Tallies (§4.1): Notarize and NotarizeFallback per block, Nullify, Finalize per block.
    final TreeMap<Hash32, Tally> notarize = new TreeMap<>();
    final TreeMap<Hash32, Tally> fallback = new TreeMap<>();
    final Tally nullify;
    final TreeMap<Hash32, Tally> finalize = new TreeMap<>();

    // Certificates held.
    final TreeMap<Hash32, Certificate> notarizations = new TreeMap<>();
    Certificate nullification;
    Certificate finalization;

    ViewState(final long view, final int members)
    {
        this.view = view;
        this.members = members;
        this.signatures = new byte[initialSignatureBytes(members)];
        this.received = new long[RECEIVED_PER_SIGNER * members];
        this.receivedCount = new int[members];
        this.notarizeBy = new int[members];
        Arrays.fill(notarizeBy, NONE);
        this.nullifyBy = new boolean[members];
        this.finalizeBy = new boolean[members];
        this.nullify = new Tally(members);
    }

    /** Room for every member's Notarize and Finalize plus two: an honest view never grows it. */
    private static int initialSignatureBytes(final int members)
    {
        return SIGNATURE_LENGTH * (2 * members + 2);
    }

    /**
     * Makes this state the empty state of view {@code w}, keeping its arrays, collections and tallies
     * for reuse, so that a member entering a view allocates little. The core calls it only on a
     * state no longer reachable from any map or cache, and only between inputs.
     */
    void reset(final long w)
    {
        view = w;
        proposal = null;
        verifyRequested = false;
        verified = false;
        myNotarize = null;
        myNullify = null;
        myFallback.clear();
        myFinalize = null;
        finalizeDeferred = null;
        finalizeDueNs = 0;
        proposed = false;
        building = false;
        ownMessages.clear();
        Arrays.fill(blocks, 0, blockCount, null);
        blockCount = 0;
        signatureCount = 0;
        if (signatures.length > 4 * initialSignatureBytes(members))
        {
            // A view flooded by a faulty member: do not keep its store for ever.
            signatures = new byte[initialSignatureBytes(members)];
        }
        Arrays.fill(receivedCount, 0);
        receivedSpill = null;
        Arrays.fill(notarizeBy, NONE);
        Arrays.fill(nullifyBy, false);
        Arrays.fill(finalizeBy, false);
        fallbackCount = 0;
        retire(notarize);
        retire(fallback);
        retire(finalize);
        nullify.reset();
        notarizations.clear();
        nullification = null;
        finalization = null;
    }

    private void retire(final TreeMap<Hash32, Tally> tallies)
    {
        for (final Tally t : tallies.values())
        {
            if (spareTallies.size() < MAX_SPARE_TALLIES)
            {
                t.reset();
                spareTallies.add(t);
            }
        }
        tallies.clear();
    }

    /** The tally of {@code hash} in {@code tallies}, created (or reused) on first use. */
    Tally tally(final TreeMap<Hash32, Tally> tallies, final Hash32 hash)
    {
        Tally t = tallies.get(hash);
        if (t == null)
        {
            t = spareTallies.isEmpty() ? new Tally(members) : spareTallies.remove(spareTallies.size() - 1);
            tallies.put(hash, t);
        }
        return t;
    }

    /**
     * Registers the view's proposed block before its votes arrive: its index and its Notarize and
     * Finalize tallies exist from here on, so recording those votes allocates nothing. An empty tally
     * counts as none everywhere the core reads tallies.
     */
    void expect(final Hash32 hash)
    {
        block(hash);
        tally(notarize, hash);
        tally(finalize, hash);
    }

    /** True once any certificate for this view is held (it can be left). */
    boolean hasCertificate()
    {
        return !notarizations.isEmpty() || nullification != null || finalization != null;
    }

    /** True if this member may still cast a block vote or nullify here (no own vote of either kind). */
    boolean undecided()
    {
        return myNotarize == null && myNullify == null;
    }

    // ------------------------------------------------------------------------------------------
    // Block indices

    /** The index of the block hash with these bytes, or -1. Allocates nothing. */
    int findBlock(final byte[] hash)
    {
        for (int i = 0; i < blockCount; i++)
        {
            if (Arrays.equals(blocks[i].unsafeBytes(), hash))
            {
                return i;
            }
        }
        return NONE;
    }

    /** The index of {@code hash}, added (the instance itself) if new. */
    int block(final Hash32 hash)
    {
        final int i = findBlock(hash.unsafeBytes());
        return i >= 0 ? i : add(hash);
    }

    /** The index of the hash with these bytes, added (as a copy, or {@link Hash32#ZERO}) if new. */
    int block(final byte[] hash)
    {
        final int i = findBlock(hash);
        if (i >= 0)
        {
            return i;
        }
        return add(Arrays.equals(hash, Hash32.ZERO.unsafeBytes()) ? Hash32.ZERO : Hash32.wrap(hash.clone()));
    }

    Hash32 blockAt(final int index)
    {
        return blocks[index];
    }

    private int add(final Hash32 hash)
    {
        if (blockCount == blocks.length)
        {
            blocks = Arrays.copyOf(blocks, blockCount * 2);
        }
        blocks[blockCount] = hash;
        return blockCount++;
    }

    // ------------------------------------------------------------------------------------------
    // Signatures

    /** Copies a 64-byte signature into the store; returns its slot. */
    int storeSignature(final byte[] signature)
    {
        final int offset = signatureCount * SIGNATURE_LENGTH;
        if (offset + SIGNATURE_LENGTH > signatures.length)
        {
            signatures = Arrays.copyOf(signatures, signatures.length * 2);
        }
        System.arraycopy(signature, 0, signatures, offset, SIGNATURE_LENGTH);
        return signatureCount++;
    }

    /** A copy of the signature in {@code slot}. */
    byte[] signature(final int slot)
    {
        final int offset = slot * SIGNATURE_LENGTH;
        return Arrays.copyOfRange(signatures, offset, offset + SIGNATURE_LENGTH);
    }

    // ------------------------------------------------------------------------------------------
    // Votes received from the network, per signer: kind code in bits 0-7, block index in 8-31, slot in 32-63.

    static long entry(final MessageKind kind, final int block, final int slot)
    {
        return (long)slot << 32 | (long)block << 8 | kind.code();
    }

    static int entryKind(final long entry)
    {
        return (int)(entry & 0xFF);
    }

    static int entryBlock(final long entry)
    {
        return (int)(entry >>> 8) & 0xFF_FFFF;
    }

    static int entrySlot(final long entry)
    {
        return (int)(entry >>> 32);
    }

    int receivedCount(final int signer)
    {
        return receivedCount[signer];
    }

    long received(final int signer, final int i)
    {
        return i < RECEIVED_PER_SIGNER ? received[signer * RECEIVED_PER_SIGNER + i] :
            receivedSpill[signer][i - RECEIVED_PER_SIGNER];
    }

    void addReceived(final int signer, final long entry)
    {
        final int i = receivedCount[signer]++;
        if (i < RECEIVED_PER_SIGNER)
        {
            received[signer * RECEIVED_PER_SIGNER + i] = entry;
            return;
        }
        if (receivedSpill == null)
        {
            receivedSpill = new long[members][];
        }
        long[] spill = receivedSpill[signer];
        if (spill == null)
        {
            spill = new long[RECEIVED_PER_SIGNER];
        }
        else if (i - RECEIVED_PER_SIGNER == spill.length)
        {
            spill = Arrays.copyOf(spill, spill.length * 2);
        }
        spill[i - RECEIVED_PER_SIGNER] = entry;
        receivedSpill[signer] = spill;
    }

    /** True if {@code signer} already sent this (kind, block). */
    boolean hasReceived(final int signer, final MessageKind kind, final int block)
    {
        final int n = receivedCount[signer];
        for (int i = 0; i < n; i++)
        {
            final long e = received(signer, i);
            if (entryKind(e) == kind.code() && entryBlock(e) == block)
            {
                return true;
            }
        }
        return false;
    }

    /** The received vote {@code entry} of {@code signer} as a message, for evidence. */
    Vote receivedVote(final int signer, final long entry)
    {
        return new Vote(kindOf(entryKind(entry)), signer, view, blocks[entryBlock(entry)], signature(entrySlot(entry)));
    }

    private static MessageKind kindOf(final int code)
    {
        return MessageKind.values()[code - 1];
    }

    // ------------------------------------------------------------------------------------------
    // Counted votes (a member's block votes count once per view)

    /** The block index of {@code signer}'s counted Notarize, or -1. */
    int notarizeBy(final int signer)
    {
        return notarizeBy[signer];
    }

    boolean countNotarize(final int signer, final int block)
    {
        if (notarizeBy[signer] != NONE)
        {
            return false;
        }
        notarizeBy[signer] = block;
        return true;
    }

    boolean nullifyBy(final int signer)
    {
        return nullifyBy[signer];
    }

    boolean countNullify(final int signer)
    {
        if (nullifyBy[signer])
        {
            return false;
        }
        nullifyBy[signer] = true;
        return true;
    }

    boolean countFinalize(final int signer)
    {
        if (finalizeBy[signer])
        {
            return false;
        }
        finalizeBy[signer] = true;
        return true;
    }

    boolean countFallback(final int signer, final int block)
    {
        final long pair = (long)signer << 32 | block;
        for (int i = 0; i < fallbackCount; i++)
        {
            if (fallbackBy[i] == pair)
            {
                return false;
            }
        }
        if (fallbackBy == null)
        {
            fallbackBy = new long[4];
        }
        else if (fallbackCount == fallbackBy.length)
        {
            fallbackBy = Arrays.copyOf(fallbackBy, fallbackCount * 2);
        }
        fallbackBy[fallbackCount++] = pair;
        return true;
    }
}
