package dev.seqnet.consensus.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkModelTest
{
    private static NetworkModel net(final long seed, final double loss, final double dup)
    {
        return new NetworkModel(seed, 4, 500_000L, 0.8, 3_000_000L, loss, dup);
    }

    @Test
    void sameSeedSameFates()
    {
        final NetworkModel a = net(42, 0.1, 0.1);
        final NetworkModel b = net(42, 0.1, 0.1);
        final long[] da = new long[2];
        final long[] db = new long[2];
        for (int i = 0; i < 1000; i++)
        {
            final int ca = a.send(i % 4, (i + 1) % 4, da);
            final int cb = b.send(i % 4, (i + 1) % 4, db);
            assertEquals(ca, cb);
            for (int k = 0; k < ca; k++)
            {
                assertEquals(da[k], db[k]);
            }
        }
    }

    @Test
    void delaysStayWithinDeltaMaxAndReorder()
    {
        final NetworkModel n = net(7, 0, 0);
        long below = 0;
        long above = 0;
        long previous = -1;
        int inversions = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final long d = n.delay();
            assertTrue(d >= 1_000 && d <= 3_000_000L, "delay " + d);
            below += d < 500_000L ? 1 : 0;
            above += d > 500_000L ? 1 : 0;
            inversions += previous > d ? 1 : 0;
            previous = d;
        }
        // The median is 500 µs: about half on each side (truncation at Δmax only trims the top tail).
        assertTrue(Math.abs(below - above) < 1_000, below + " below vs " + above + " above the median");
        assertTrue(inversions > 5_000, "consecutive sends should often overtake each other");
    }

    @Test
    void lossAndDuplicationRates()
    {
        final NetworkModel n = net(3, 0.2, 0.1);
        final long[] d = new long[2];
        int lost = 0;
        int doubled = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final int c = n.send(0, 1, d);
            lost += c == 0 ? 1 : 0;
            doubled += c == 2 ? 1 : 0;
        }
        assertTrue(Math.abs(lost - 4_000) < 400, "lost " + lost);
        assertTrue(Math.abs(doubled - 1_600) < 300, "duplicated " + doubled);
    }

    @Test
    void partitionsAndOneWayLinksUntilHeal()
    {
        final NetworkModel n = net(5, 0.3, 0);
        final long[] d = new long[2];
        n.partition(new int[] {0, 0, 1, 1});
        n.blockOneWay(0, 1);
        for (int i = 0; i < 200; i++)
        {
            assertEquals(0, n.send(0, 2, d));
            assertEquals(0, n.send(3, 1, d));
            assertEquals(0, n.send(0, 1, d));
        }
        int back = 0;
        for (int i = 0; i < 200; i++)
        {
            back += n.send(1, 0, d);
        }
        assertTrue(back > 100, "the reverse of a one-way block still works (minus loss): " + back);
        n.heal();
        n.partition(new int[] {0, 1, 0, 1});
        n.blockOneWay(0, 1);
        for (int i = 0; i < 200; i++)
        {
            assertEquals(1, n.send(0, 1, d), "after heal nothing is lost, cut or blocked");
        }
    }
}
