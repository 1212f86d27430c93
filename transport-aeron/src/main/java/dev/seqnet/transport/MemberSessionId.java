package dev.seqnet.transport;

/**
 * Aeron session ids that name their sending member, so a receiver knows who sent a frame (and can drop its own
 * multicast loopback) without a header of its own in every frame: {@code incarnation << 9 | kind << 8 | member}.
 * The random incarnation makes a restarted member's publications new sessions, never mistaken for the old ones.
 */
final class MemberSessionId
{
    /** Largest member count the 8-bit member field holds. */
    static final int MAX_MEMBERS = 256;

    /** Kind of a publication carrying {@code send} broadcasts (and, in UNICAST mode, {@code sendTo} too). */
    static final int BROADCAST = 0;

    /** Kind of a per-peer publication carrying {@code sendTo} frames in the MULTICAST, MDC and IPC modes. */
    static final int DIRECT = 1;

    private static final int INCARNATION_BITS = 23;

    private MemberSessionId()
    {
    }

    static int sessionId(final int incarnation, final int kind, final int member)
    {
        return (incarnation & ((1 << INCARNATION_BITS) - 1)) << 9 | (kind & 1) << 8 | (member & 0xFF);
    }

    static int member(final int sessionId)
    {
        return sessionId & 0xFF;
    }

    static int kind(final int sessionId)
    {
        return (sessionId >>> 8) & 1;
    }

    static int incarnation(final int sessionId)
    {
        return sessionId >>> 9;
    }
}
