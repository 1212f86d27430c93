package dev.seqnet.consensus.core;

import java.util.ArrayList;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.FinalityVerifier;
import dev.seqnet.consensus.CertificateCodec;
import dev.seqnet.consensus.LeaderSchedule;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.message.Proposal;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core on a small, fault-free or lightly faulty virtual network (the seeded simulator covers the rest). */
class ConsensusCoreTest
{
    private static final long MS = 1_000_000;

    @Test
    void fourMembersFinalizeOnTheFastPathWithABlockEveryTwoDelays()
    {
        final MiniNet net = new MiniNet(4, 0);
        net.start();
        net.pending(10);
        net.runUntil(10 * MS);
        assertAgreement(net);
        final List<FinalizedBlock> chain = net.delivered.get(0);
        // A block is proposed every ~2δ plus build and verify: ≥ 50 blocks in 10 ms of virtual time.
        assertTrue(chain.size() > 50, "finalized " + chain.size());
        final long fast = chain.stream().filter(b -> b.path() == FinalizationPath.FAST).count();
        assertTrue(fast > chain.size() / 2, "fast " + fast + " of " + chain.size());
        final FinalityVerifier verifier = new FinalityVerifier(net.params.members(), net.params.domain());
        for (final FinalizedBlock b : chain)
        {
            assertTrue(verifier.verify(CertificateCodec.encode(b.certificate())).isValid(), "certificate of " + b.height());
            if (b.path() == FinalizationPath.FAST)
            {
                // All four Notarize signatures: the leader's is its proposal's (PROTOCOL.md §3.2).
                assertTrue(dev.seqnet.consensus.Certificate.isSet(b.certificate().signers(),
                    net.params.members().schedule().leader(b.view())));
            }
        }
        // A leader signs and journals one message per block: its proposal is its Notarize.
        for (int i = 0; i < 4; i++)
        {
            final Set<Long> proposed = new HashSet<>();
            for (final OwnVote v : net.journals.get(i))
            {
                if (v.kind() == MessageKind.PROPOSAL)
                {
                    proposed.add(v.view());
                }
            }
            assertTrue(proposed.size() > 10, "member " + i + " proposed in " + proposed.size() + " views");
            for (final OwnVote v : net.journals.get(i))
            {
                assertFalse(v.kind() == MessageKind.NOTARIZE && proposed.contains(v.view()),
                    "member " + i + " signed a Notarize in its own view " + v.view());
            }
        }
    }

    @Test
    void sevenMembersWithSlackFinalize()
    {
        final MiniNet net = new MiniNet(7, 1);
        net.start();
        net.pending(10);
        net.runUntil(10 * MS);
        assertAgreement(net);
        assertTrue(net.delivered.get(6).size() > 40, "finalized " + net.delivered.get(6).size());
    }

    /** 20 ms with every message to or from member 3 ten hops late; checks agreement and that member 0 finalized over 20 blocks. */
    private static MiniNet runWithMember3Slow(final MiniNet net)
    {
        net.extraDelay = (from, to) -> from == 3 || to == 3 ? 10 * MiniNet.DELAY_NS : 0;
        net.start();
        net.pending(10);
        net.runUntil(20 * MS);
        assertAgreement(net);
        final int finalized = net.delivered.get(0).size();
        assertTrue(finalized > 20, "finalized " + finalized);
        return net;
    }

    @Test
    void oneSlowMemberDropsToTheSlowPathNotAStall()
    {
        final MiniNet net = runWithMember3Slow(new MiniNet(4, 0));
        final List<FinalizedBlock> chain = net.delivered.get(0);
        final long slow = chain.stream().filter(b -> b.path() == FinalizationPath.SLOW).count();
        assertTrue(slow > chain.size() / 2, "mostly slow path: " + slow + " of " + chain.size());
        assertTrue(net.delivered.get(3).size() > 20, "the slow member follows");
    }

