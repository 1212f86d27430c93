package dev.seqnet.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransportContextTest
{
    private static Transport.Context valid()
    {
        return new Transport.Context().mode(Transport.Mode.UNICAST).memberIndex(1).memberCount(4)
            .aeronDirectoryName("/dev/shm/unused");
    }

    @Test
    void defaultsAreSizedToTheLargestBlock()
    {
        final Transport.Context ctx = valid().conclude();
        assertEquals(16 * 1024 * 1024, ctx.termLength());
        assertEquals(16 * 1024 * 1024, ctx.directTermLength());
        assertEquals(2 * 1024 * 1024, ctx.maxMessageLength(), "16 MiB / 8, above a ~1.3 MB max block");
        assertEquals("127.0.0.1:40463", ctx.memberEndpoint(3));
    }

    @Test
    void maxMessageLengthFollowsTheSmallerTerm()
    {
        final Transport.Context ctx = valid().termLength(1 << 20).directTermLength(256 * 1024).conclude();
        assertEquals(32 * 1024, ctx.maxMessageLength(), "256 KiB / 8");
        assertThrows(IllegalStateException.class,
            () -> valid().termLength(1 << 20).maxMessageLength(128 * 1024 + 1).conclude());
    }

    @Test
    void rejectsInvalidMembershipAndLayout()
    {
        assertThrows(IllegalStateException.class, () -> valid().memberIndex(4).conclude());
        assertThrows(IllegalStateException.class, () -> valid().memberCount(1).memberIndex(0).conclude());
        assertThrows(IllegalStateException.class, () -> valid().mode(null).conclude());
        assertThrows(IllegalStateException.class, () -> valid().aeronDirectoryName(null).conclude());
        assertThrows(IllegalStateException.class, () -> valid().termLength(3 * 65536).conclude());
        assertThrows(IllegalStateException.class, () -> valid().memberEndpoints("127.0.0.1:1", "127.0.0.1:2").conclude());
        assertThrows(IllegalStateException.class, () -> valid().basePort(65534).conclude());
        assertThrows(IllegalStateException.class,
            () -> valid().mode(Transport.Mode.MULTICAST).multicastInterface(null).conclude());
        assertThrows(IllegalStateException.class,
            () -> valid().mode(Transport.Mode.IPC).broadcastStreamId(2003).directStreamId(2001).conclude(),
            "member 2's IPC direct stream would be the broadcast stream");
        final Transport.Context ctx = valid();
        ctx.conclude();
        assertThrows(IllegalStateException.class, ctx::conclude);
    }

    @Test
    void sessionIdsCarryMemberAndKindAcrossIncarnations()
    {
        for (final int incarnation : new int[] {0, 1, 0x7FFFFF, -1, 123456789})
        {
            for (final int member : new int[] {0, 1, 6, 255})
            {
                final int broadcast = MemberSessionId.sessionId(incarnation, MemberSessionId.BROADCAST, member);
                final int direct = MemberSessionId.sessionId(incarnation, MemberSessionId.DIRECT, member);
                assertEquals(member, MemberSessionId.member(broadcast));
                assertEquals(member, MemberSessionId.member(direct));
                assertEquals(MemberSessionId.BROADCAST, MemberSessionId.kind(broadcast));
                assertEquals(MemberSessionId.DIRECT, MemberSessionId.kind(direct));
                assertEquals(incarnation & 0x7FFFFF, MemberSessionId.incarnation(broadcast));
            }
        }
    }
}
