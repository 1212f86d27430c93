package dev.seqnet.consensus.wire;

/**
 * Why an inbound message was dropped: one constant per {@code drop.*} counter of PROTOCOL.md §11.
 * Every drop counts exactly one reason. The codecs and {@link InboundVerifier} produce the first
 * five; the window, duplicate, rate and proposal-validity reasons belong to the core and the host.
 */
public enum DropReason
{
    /** SBE header wrong, lengths past the frame, trailing bytes, a kind or field out of range. */
    MALFORMED("drop.malformed"),
    /** Frame over its template's limit (§3.6), dropped unread. */
    OVERSIZE("drop.oversize"),
    /** Signer or sender index ≥ n. */
    NON_MEMBER("drop.nonMember"),
    /** A signature check failed; for certificates also a bad bitmap or too little stake. */
    BAD_SIGNATURE("drop.badSignature"),
    /** A {@code Proposal} whose signer is not {@code leader(view)}. */
    WRONG_LEADER("drop.wrongLeader"),
    /** Vote or proposal more than {@code W_FUTURE} views ahead. */
    FAR_FUTURE("drop.farFuture"),
    /** Vote or proposal at or below the last finalized view. */
    LATE("drop.late"),
    /** Vote or proposal more than {@code W_PAST} views behind, not late. */
    STALE("drop.stale"),
    /** The same signed content is already held. */
    DUPLICATE("drop.duplicate"),
    /** Certificates beyond the window or a {@code TxBatch} over the per-peer rate. */
    RATE_LIMITED("drop.rateLimited"),
    /** A proposal failing V2–V7. */
    INVALID_PROPOSAL("drop.invalidProposal");

    private static final DropReason[] VALUES = values();

    private final String counterName;

    DropReason(final String counterName)
    {
        this.counterName = counterName;
    }

    /** The metric name of §11, for example {@code drop.badSignature}. */
    public String counterName()
    {
        return counterName;
    }

    /** The reason with this ordinal; shared array, so no allocation per call. */
    static DropReason of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /** Number of reasons. */
    static int count()
    {
        return VALUES.length;
    }
}