    private static java.util.Map<FinalizationPath, Long> paths(final List<FinalizedBlock> chain)
    {
        return chain.stream().collect(java.util.stream.Collectors.groupingBy(FinalizedBlock::path, java.util.stream.Collectors.counting()));
    }

    /** Own Finalize votes member {@code i} journaled (each was sent). */
    private static long finalizeVotes(final MiniNet net, final int i)
    {
        return net.journals.get(i).stream().filter(v -> v.kind() == MessageKind.FINALIZE).count();
    }

    @Test
    void withAGraceFinalizeVotesAreNotSentWhenTheFastPathCompletes()
    {
        final MiniNet eager = new MiniNet(4, 0);
        final MiniNet patient = new MiniNet(4, 0, 4 * MiniNet.DELAY_NS);
        for (final MiniNet net : new MiniNet[] {eager, patient})
        {
            net.start();
            net.pending(10);
            net.runUntil(10 * MS);
            assertAgreement(net);
        }
        final int blocks = patient.delivered.get(0).size();
        assertTrue(blocks > 50 && blocks >= eager.delivered.get(0).size() * 9 / 10,
            "as many blocks: " + blocks + " against " + eager.delivered.get(0).size());
        assertTrue(finalizeVotes(eager, 0) > eager.delivered.get(0).size() / 2,
            "without a grace the third Notarize triggers a Finalize: " + finalizeVotes(eager, 0));
        assertTrue(finalizeVotes(patient, 0) < blocks / 10,
            "with one the fourth completes the fast path first: " + finalizeVotes(patient, 0) + " of " + blocks);
        assertTrue(patient.delivered.get(0).stream().allMatch(b -> b.path() != FinalizationPath.SLOW), "all fast");
    }

    @Test
    void withAGraceASlowMemberStillLeavesTheSlowPath()
    {
        final MiniNet net = runWithMember3Slow(new MiniNet(4, 0, 4 * MiniNet.DELAY_NS));
        final List<FinalizedBlock> chain = net.delivered.get(0);
        // Member 3's votes are 10 hops late: no longer "active in the last view", so most views send Finalize
        // at once or when the grace runs out, and finalize on the slow path (the rest fast or through a child).
        assertTrue(chain.stream().filter(b -> b.path() == FinalizationPath.SLOW).count() > chain.size() / 3,
            "the grace runs out and Finalize votes make the slow path: " + paths(chain));
        assertTrue(finalizeVotes(net, 0) > chain.size() / 3, "sent: " + finalizeVotes(net, 0) + " " + paths(chain));
    }

    @Test
    void withAGraceACrashedMemberDoesNotDelayEveryBlock()
    {
        final long grace = 2 * MS; // long against the 50 µs hops: paying it per block would show at once
        final int[] finalized = new int[2];
        int k = 0;
        for (final MiniNet net : new MiniNet[] {new MiniNet(4, 0), new MiniNet(4, 0, grace)})
        {
            net.start();
            net.pending(10);
            net.runUntil(2 * MS);
            net.down[3] = true;
            net.runUntil(40 * MS); // past its first timeout as leader; it is skipped from then on
            final int before = net.delivered.get(0).size();
            net.runUntil(70 * MS);
            assertAgreement(net);
            finalized[k++] = net.delivered.get(0).size() - before;
        }
        // Member 3 is no longer active, so the fast path cannot form and Finalize goes out at once. Paying
        // the grace per block would allow at most 15 blocks in these 30 ms.
        assertTrue(finalized[0] > 40, "without a grace: " + finalized[0]);
        assertTrue(finalized[1] >= finalized[0] * 8 / 10, "with a 2 ms grace: " + finalized[1] + " against " + finalized[0]);
    }

