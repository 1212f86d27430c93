package dev.seqnet.consensus.sim;

/**
 * How a simulated member behaves (PROTOCOL.md §12.2). Every Byzantine strategy still runs a real
 * core and only distorts what its host does with the core's commands, so it stays in step with the
 * protocol and its attacks land in live views.
 */
enum Strategy
{
    /** Runs the core and the host guarantees faithfully. */
    HONEST,
    /** As leader, sends different proposals (and matching Notarize votes) to different members, or both to all. */
    EQUIVOCATE,
    /** Each Notarize also goes out for another block, and sometimes a NotarizeFallback for its own block. */
    DOUBLE_VOTE,
    /** Each Finalize comes with a Nullify of the same view, and each Nullify with a Finalize. */
    NULLER,
    /** Builds invalid blocks (one flaw each) and answers VALID to every verification. */
    INVALID,
    /** Sends nothing at all. */
    SILENT,
    /** Sends each message to a random subset of members only. */
    WITHHOLD,
    /** Honest core, plus garbage: bad signatures, non-members, impersonation, wrong leader, far future, forged certificates, stale replays. */
    SPAMMER,
    /** Two cores with one key on split networks (Twins). */
    TWIN
}
