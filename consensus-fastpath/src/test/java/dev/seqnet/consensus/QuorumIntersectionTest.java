package dev.seqnet.consensus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exhaustive check of the quorum facts the safety proof (§5) rests on, over every pair of member
 * subsets: two Q-sets (Q1), an F-set and a Q-set (Q2) and two F-sets (Q3) share more than f stake.
 * It also checks that Q is the smallest threshold with that property, so the check can fail.
 */
class QuorumIntersectionTest
{
    /** The smallest intersection stake over all pairs (A, B) with stake(A) ≥ a and stake(B) ≥ b; MAX if none. */
    private static long minIntersection(final long[] stakes, final long a, final long b)
    {
        final int subsets = 1 << stakes.length;
        final long[] weight = new long[subsets];
        for (int mask = 1; mask < subsets; mask++)
        {
            final int low = Integer.numberOfTrailingZeros(mask);
            weight[mask] = weight[mask & (mask - 1)] + stakes[low];
        }
        long min = Long.MAX_VALUE;
        for (int x = 0; x < subsets; x++)
        {
            if (weight[x] < a)
            {
                continue;
            }
            for (int y = 0; y < subsets; y++)
            {
                if (weight[y] >= b)
                {
                    min = Math.min(min, weight[x & y]);
                }
            }
        }
        return min;
    }

    private static void assertIntersections(final long[] stakes, final long slack)
    {
        assertIntersections(stakes, slack, false);
    }

    /** {@code tight}: with unit stakes every weight is reachable, so Q − 1 must fail (not so for lumpy stakes). */
    private static void assertIntersections(final long[] stakes, final long slack, final boolean tight)
    {
        final Quorums q = TestMembers.set(stakes, slack).quorums();
        final long f = q.f();
        assertTrue(minIntersection(stakes, q.quorum(), q.quorum()) >= f + 1, "Q ∩ Q " + q);
        assertTrue(minIntersection(stakes, q.fastQuorum(), q.quorum()) >= f + 1, "F ∩ Q " + q);
        assertTrue(minIntersection(stakes, q.fastQuorum(), q.fastQuorum()) >= f + 1, "F ∩ F " + q);
        // Tightness: one stake unit less than Q no longer guarantees an honest overlap.
        assertTrue(!tight || minIntersection(stakes, q.quorum() - 1, q.quorum() - 1) <= f, "Q − 1 is not a quorum " + q);
    }

    @Test
    void fourEqualMembers()
    {
        assertIntersections(TestMembers.equal(4), Quorums.AUTO_SLACK, true);
        // By hand: Q = 3 → two 3-sets of 4 share ≥ 2 = f + 1; two 2-sets may be disjoint.
        assertEquals(2, minIntersection(TestMembers.equal(4), 3, 3));
        assertEquals(0, minIntersection(TestMembers.equal(4), 2, 2));
        // F = 4 (all members) with Q = 3: overlap 3.
        assertEquals(3, minIntersection(TestMembers.equal(4), 4, 3));
    }

    @Test
    void sevenEqualMembers()
    {
        assertIntersections(TestMembers.equal(7), Quorums.AUTO_SLACK, true);
        // By hand: Q = 5 → two 5-sets of 7 share ≥ 3 = f + 1.
        assertEquals(3, minIntersection(TestMembers.equal(7), 5, 5));
    }

    @Test
    void sevenEqualMembersWithSlackOne()
    {
        assertIntersections(TestMembers.equal(7), 1, true);
        // By hand: f = 1, Q = 5, F = 6: F ∩ Q ≥ 6 + 5 − 7 = 4, F ∩ F ≥ 5, Q ∩ Q ≥ 3, all ≥ f + 1 = 2.
        assertEquals(4, minIntersection(TestMembers.equal(7), 6, 5));
    }

    @Test
    void unequalStakes()
    {
        assertIntersections(new long[] {5, 3, 2, 1, 1}, Quorums.AUTO_SLACK, true);
        assertIntersections(new long[] {1, 2, 3, 4}, Quorums.AUTO_SLACK);
        assertIntersections(new long[] {1000, 1000, 1000, 1000}, Quorums.AUTO_SLACK);
        assertIntersections(new long[] {7, 1, 1, 1, 1, 1, 1, 1, 1, 1}, Quorums.AUTO_SLACK);
        assertIntersections(new long[] {4, 4, 3, 2, 2, 1, 1}, 2);
        assertIntersections(TestMembers.equal(10), Quorums.AUTO_SLACK, true);
        assertIntersections(TestMembers.equal(6), Quorums.AUTO_SLACK, true);
    }
}
