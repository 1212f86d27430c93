package dev.seqnet.baseline.raft;

import io.aeron.Publication;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OfferResultsTest
{
    @Test
    void transientResultsAreRetriedAndTerminalOnesAreNot()
    {
        final OfferResults offers = new OfferResults();
        assertTrue(offers.record(Publication.BACK_PRESSURED));
        assertTrue(offers.record(Publication.BACK_PRESSURED));
        assertTrue(offers.record(Publication.ADMIN_ACTION));
        assertTrue(offers.record(Publication.NOT_CONNECTED));
        assertFalse(offers.record(Publication.CLOSED));
        assertFalse(offers.record(Publication.MAX_POSITION_EXCEEDED));
        assertEquals(2, offers.backPressured);
        assertEquals(1, offers.adminAction);
        assertEquals(1, offers.notConnected);
        assertEquals(1, offers.closed);
        assertEquals(1, offers.maxPositionExceeded);
        assertEquals(6, offers.total());
        assertThrows(IllegalStateException.class, () -> offers.record(-42));
    }
}
