package dev.seqnet.consensus.core;

/** The host's answer to {@link Command.VerifyBlock} (PROTOCOL.md §4.5). */
public enum Verdict
{
    /** V5–V7 hold: the member may notarize. */
    VALID,
    /** Proven bad by V5–V7: the member nullifies with reason INVALID. */
    INVALID,
    /** Data still missing after fetching; not proof of fault, the VIEW timer decides. */
    UNAVAILABLE
}