    @Test
    void aFollowerThatHasNotNotarizedJoinsOncePeersWithFPlusOneStakeNullified()
    {
        // R6e: n = 4, f = 1. Member 1 follows leader 0 in view 1, which has proposed nothing.
        final MiniNet net = new MiniNet(4, 0);
        final ConsensusCore core = new ConsensusCore(net.params, 1, net.keys[1]::sign, RecoveredState.GENESIS);
        final List<Command> out = new ArrayList<>();
        core.on(new Input.Start(0), out::add);
        assertEquals(1, core.view());
        out.clear();

        core.on(new Input.MessageReceived(1_000, nullify(net, 2, 1)), out::add);
        assertTrue(ownNullifies(out).isEmpty(), "one nullify (f) is not enough: " + out);

        core.on(new Input.MessageReceived(2_000, nullify(net, 3, 1)), out::add);
        final List<Command.PersistThenBroadcast> joined = ownNullifies(out);
        assertEquals(1, joined.size(), "f + 1 nullifies: the follower joins at once, not at its deadline: " + out);
        assertEquals(NullifyReason.JOIN, joined.get(0).record().reason());
        assertEquals(1, ((Vote)joined.get(0).message()).view());

        out.clear();
        core.on(new Input.MessageReceived(3_000, nullify(net, 0, 1)), out::add);
        assertTrue(ownNullifies(out).isEmpty(), "one nullify per view: " + out);
        assertEquals(2, core.view(), "its own vote made the quorum: the nullification moved it on");
    }

    private static Vote nullify(final MiniNet net, final int signer, final long view)
    {
        final byte[] digest = net.params.domain().voteDigest(MessageKind.NULLIFY, view, Hash32.ZERO.bytes());
        return new Vote(MessageKind.NULLIFY, signer, view, Hash32.ZERO, net.keys[signer].sign(digest));
    }

