package dev.seqnet.consensus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuorumsTest
{
    private static void assertQuorums(
        final Quorums q, final long f, final long p, final long quorum, final long fast, final long t, final long k)
    {
        assertEquals(f, q.f(), "f " + q);
        assertEquals(p, q.p(), "p " + q);
        assertEquals(quorum, q.quorum(), "Q " + q);
        assertEquals(fast, q.fastQuorum(), "F " + q);
        assertEquals(t, q.contradiction(), "T " + q);
        assertEquals(k, q.fallbackTrigger(), "K " + q);
    }

    /**
     * The equal-stake table of PROTOCOL.md §1.1, re-derived by hand from its formulas
     * (f₀ = ⌊(S−1)/3⌋, p = ⌊(S−1−3f₀)/2⌋, f = ⌊(S−1−2p)/3⌋, Q = ⌊(S+f)/2⌋+1, F = S−p, T = f+p+1, K = f+1):
     * <pre>
     * S=1: f₀=0, p=0, f=0, Q=⌊1/2⌋+1=1, F=1, T=1, K=1
     * S=3: f₀=0, p=⌊2/2⌋=1, f=⌊0/3⌋=0, Q=⌊3/2⌋+1=2, F=2, T=2, K=1
     * S=4: f₀=1, p=⌊0/2⌋=0, f=1, Q=⌊5/2⌋+1=3, F=4 (all 4), T=2, K=2
     * S=5: f₀=1, p=⌊1/2⌋=0, f=1, Q=⌊6/2⌋+1=4, F=5, T=2, K=2
     * S=6: f₀=1, p=⌊2/2⌋=1, f=⌊3/3⌋=1, Q=⌊7/2⌋+1=4, F=5, T=3, K=2
     * S=7: f₀=2, p=⌊0/2⌋=0, f=2, Q=⌊9/2⌋+1=5, F=7, T=3, K=3
     * S=7, p=1: f=⌊4/3⌋=1, Q=⌊8/2⌋+1=5, F=6, T=3, K=2
     * </pre>
     */
    @Test
    void equalStakeTableOfTheSpec()
    {
        assertQuorums(Quorums.of(1, Quorums.AUTO_SLACK), 0, 0, 1, 1, 1, 1);
        assertQuorums(Quorums.of(3, Quorums.AUTO_SLACK), 0, 1, 2, 2, 2, 1);
        assertQuorums(Quorums.of(4, Quorums.AUTO_SLACK), 1, 0, 3, 4, 2, 2);
        assertQuorums(Quorums.of(5, Quorums.AUTO_SLACK), 1, 0, 4, 5, 2, 2);
        assertQuorums(Quorums.of(6, Quorums.AUTO_SLACK), 1, 1, 4, 5, 3, 2);
        assertQuorums(Quorums.of(7, Quorums.AUTO_SLACK), 2, 0, 5, 7, 3, 3);
        assertQuorums(Quorums.of(7, 1), 1, 1, 5, 6, 3, 2);
    }

    /**
     * Stake units and unequal stakes, by hand:
     * <pre>
     * 4 × 1000: S=4000, f₀=⌊3999/3⌋=1333, p=⌊(3999−3999)/2⌋=0, f=1333, Q=⌊5333/2⌋+1=2667, F=4000, T=1334, K=1334
     *           (the spec's own example: Q = three members, T = two members)
     * {1,2,3,4}: S=10, f₀=3, p=⌊(9−9)/2⌋=0, f=3, Q=⌊13/2⌋+1=7, F=10, T=4, K=4
     * {5,3,2,1,1}: S=12, f₀=⌊11/3⌋=3, p=⌊(11−9)/2⌋=1, f=⌊9/3⌋=3, Q=⌊15/2⌋+1=8, F=11, T=5, K=4
     * </pre>
     */
    @Test
    void stakeUnitsAndUnequalStakes()
    {
        assertQuorums(TestMembers.set(new long[] {1000, 1000, 1000, 1000}, Quorums.AUTO_SLACK).quorums(),
            1333, 0, 2667, 4000, 1334, 1334);
        assertQuorums(TestMembers.set(new long[] {1, 2, 3, 4}, Quorums.AUTO_SLACK).quorums(), 3, 0, 7, 10, 4, 4);
        final MemberSet unequal = TestMembers.set(new long[] {5, 3, 2, 1, 1}, Quorums.AUTO_SLACK);
        assertEquals(12, unequal.quorums().totalStake());
        assertQuorums(unequal.quorums(), 3, 1, 8, 11, 5, 4);
    }

    /** Facts Q1–Q7 of §1.1, which the spec says were checked for every S < 400 and every allowed p. */
    @Test
    void factsQ1ToQ7HoldForEverySmallStakeAndSlack()
    {
        int checked = 0;
        for (long s = 1; s < 400; s++)
        {
            for (long p = 0; 2 * p <= s - 1; p++)
            {
                final Quorums q = Quorums.of(s, p);
                final long f = q.f();
                final String at = q.toString();
                assertTrue(s >= 3 * f + 2 * p + 1, "S ≥ 3f+2p+1 " + at);
                assertTrue(2 * q.quorum() - s >= f + 1, "Q1 " + at);
                assertTrue(q.fastQuorum() + q.quorum() - s >= f + 1, "Q2 " + at);
                assertTrue(2 * q.fastQuorum() - s >= f + 1, "Q3 " + at);
                assertTrue(q.quorum() <= s - f - p, "Q4 " + at);
                assertTrue(q.quorum() <= q.fastQuorum(), "Q5 " + at);
                assertTrue(q.contradiction() <= q.quorum(), "Q6 " + at);
                assertTrue(s - 2 * f - p >= q.contradiction(), "Q7 " + at);
                checked++;
            }
        }
        assertEquals(40_000, checked); // Σ_{S=1}^{399} (⌊(S−1)/2⌋ + 1)
    }

    @Test
    void rejectsBadInputs()
    {
        assertThrows(IllegalArgumentException.class, () -> Quorums.of(0, Quorums.AUTO_SLACK));
        assertThrows(IllegalArgumentException.class, () -> Quorums.of(Quorums.MAX_TOTAL_STAKE, 0));
        assertThrows(IllegalArgumentException.class, () -> Quorums.of(4, -2));
        // S = 4: p = 1 gives f = ⌊1/3⌋ = 0 (allowed); p = 2 gives f = ⌊−1/3⌋ = −1 (invalid genesis).
        assertEquals(0, Quorums.of(4, 1).f());
        assertThrows(IllegalArgumentException.class, () -> Quorums.of(4, 2));
        assertThrows(IllegalArgumentException.class, () -> Quorums.of(1, 1));
    }
}
