package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link LeaderKill} turns block arrivals into the gaps it reports (no network needed). */
class LeaderKillGapTest
{
    private static final long MS = 1_000_000L;

    private static LeaderKill measuring(final long fromMs, final long untilMs)
    {
        final LeaderKill k = new LeaderKill(null, null, null, 20, new PrintWriter(new StringWriter()));
        k.window(fromMs * MS, untilMs * MS);
        return k;
    }

    private static void arrive(final LeaderKill k, final long atMs)
    {
        k.block(atMs, "0x", 1, atMs * MS);
    }

    @Test
    void gapsBeforeAndAfterTheKillAreSeparated()
    {
        final LeaderKill k = measuring(100, 10_000);
        arrive(k, 50);
        arrive(k, 150); // a 100 ms gap, but it starts in the warm-up: not counted
        arrive(k, 160);
        arrive(k, 175); // 15 ms before the kill
        k.killed(2, 176 * MS);
        arrive(k, 210); // 35 ms across the kill: after
        arrive(k, 215);
        final ObjectNode o = k.json();
        assertEquals(2, o.get("member").asInt());
        assertEquals(15.0, o.get("max_gap_before_ms").asDouble(), 1e-9);
        assertEquals(35.0, o.get("max_gap_after_ms").asDouble(), 1e-9);
        assertEquals(2, o.get("blocks_after").asLong());
        assertTrue(o.get("within_bound").asBoolean(), "35 ms < 2 x 20 ms");
    }

    @Test
    void theIdleIntervalAfterTheLoadStopsIsNotAStall()
    {
        final LeaderKill k = measuring(0, 1_000);
        arrive(k, 10);
        k.killed(1, 20 * MS);
        arrive(k, 30);
        arrive(k, 990);  // a real 960 ms stall inside the window: counted
        arrive(k, 995);
        arrive(k, 2_000); // the sends stopped at 1,000 ms; the next empty block comes 1 s later: not counted
        final ObjectNode o = k.json();
        assertEquals(960.0, o.get("max_gap_after_ms").asDouble(), 1e-9);
        assertFalse(o.get("within_bound").asBoolean());

        final LeaderKill quiet = measuring(0, 1_000);
        arrive(quiet, 10);
        quiet.killed(1, 20 * MS);
        for (long t = 30; t <= 990; t += 10)
        {
            arrive(quiet, t);
        }
        arrive(quiet, 2_000);
        assertEquals(20.0, quiet.json().get("max_gap_after_ms").asDouble(), 1e-9, "only gaps within the window");
        assertTrue(quiet.json().get("within_bound").asBoolean());
    }
}
