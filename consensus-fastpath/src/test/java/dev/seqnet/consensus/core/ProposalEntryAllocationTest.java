package dev.seqnet.consensus.core;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.Allocations;
import dev.seqnet.consensus.message.BlockCandidate;
import dev.seqnet.consensus.message.MutableProposal;
import dev.seqnet.consensus.message.Proposal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ConsensusCore.onProposal(MutableProposal)}: a proposal the core drops (a duplicate, the wrong
 * leader, a view already finalized, too far ahead) allocates nothing; one it records is copied once
 * and behaves as through {@code on(MessageReceived)} (the simulator compares whole traces:
 * {@code SimulationTest.mutableVoteEntryGivesTheSameTraces}).
 */
class ProposalEntryAllocationTest
{
    private static final int N = 4;
    private static final int SELF = 1;
    private static final long FINALIZED = 1_000;
    private static final byte[] SIGNATURE = new byte[64];
    private static ConsensusParams params;

    @BeforeAll
    static void members()
    {
        params = VoteEntryAllocationTest.params(N, 1);
    }

    private static Proposal proposal(final long view, final int leader, final long height, final int fill)
    {
        final byte[] hash = new byte[32];
        hash[0] = (byte)fill;
        hash[31] = (byte)view;
        return new Proposal(view, FINALIZED, leader, new BlockCandidate(Hash32.wrap(hash), Hash32.ZERO, height, 1, 0, 1, 0, 1,
            Hash32.ZERO, Hash32.ZERO, SIGNATURE, List.of(Hash32.wrap(new byte[32]))), SIGNATURE);
    }

    @Test
    void droppedProposalsAllocateNothingAndARecordedOneIsCopiedOnce()
    {
        Allocations.assumeSupported();
        final List<Command> commands = new ArrayList<>();
        final CommandSink sink = commands::add;
        final ConsensusCore core = new ConsensusCore(params, SELF, digest -> SIGNATURE,
            new RecoveredState(500, FINALIZED, Hash32.ZERO, List.of(), List.of()));
        core.on(new Input.Start(1_000), sink);
        final long view = core.view();
        final int leader = params.members().schedule().leader(view);
        assertTrue(leader != SELF, "this member must follow in view " + view);
        final MutableProposal holder = new MutableProposal();
        assertThrows(IllegalArgumentException.class, () -> core.onProposal(2_000, holder, sink), "empty holder");

        final Proposal first = proposal(view, leader, 501, 1);
        core.onProposal(2_000, holder.set(first), sink);
        final Command.VerifyBlock verify = (Command.VerifyBlock)commands.stream()
            .filter(c -> c instanceof Command.VerifyBlock).findFirst().orElseThrow();
        assertTrue(holder.sameAs(verify.proposal()), "the core verifies a copy of the proposal");
        holder.set(proposal(view, leader, 501, 9)); // refilling the holder changes nothing the core kept
        assertTrue(!holder.sameAs(verify.proposal()) && verify.proposal().block().blockHash().equals(first.blockHash()));

        final MutableProposal[] dropped = {
            new MutableProposal().set(first), // duplicate
            new MutableProposal().set(proposal(view, (leader + 1) % N, 501, 1)), // wrong leader
            new MutableProposal().set(proposal(view + params.futureWindowViews() + 1,
                params.members().schedule().leader(view + params.futureWindowViews() + 1), 501, 1)), // far future
        };
        final int rounds = 20_000;
        long bytes = 0;
        for (int i = 0; i < 2 * rounds; i++)
        {
            final MutableProposal p = dropped[i % dropped.length];
            final long before = Allocations.allocated();
            core.onProposal(3_000, p, sink);
            if (i >= rounds)
            {
                bytes += Allocations.allocated() - before; // the second half, after warm-up
            }
        }
        final CoreStatus status = core.status();
        assertTrue(bytes < rounds, "allocated " + bytes + " bytes for " + rounds + " dropped proposals");
        assertEquals(2L * rounds / 3 + 1, status.counters().dropDuplicate(), "every third one a duplicate");
        assertTrue(status.counters().dropWrongLeader() > 0 && status.counters().dropFarFuture() > 0);
        assertSame(verify, commands.stream().filter(c -> c instanceof Command.VerifyBlock).findFirst().orElseThrow());
        assertEquals(1, commands.stream().filter(c -> c instanceof Command.VerifyBlock).count(), "verified once");
    }
}
