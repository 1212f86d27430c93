package dev.seqnet.node.network;

import dev.seqnet.consensus.message.Proposal;
import org.junit.jupiter.api.Test;

import static dev.seqnet.node.network.OwnVoteJournalTest.block;
import static dev.seqnet.node.network.OwnVoteJournalTest.proposal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Proposals that can no longer be finalized are dropped once the head passes them, so the host's map stays small. */
class HeldProposalsTest
{
    @Test
    void proposalsAtOrBelowTheHeadAreForgottenAndTheRestKept()
    {
        final HeldProposals held = new HeldProposals();
        final Proposal nullified = proposal(7, 6, 1, block(5, 1)); // height 5, its view nullified
        final Proposal late = proposal(9, 8, 2, block(6, 0));      // height 6, arrived after its view
        final Proposal next = proposal(12, 11, 3, block(8, 2));    // height 8: still open
        held.add(nullified);
        held.add(late);
        held.add(next);
        assertEquals(3, held.size());
        assertSame(next, held.get(next.blockHash()));
        // By hash, the same block from an earlier view does not replace it and from a later view does; by view,
        // each is kept, for delivery to take the finalized view's leader's header signature.
        held.add(proposal(11, 10, 2, block(8, 2)));
        assertSame(next, held.get(next.blockHash()), "an earlier view's proposal of a held block is not kept");
        final Proposal again = proposal(13, 12, 0, block(8, 2));
        assertEquals(next.blockHash(), again.blockHash(), "the same block");
        held.add(again);
        assertEquals(3, held.size());
        assertSame(again, held.get(next.blockHash()), "the later view's proposal of the same block replaces the earlier");
        // Delivery asks for the finalized view's own proposal, whichever view that was.
        assertSame(next, held.get(next.blockHash(), 12));
        assertSame(again, held.get(next.blockHash(), 13));
        assertNull(held.get(next.blockHash(), 9), "view 9 proposed another block");
        assertNull(held.get(next.blockHash(), 14), "no proposal of view 14");
        assertEquals(5, held.views());

        held.pruneAtOrBelow(6);
        assertNull(held.get(nullified.blockHash()));
        assertNull(held.get(late.blockHash()));
        assertSame(again, held.get(next.blockHash()), "above the head: may still be finalized");

        held.add(proposal(8, 7, 1, block(4, 0))); // a straggler below the head
        held.pruneAtOrBelow(6);
        assertEquals(2, held.size(), "the head did not move: no scan");
        held.pruneAtOrBelow(7);
        assertEquals(1, held.size());
        held.remove(next.blockHash(), 13);
        assertEquals(0, held.size());
        assertNull(held.get(next.blockHash(), 13));
        assertSame(next, held.get(next.blockHash(), 12), "another view's proposal of it goes with the next prune");
        held.pruneAtOrBelow(8);
        assertEquals(0, held.views());
    }
}
