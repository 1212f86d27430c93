package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.FinalityProof;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.consensus.wire.SyncResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Block sync (PROTOCOL.md §10) through the real host: a sync the core asks for is not lost when the sync every
 * start makes is still under way and ends with a peer that has nothing newer. Found by {@code bench --nodes 4}:
 * a member that started last asked a peer that had not finalized anything yet, the core's request for blocks
 * above the head came meanwhile (and the core asks once per height), the empty answer ended the sync, and the
 * member never executed a block; the network ran without it, on the slow path only, for the whole run.
 */
class SyncRequestTest
{
    private static final int SELF = 3;
    private static final Hash32 UNKNOWN_BLOCK = Hash32.wrap(filled((byte)0x5A));

    @RegisterExtension
    final HostHarness hosts = new HostHarness();

    @Test
    void aSyncTheCoreAsksForWhileTheStartupSyncIsUnderWayOutlivesAnEmptyAnswer() throws Exception
    {
        final NetworkCore host = hosts.member(SELF, 128);
        assertEquals(1, counter(host, "host.sync.requests"), "every start asks a peer for blocks above its head");

        // Three peers finalize view 1's block, which this member never received: the core, unable to deliver it,
        // asks for block sync from height 1 while the start's sync is still waiting for its answer.
        for (int signer = 0; signer < 3; signer++)
        {
            host.onFrame(finalize(signer, 1, UNKNOWN_BLOCK), signer);
        }
        host.onFrame(nothingNewer(0), 0);
        assertEquals(2, counter(host, "host.sync.requests"), "the core still wants block 1: the next peer is asked at once");
        assertEquals(1, counter(host, "host.sync.active"));
        host.onFrame(nothingNewer(1), 1);
        assertEquals(3, counter(host, "host.sync.requests"));
        host.onFrame(nothingNewer(2), 2);
        assertEquals(3, counter(host, "host.sync.requests"),
            "after a round of the three peers, each with nothing newer, the tick's retry asks again, not every answer");
        assertEquals(1, counter(host, "host.sync.active"), "the sync stays under way until the head reaches block 1");
        assertNull(host.failure());
    }

    @Test
    void anEmptyAnswerEndsASyncNothingNeeds() throws Exception
    {
        final NetworkCore host = hosts.member(SELF, 128);
        assertEquals(1, counter(host, "host.sync.requests"));
        assertEquals(1, counter(host, "host.sync.active"));

        host.onFrame(nothingNewer(0), 0);
        assertEquals(0, counter(host, "host.sync.active"), "at genesis, with nothing certified above it, the member is caught up");
        assertEquals(1, counter(host, "host.sync.requests"));
    }

    private static long counter(final NetworkCore host, final String name)
    {
        final Map<String, Long> counters = host.hostCounters();
        return counters.get(name);
    }

    private static SyncResponse nothingNewer(final int responder)
    {
        return new SyncResponse(responder, List.of(), new FinalityProof(new byte[0], List.of()));
    }

    private static Vote finalize(final int signer, final long view, final Hash32 block)
    {
        return new Vote(MessageKind.FINALIZE, signer, view, block,
            HostHarness.DOMAIN.signVote(HostHarness.KEYS[signer], MessageKind.FINALIZE, view, block.bytes()));
    }

    private static byte[] filled(final byte b)
    {
        final byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, b);
        return bytes;
    }
}
