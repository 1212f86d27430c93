package dev.seqnet.consensus;

import dev.seqnet.chain.crypto.SequencerKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemberSetTest
{
    @Test
    void memberCarriesKeyAddressAndStake()
    {
        final SequencerKey key = TestMembers.key(3);
        final Member m = new Member(key.publicKey(), 42);
        assertEquals(key.address(), m.address());
        assertEquals(42, m.stake());
        final MemberSet set = TestMembers.set(TestMembers.equal(5), Quorums.AUTO_SLACK);
        assertEquals(5, set.size());
        assertEquals(3, set.indexOf(key.publicKey()));
        assertEquals(-1, set.indexOf(TestMembers.key(9).publicKey()));

        final byte[] verificationKey = m.verificationKey();
        assertArrayEquals(dev.seqnet.chain.crypto.Signatures.verificationKey(key.publicKey()), verificationKey, "the uncompressed key");
        final byte[] digest = new byte[32];
        assertTrue(SignatureCheck.SECP256K1.verify(key.sign(digest), digest, verificationKey));
        verificationKey[10] ^= 1;
        assertArrayEquals(dev.seqnet.chain.crypto.Signatures.verificationKey(key.publicKey()), m.verificationKey(), "a copy each time");
    }

    @Test
    void rejectsZeroOrNegativeStakeAndBadKeys()
    {
        final byte[] pub = TestMembers.key(0).publicKey();
        assertThrows(IllegalArgumentException.class, () -> new Member(pub, 0));
        assertThrows(IllegalArgumentException.class, () -> new Member(pub, -5));
        final byte[] notCompressed = pub.clone();
        notCompressed[0] = 0x04;
        assertThrows(IllegalArgumentException.class, () -> new Member(notCompressed, 1));
        assertThrows(IllegalArgumentException.class, () -> new Member(new byte[32], 1));
        assertThrows(IllegalArgumentException.class, () -> new Member(null, 1));
    }

    @Test
    void rejectsEmptyDuplicateOversizedAndOverflowingSets()
    {
        assertThrows(IllegalArgumentException.class, () -> new MemberSet(List.of(), Quorums.AUTO_SLACK));
        assertThrows(IllegalArgumentException.class, () -> new MemberSet(null, Quorums.AUTO_SLACK));

        final List<Member> dup = new ArrayList<>(TestMembers.members(TestMembers.equal(3)));
        dup.add(new Member(TestMembers.key(1).publicKey(), 7));
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> new MemberSet(dup, Quorums.AUTO_SLACK));
        assertTrue(e.getMessage().contains("1 and 3"), e.getMessage());

        assertThrows(IllegalArgumentException.class,
            () -> TestMembers.set(TestMembers.equal(MemberSet.MAX_MEMBERS + 1), Quorums.AUTO_SLACK));
        assertEquals(256, TestMembers.set(TestMembers.equal(256), Quorums.AUTO_SLACK).size());

        // Σ stake = 2^62 is one too many.
        assertThrows(IllegalArgumentException.class,
            () -> TestMembers.set(new long[] {1L << 61, 1L << 61}, Quorums.AUTO_SLACK));
        assertEquals((1L << 62) - 1,
            TestMembers.set(new long[] {1L << 61, (1L << 61) - 1}, Quorums.AUTO_SLACK).quorums().totalStake());
    }

    @Test
    void rejectsSlackThatLeavesNoFaultTolerance()
    {
        // n = 4: p = 1 → f = 0 is allowed, p = 2 → f < 0 is not.
        assertEquals(0, TestMembers.set(TestMembers.equal(4), 1).quorums().f());
        assertThrows(IllegalArgumentException.class, () -> TestMembers.set(TestMembers.equal(4), 2));
        assertThrows(IllegalArgumentException.class, () -> TestMembers.set(TestMembers.equal(7), 4));
    }
}
