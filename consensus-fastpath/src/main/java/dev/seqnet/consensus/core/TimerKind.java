package dev.seqnet.consensus.core;

/** The core's two timers (PROTOCOL.md §4.4): the proposal deadline of a view, and vote retries. */
public enum TimerKind
{
    /** Proposal deadline: fires a TIMEOUT nullify if the member has not notarized. */
    VIEW,
    /** Rebroadcast own votes and fetch missing certificates while a view makes no progress. */
    RETRY
}
