package dev.seqnet.consensus;

import dev.seqnet.chain.crypto.SequencerKey;

import java.util.ArrayList;
import java.util.List;

/** Deterministic member keys for tests: member i has private scalar i + 1 (plus a fixed offset). */
final class TestMembers
{
    private TestMembers()
    {
    }

    static SequencerKey key(final int i)
    {
        final byte[] d = new byte[32];
        d[0] = 0x11;
        d[30] = (byte)(i >>> 8);
        d[31] = (byte)(i + 1);
        return SequencerKey.fromPrivateKey(d);
    }

    static SequencerKey[] keys(final int n)
    {
        final SequencerKey[] keys = new SequencerKey[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = key(i);
        }
        return keys;
    }

    static List<Member> members(final long[] stakes)
    {
        final List<Member> members = new ArrayList<>();
        for (int i = 0; i < stakes.length; i++)
        {
            members.add(new Member(key(i).publicKey(), stakes[i]));
        }
        return members;
    }

    static long[] equal(final int n)
    {
        final long[] stakes = new long[n];
        java.util.Arrays.fill(stakes, 1);
        return stakes;
    }

    static MemberSet set(final long[] stakes, final long slack)
    {
        return new MemberSet(members(stakes), slack);
    }
}
