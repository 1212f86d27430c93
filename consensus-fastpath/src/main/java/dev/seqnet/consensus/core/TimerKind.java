package dev.seqnet.consensus.core;

/** The core's timers (PROTOCOL.md §4.4): the proposal deadline of a view, vote retries, R8's grace and R10's relay. */
public enum TimerKind
{
    /** Proposal deadline: fires a TIMEOUT nullify if the member has not notarized. */
    VIEW,
    /** Rebroadcast own votes and fetch missing certificates while a view makes no progress. */
    RETRY,
    /** R8's grace ran out: send the {@code Finalize} votes held back for the fast path. */
    FINALIZE,
    /** R10: relay the certificates formed {@code T_base / 4} ago to the members that have not shown they hold one. */
    RELAY
}
