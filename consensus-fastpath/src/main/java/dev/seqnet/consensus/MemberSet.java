package dev.seqnet.consensus;

import java.util.Arrays;
import java.util.List;

/**
 * The fixed genesis member set (PROTOCOL.md §1.1): members by index, their stakes, the thresholds
 * and the leader schedule. Immutable, so one instance may be shared by every thread.
 */
public final class MemberSet
{
    /** Most members a genesis may list: a certificate bitmap has 256 bits. */
    public static final int MAX_MEMBERS = 256;

    private final Member[] members;
    private final long[] stakes;
    private final Quorums quorums;
    private final LeaderSchedule schedule;

    /**
     * @param fastPathSlack genesis {@code consensus.fast_path_slack} in stake units, or
     *                      {@link Quorums#AUTO_SLACK}.
     * @throws IllegalArgumentException for no members, more than 256, a duplicate public key, a
     *                                  total stake of 2^62 or more, or a slack that leaves f < 0.
     */
    public MemberSet(final List<Member> members, final long fastPathSlack)
    {
        if (members == null || members.isEmpty())
        {
            throw new IllegalArgumentException("genesis has no members");
        }
        if (members.size() > MAX_MEMBERS)
        {
            throw new IllegalArgumentException("at most " + MAX_MEMBERS + " members: " + members.size());
        }
        this.members = members.toArray(new Member[0]);
        this.stakes = new long[this.members.length];
        long total = 0;
        for (int i = 0; i < this.members.length; i++)
        {
            final Member m = this.members[i];
            if (m == null)
            {
                throw new IllegalArgumentException("member " + i + " is null");
            }
            for (int j = 0; j < i; j++)
            {
                if (Arrays.equals(this.members[j].publicKeyUnsafe(), m.publicKeyUnsafe()))
                {
                    throw new IllegalArgumentException("members " + j + " and " + i + " share a public key");
                }
            }
            stakes[i] = m.stake();
            total += m.stake();
            if (total >= Quorums.MAX_TOTAL_STAKE || total < 0)
            {
                throw new IllegalArgumentException("total stake must be below 2^62");
            }
        }
        this.quorums = Quorums.of(total, fastPathSlack);
        this.schedule = new LeaderSchedule(stakes);
    }

    /** n, the number of members. */
    public int size()
    {
        return members.length;
    }

    public Member member(final int index)
    {
        return members[index];
    }

    public long stake(final int index)
    {
        return stakes[index];
    }

    public Quorums quorums()
    {
        return quorums;
    }

    public LeaderSchedule schedule()
    {
        return schedule;
    }

    /** The member index whose key equals {@code publicKey}, or −1. */
    public int indexOf(final byte[] publicKey)
    {
        for (int i = 0; i < members.length; i++)
        {
            if (Arrays.equals(members[i].publicKeyUnsafe(), publicKey))
            {
                return i;
            }
        }
        return -1;
    }

    /** The key of member {@code index}, shared: callers in this package must not modify it. */
    byte[] verificationKeyUnsafe(final int index)
    {
        return members[index].verificationKeyUnsafe();
    }
}
