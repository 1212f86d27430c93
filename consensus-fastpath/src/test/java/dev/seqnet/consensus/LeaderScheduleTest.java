package dev.seqnet.consensus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LeaderScheduleTest
{
    private static int[] firstPeriod(final LeaderSchedule s)
    {
        final int[] out = new int[s.period()];
        for (int v = 1; v <= s.period(); v++)
        {
            out[v - 1] = s.leader(v);
        }
        return out;
    }

    @Test
    void equalStakesRotate()
    {
        final LeaderSchedule s = new LeaderSchedule(TestMembers.equal(4));
        assertEquals(4, s.period());
        assertArrayEquals(new int[] {0, 1, 2, 3}, firstPeriod(s));
        assertEquals(0, s.leader(5));
        assertEquals(3, s.leader(1000));
        // u64 view 2^64 − 1 (−1L): (2^64 − 2) mod 4 = 2.
        assertEquals(2, s.leader(-1L));
        assertThrows(IllegalArgumentException.class, () -> s.leader(0));
    }

    /**
     * Smooth weighted round robin by hand. Stakes {3, 1}: P = 4,
     * cur = [3,1] → 0, [−1,1]; [2,2] → 0 (tie, lowest), [−2,2]; [1,3] → 1, [1,−1]; [4,0] → 0.
     * Stakes {2000, 1000}: gcd 1000 → w = {2, 1}, P = 3: [2,1] → 0, [−1,1]; [1,2] → 1, [1,−1]; [3,0] → 0.
     */
    @Test
    void smoothWeightedRoundRobin()
    {
        assertArrayEquals(new int[] {0, 0, 1, 0}, firstPeriod(new LeaderSchedule(new long[] {3, 1})));
        assertArrayEquals(new int[] {0, 1, 0}, firstPeriod(new LeaderSchedule(new long[] {2000, 1000})));
    }

    @Test
    void eachMemberLeadsInProportionToStake()
    {
        final long[] stakes = {5, 3, 2, 1, 1};
        final LeaderSchedule s = new LeaderSchedule(stakes);
        assertEquals(12, s.period());
        final int[] count = new int[stakes.length];
        for (final int leader : firstPeriod(s))
        {
            count[leader]++;
        }
        assertArrayEquals(new int[] {5, 3, 2, 1, 1}, count);
        assertEquals(s.leader(3), s.leader(3 + 12L * 1_000_000));
    }

    /** Σw = 2^61 + 1 > 65,536: w₀ = ⌊2^61 · 2^16 / (2^61 + 1)⌋ = 65,535 (computed in Python), w₁ = max(1, 0) = 1. */
    @Test
    void hugeStakesAreScaledWithoutOverflow()
    {
        final LeaderSchedule s = new LeaderSchedule(new long[] {1L << 61, 1});
        assertEquals(65_536, s.period());
        int ones = 0;
        for (final int leader : firstPeriod(s))
        {
            ones += leader;
        }
        assertEquals(1, ones);
    }

    @Test
    void rejectsNonPositiveStakes()
    {
        assertThrows(IllegalArgumentException.class, () -> new LeaderSchedule(new long[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> new LeaderSchedule(new long[0]));
    }
}
