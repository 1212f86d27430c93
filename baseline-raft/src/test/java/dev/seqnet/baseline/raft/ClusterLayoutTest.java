package dev.seqnet.baseline.raft;

import io.aeron.ChannelUri;
import io.aeron.cluster.ClusterMember;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The membership string and channels, checked with Aeron's own parsers as the oracle. */
class ClusterLayoutTest
{
    @Test
    void membershipParsesWithAeronIntoDistinctLoopbackEndpoints()
    {
        final ClusterLayout layout = new ClusterLayout(3, 20_000, 1 << 20);
        final ClusterMember[] members = ClusterMember.parse(layout.clusterMembers());
        assertEquals(3, members.length);
        final Set<String> endpoints = new HashSet<>();
        for (int i = 0; i < 3; i++)
        {
            assertEquals(i, members[i].id());
            assertEquals("127.0.0.1:" + (20_000 + 10 * i), members[i].ingressEndpoint());
            for (final String e : new String[] {members[i].ingressEndpoint(), members[i].consensusEndpoint(),
                members[i].logEndpoint(), members[i].catchupEndpoint(), members[i].archiveEndpoint()})
            {
                assertTrue(e.startsWith("127.0.0.1:"), e);
                assertTrue(endpoints.add(e), "endpoint used twice: " + e);
            }
            final String archiveControl = ChannelUri.parse(layout.archiveControlChannel(i)).get("endpoint");
            assertEquals(members[i].archiveEndpoint(), archiveControl, "the archive listens where the membership says");
        }
        assertEquals("0=127.0.0.1:20000,1=127.0.0.1:20010,2=127.0.0.1:20020", layout.ingressEndpoints());
        assertEquals(Integer.toString(1 << 20), ChannelUri.parse(layout.logChannel()).get("term-length"));
        assertEquals("127.0.0.1:0", ChannelUri.parse(layout.egressChannel()).get("endpoint"));
    }

    @Test
    void rejectsLayoutsThatCannotWork()
    {
        assertThrows(IllegalArgumentException.class, () -> new ClusterLayout(0, 20_000, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new ClusterLayout(3, 65_530, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new ClusterLayout(3, 20_000, 100_000));
        assertThrows(IllegalArgumentException.class, () -> new ClusterLayout(3, 20_000, 32 * 1024));
    }

    @Test
    void freeBasePortIsBelowTheEphemeralRangeAndAligned() throws Exception
    {
        final int base = ClusterLayout.freeBasePort(3);
        assertTrue(base >= 10_000 && base + 30 <= 32_768, Integer.toString(base));
        assertEquals(0, base % ClusterLayout.PORTS_PER_MEMBER);
    }
}
