package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.consensus.Allocations;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Vote;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer vote that completes no certificate allocates nothing inside the core, through either entry:
 * 256 members, one of them holding most of the stake and never voting, so 254 Notarizes and 254
 * Finalizes of one view are all counted and none completes a quorum.
 */
class VoteEntryAllocationTest
{
    private static final int N = 256;
    private static final int SELF = 1;
    /** Above the Long cache, so a boxed view key would show as allocation. */
    private static final long VIEW = 1_001;
    private static final byte[] SIGNATURE = new byte[64];
    private static final Hash32 BLOCK = Hash32.wrap(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    private static ConsensusParams params;

    @BeforeAll
    static void members()
    {
        params = params(N, 1_000);
    }

    /** {@code n} members with fixed keys, member 0 holding {@code stake0} and the others 1; chain 5115. */
    static ConsensusParams params(final int n, final long stake0)
    {
        final List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x66;
            d[30] = (byte)(i >>> 8);
            d[31] = (byte)(i + 1);
            members.add(new Member(SequencerKey.fromPrivateKey(d).publicKey(), i == 0 ? stake0 : 1));
        }
        return new ConsensusParams().members(new MemberSet(members, 0)).domain(new SigningDomain(5115, new byte[32]));
    }

    @Test
    void mutableEntryRecordsNonQuorumVotesWithoutAllocating()
    {
        Allocations.assumeSupported();
        run(true); // warm-up: class initialisation, first compilations
        final long[] result = run(true);
        assertEquals(2L * (N - 3), result[1], "votes measured");
        assertTrue(result[0] < result[1], "allocated " + result[0] + " bytes for " + result[1] + " votes");
    }

    @Test
    void recordEntryAllocatesNothingInsideTheCore()
    {
        Allocations.assumeSupported();
        run(false);
        final long[] result = run(false);
        assertTrue(result[0] < result[1], "allocated " + result[0] + " bytes for " + result[1] + " votes");
    }

    /** Feeds the votes of one view to a fresh core; returns {bytes allocated while measuring, votes measured}. */
    private static long[] run(final boolean mutable)
    {
        final List<Command> commands = new ArrayList<>();
        final CommandSink sink = commands::add;
        final RecoveredState restart = new RecoveredState(500, VIEW - 1, Hash32.ZERO, List.of(), List.of());
        final ConsensusCore core = new ConsensusCore(params, SELF, digest -> SIGNATURE, restart);
        core.on(new Input.Start(1_000), sink);
        assertTrue(params.members().schedule().leader(VIEW) != SELF, "this member must follow in view " + VIEW);
        // Inputs are built before measuring: only the core's own allocation counts.
        final List<Input> records = new ArrayList<>();
        final List<Vote> votes = new ArrayList<>();
        for (final MessageKind kind : new MessageKind[] {MessageKind.NOTARIZE, MessageKind.FINALIZE})
        {
            for (int j = 2; j < N; j++)
            {
                final Vote v = new Vote(kind, j, VIEW, BLOCK, SIGNATURE);
                votes.add(v);
                records.add(new Input.MessageReceived(2_000, v));
            }
        }
        final MutableVote holder = new MutableVote();
        long bytes = 0;
        long measured = 0;
        for (int i = 0; i < votes.size(); i++)
        {
            // The first vote of each kind creates the view's block entry and tally: per view, not per vote.
            final boolean counted = i != 0 && i != N - 2;
            if (mutable)
            {
                holder.set(votes.get(i));
            }
            final long before = Allocations.allocated();
            if (mutable)
            {
                core.onVote(2_000, holder, sink);
            }
            else
            {
                core.on(records.get(i), sink);
            }
            final long used = Allocations.allocated() - before;
            if (counted)
            {
                bytes += used;
                measured++;
            }
        }
        assertEquals(VIEW, core.view(), "no certificate formed");
        assertEquals(0, core.status().counters().dropDuplicate());
        assertTrue(commands.stream().noneMatch(c -> c instanceof Command.PersistThenBroadcast || c instanceof Command.Broadcast),
            "a vote made the member send something: " + commands);
        return new long[] {bytes, measured};
    }
}
