package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One view's state at one member (PROTOCOL.md §4.1 {@code views[w]}): the leader's first proposal,
 * this member's own flags, every member's votes by kind, tallies and the certificates held. Maps are
 * sorted so that every iteration is deterministic.
 */
final class ViewState
{
    final long view;

    Proposal proposal;
    boolean verifyRequested;
    boolean verified;

    // Own flags (§4.1).
    Hash32 myNotarize;
    NullifyReason myNullify;
    final TreeSet<Hash32> myFallback = new TreeSet<>();
    Hash32 myFinalize;
    boolean proposed;
    boolean building;
    /** Own signed messages of this view in sending order, for RETRY and restart (R11, §8.2). */
    final List<ConsensusMessage> ownMessages = new ArrayList<>();

    // Every member's votes, by signer: the first of each kind, to spot duplicates and evidence.
    final Vote[] notarizeBy;
    final Vote[] nullifyBy;
    final Vote[] finalizeBy;
    final List<TreeMap<Hash32, Vote>> fallbackBy;
    /** Every distinct vote each member sent in this view, for duplicates and evidence (a handful at most). */
    final List<List<Vote>> allBy;

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
        this.notarizeBy = new Vote[members];
        this.nullifyBy = new Vote[members];
        this.finalizeBy = new Vote[members];
        this.fallbackBy = new ArrayList<>(members);
        for (int i = 0; i < members; i++)
        {
            fallbackBy.add(new TreeMap<>());
        }
        this.nullify = new Tally(members);
        this.allBy = new ArrayList<>(members);
        for (int i = 0; i < members; i++)
        {
            allBy.add(new ArrayList<>(2));
        }
    }

    Tally tally(final TreeMap<Hash32, Tally> tallies, final Hash32 hash, final int members)
    {
        return tallies.computeIfAbsent(hash, h -> new Tally(members));
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
}
