package dev.seqnet.consensus.core;

/** The core's timers (PROTOCOL.md §4.4): the proposal deadline of a view, and vote retries. */
public enum TimerKind
{
    /** Proposal deadline: fires a TIMEOUT nullify if the member has not notarized. */
    VIEW,
    /** Rebroadcast own votes and fetch missing certificates while a view makes no progress. */
    RETRY,
    /** R8's grace ran out: send the {@code Finalize} votes held back for the fast path. */
    FINALIZE
}