    private static List<Command.PersistThenBroadcast> ownNullifies(final List<Command> commands)
    {
        final List<Command.PersistThenBroadcast> out = new ArrayList<>();
        for (final Command c : commands)
        {
            if (c instanceof Command.PersistThenBroadcast p && p.message() instanceof Vote v && v.kind() == MessageKind.NULLIFY)
            {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void crashedLeaderCostsOneTimeoutThenIsSkipped()
    {
        final MiniNet net = new MiniNet(4, 0);
        net.start();
        net.pending(10);
        net.runUntil(2 * MS);
        final int before = net.delivered.get(0).size();
        net.down[1] = true;
        net.runUntil(200 * MS);
        assertAgreement(net);
        final List<FinalizedBlock> chain = net.delivered.get(0);
        assertTrue(chain.size() > before + 100, "kept finalizing: " + before + " -> " + chain.size());
        assertTrue(net.cores[0].status().counters().timeouts() >= 1);
        assertTrue(net.cores[0].status().counters().viewsSkipped() >= 1, "demoted leader skipped");
        assertTrue(net.cores[0].status().members().get(1).demoted());
    }

    @Test
    void aRestartedMemberShowsItsFinalizedHeadToAPeerThatAsks()
    {
        final MiniNet net = new MiniNet(4, 0);
        net.start();
        net.pending(10);
        net.runUntil(2 * MS);
        final List<FinalizedBlock> chain = net.delivered.get(0);
        FinalizedBlock head = chain.get(chain.size() - 1);
        for (int i = chain.size() - 1; head.path() == FinalizationPath.INDIRECT; i--)
        {
            head = chain.get(i - 1); // the head of a restart is a block finalized by its own certificate
        }
        final dev.seqnet.consensus.message.CertificateRequest ask =
            new dev.seqnet.consensus.message.CertificateRequest(2, head.view(), head.view());
        for (final boolean withCertificate : new boolean[] {false, true})
        {
            final RecoveredState state = new RecoveredState(head.height(), head.view(), head.blockHash(), List.of(), List.of(),
                withCertificate ? head.certificate() : null);
            final ConsensusCore core = new ConsensusCore(net.params, 0, net.keys[0]::sign, state);
            final List<Command> out = new ArrayList<>();
            core.on(new Input.Start(3 * MS), out::add);
            out.clear();
            core.on(new Input.MessageReceived(3 * MS + 1, ask), out::add);
            final FinalizedBlock h = head;
            final boolean answered = out.stream().anyMatch(c -> c instanceof Command.Send s && s.member() == 2 &&
                s.message() == h.certificate());
            assertEquals(withCertificate, answered, "restarted " + (withCertificate ? "with" : "without") +
                " its head's certificate: " + out);
        }
    }

    @Test
    void restartedMemberNeverSignsConflictingVotesAndRejoins()
    {
        final MiniNet net = new MiniNet(4, 0);
        net.start();
        net.pending(10);
        net.runUntil(3 * MS);
        net.down[2] = true;
        net.runUntil(5 * MS);
        net.restart(2);
        net.runUntil(30 * MS);
        assertAgreement(net);
        assertNoDoubleSign(net.journals.get(2));
        assertTrue(net.delivered.get(2).size() > 20);
    }

    @Test
    void aPartitionThatHealsResumesFinalization()
    {
        final MiniNet net = new MiniNet(4, 0);
        net.start();
        net.pending(10);
        net.runUntil(2 * MS);
        net.cut = (from, to) -> (from < 2) != (to < 2);
        net.runUntil(50 * MS);
        final int during = net.delivered.get(0).size();
        net.cut = (from, to) -> false;
        net.runUntil(300 * MS);
        assertAgreement(net);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(net.delivered.get(i).size() > during + 10, "member " + i + " resumed: " + net.delivered.get(i).size());
        }
    }

    @Test
    void certificatesAreRelayedOnlyToMembersThatLackThem()
    {
        // Past T_base / 4, so R10's relay checks run: every member has voted in later views, so none is sent.
        final MiniNet needed = new MiniNet(4, 0).runLoaded(30 * MS);
        assertAgreement(needed);
        assertTrue(needed.delivered.get(0).size() > 100, "finalized " + needed.delivered.get(0).size());
        assertEquals(0, needed.certificateFrames, "no certificate sent on the happy path");
        for (int i = 0; i < 4; i++)
        {
            assertEquals(0, needed.cores[i].status().counters().certificatesRelayed());
            assertEquals(0, needed.cores[i].status().counters().finalizationRequests());
        }

        // relay_certificates = all: each member broadcasts every certificate it forms, n - 1 copies each.
        final MiniNet all = new MiniNet(4, 0);
        all.params.relayAllCertificates(true);
        all.runLoaded(30 * MS);
        assertAgreement(all);
        assertTrue(all.certificateFrames > 2 * 3 * all.delivered.get(0).size(),
            all.certificateFrames + " frames for " + all.delivered.get(0).size() + " blocks");
    }

    @Test
    void aNextLeaderThatMissedAProposalIsSentTheCertificateAndProposesInItsView()
    {
        final MiniNet net = new MiniNet(4, 0);
        final LeaderSchedule schedule = net.params.members().schedule();
        final long w = 8;
        final int next = schedule.leader(w + 1);
        // A faulty leader of w keeps its proposal (once: a later fetch of the block gets through) and its votes of w
        // from the leader of w + 1. That member cannot vote in w, and of the others' votes it holds two Notarize and
        // two Finalize, one short of Q each. The other three notarize w and move on. Only a relayed certificate brings
        // the next leader into w + 1 before its view times out at the others; without one, w + 1 is nullified and
        // it never proposes there.
        final int faulty = schedule.leader(w);
        final java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
        net.lose = (from, to, m) -> to == next && from == faulty &&
            (m instanceof Vote v && v.view() == w || m instanceof Proposal p && p.view() == w && !lost.getAndSet(true));
        net.runLoaded(60 * MS);
        assertAgreement(net);
        assertTrue(net.journals.get(next).stream().anyMatch(v -> v.view() == w + 1 && v.kind() == MessageKind.PROPOSAL),
            "member " + next + " proposed in view " + (w + 1));
        for (int i = 0; i < 4; i++)
        {
            assertTrue(net.delivered.get(i).stream().anyMatch(b -> b.view() == w + 1), "member " + i + " finalized view " + (w + 1));
        }
        final long relayed = java.util.stream.IntStream.range(0, 4)
            .mapToLong(i -> net.cores[i].status().counters().certificatesRelayed()).sum();
        // While the network waits for the next leader, nobody has shown it holds w's certificate (nobody votes in w + 1
        // yet), so each member that formed it sends it to each other member: a stall costs n - 1 copies each, T_base / 4 late.
        assertTrue(relayed >= 3, "relayed " + relayed);
    }

    @Test
    void aMemberAFaultyMemberKeepsOffTheFastPathAsksForTheFinalization()
    {
        // With R8's grace, member 3 reaches member 0 only (a faulty member, or a link fault): member 0 completes the
        // fast path with member 3's Notarize and sends no Finalize; members 1 and 2 cannot (to them member 3 is not
        // active, so they send their Finalize at once) and stay one short of Q. Nobody broadcasts finalizations any
        // more, so without asking (R11 c) members 1 and 2 would never finalize anything.
        final MiniNet net = new MiniNet(4, 0, 500_000);
        net.lose = (from, to, m) -> from == 3 && to != 0;
        net.runLoaded(100 * MS);
        assertAgreement(net);
        final int lead = net.delivered.get(0).size();
        assertTrue(lead > 50, "finalized " + lead);
        for (final int i : new int[] {1, 2})
        {
            // One request for the views missing so far every T_base / 4 (5 ms) while a finalization is missing.
            final long asked = net.cores[i].status().counters().finalizationRequests();
            assertTrue(asked >= 5 && asked <= 100 / 5 + 1, "member " + i + " asked " + asked + " times in 100 ms");
            assertTrue(net.delivered.get(i).size() >= lead * 8 / 10, "member " + i + " finalized " + net.delivered.get(i).size() +
                " of " + lead);
        }
        assertEquals(0, net.cores[0].status().counters().finalizationRequests(), "member 0 finalizes by itself");

        final MiniNet honest = new MiniNet(4, 0, 500_000).runLoaded(60 * MS);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(0, honest.cores[i].status().counters().finalizationRequests(), "member " + i + " on the happy path");
        }
    }

    static void assertAgreement(final MiniNet net)
    {
        for (int i = 0; i < net.n; i++)
        {
            final List<FinalizedBlock> a = net.delivered.get(i);
            for (int k = 0; k < a.size(); k++)
            {
                assertEquals(k + 1, a.get(k).height(), "member " + i + " heights contiguous");
            }
            for (int j = 0; j < net.n; j++)
            {
                final List<FinalizedBlock> b = net.delivered.get(j);
                for (int k = 0; k < Math.min(a.size(), b.size()); k++)
                {
                    assertEquals(a.get(k).blockHash(), b.get(k).blockHash(), "height " + (k + 1) + " members " + i + "/" + j);
                }
            }
        }
    }

    static void assertNoDoubleSign(final List<OwnVote> journal)
    {
        final Set<String> seen = new HashSet<>();
        for (final OwnVote v : journal)
        {
            if (v.kind() == MessageKind.NOTARIZE || v.kind() == MessageKind.FINALIZE || v.kind() == MessageKind.PROPOSAL)
            {
                final String key = v.kind() + ":" + v.view();
                final String prev = seen.stream().filter(s -> s.startsWith(key + ":")).findFirst().orElse(null);
                assertTrue(prev == null || prev.equals(key + ":" + v.blockHash()), "double " + key);
                seen.add(key + ":" + v.blockHash());
            }
        }
        for (final OwnVote v : journal)
        {
            if (v.kind() == MessageKind.NULLIFY)
            {
                assertFalse(seen.stream().anyMatch(s -> s.startsWith(MessageKind.FINALIZE + ":" + v.view() + ":")),
                    "nullify and finalize in view " + v.view());
            }
        }
        assertTrue(Hash32.ZERO.isZero());
    }
}
