package dev.seqnet.consensus.wire;

/**
 * An unsigned support message (PROTOCOL.md §3.5): its contents prove themselves (transactions carry
 * their own signatures, certificates and blocks are checked with {@code FinalityVerifier}), so the
 * sender index is used for routing and counting only.
 */
public interface SupportMessage
{
    /** The index of the member that sent it (origin, requester, responder or member). */
    int sender();
}
