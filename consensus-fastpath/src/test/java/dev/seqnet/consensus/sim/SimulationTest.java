package dev.seqnet.consensus.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the simulator over many seeds for n = 4 (p auto = 0) and n = 7 (fast_path_slack 1), checks
 * determinism, and shows the simulator can fail with more than f Byzantine members. System
 * properties: {@code sim.seeds} (default 500 per configuration), {@code sim.seedBase} (default 1),
 * {@code sim.chaosScale} (percent, default 100), and {@code sim.seed}/{@code sim.n}/{@code sim.trace}
 * for {@link #replay()}; {@code sim.timerTickNs} (default 100 µs; 0 fires a passed deadline at once)
 * and {@code sim.secondTimestamps} (Citrea's whole-second header timestamps) to reproduce the core
 * findings that the defaults work around.
 */
class SimulationTest
{
    private static final int SEEDS = Integer.getInteger("sim.seeds", 500);
    private static final long BASE = Long.getLong("sim.seedBase", 1);
    private static final long CHAOS_SCALE = Long.getLong("sim.chaosScale", 80);

    static Simulation.Result run(final long seed, final int n, final boolean verbose)
    {
        return new Simulation(seed, n, Scenario.forSeed(seed, n, CHAOS_SCALE), verbose).run();
    }

    private static void sweep(final int n)
    {
        final long start = System.nanoTime();
        final List<Simulation.Result> failures = new ArrayList<>();
        final Map<String, long[]> byKind = new TreeMap<>();
        long steps = 0;
        long height = 0;
        long maxProgress = 0;
        long evidence = 0;
        long spam = 0;
        for (long seed = BASE; seed < BASE + SEEDS; seed++)
        {
            final Simulation.Result r = run(seed, n, false);
            steps += r.steps();
            height += r.finalizedHeight();
            maxProgress = Math.max(maxProgress, r.healToProgressNs());
            evidence += r.evidence();
            spam += r.spamDropped();
            final long[] k = byKind.computeIfAbsent(r.scenario().split(" ")[0], x -> new long[2]);
            k[0]++;
            if (!r.ok())
            {
                k[1]++;
                failures.add(r);
            }
        }
        final long ms = (System.nanoTime() - start) / 1_000_000;
        final StringBuilder summary = new StringBuilder();
        summary.append(String.format("n=%d: %d seeds from %d in %d ms (%.1f ms/seed), %d events, mean finalized height %.1f, " +
            "slowest first finalization after heal %.1f ms, %d evidence records, %d spam drops checked, failures %d%n",
            n, SEEDS, BASE, ms, (double)ms / SEEDS, steps, (double)height / SEEDS, maxProgress / 1e6, evidence, spam,
            failures.size()));
        byKind.forEach((k, v) -> summary.append("  ").append(k).append(": ").append(v[0]).append(" runs, ")
            .append(v[1]).append(" failed\n"));
        for (final Simulation.Result r : failures.subList(0, Math.min(10, failures.size())))
        {
            summary.append("FAIL seed ").append(r.seed()).append(" [").append(r.scenario()).append("]\n  ")
                .append(r.failure().replace("\n", "\n  ")).append("\n  reproduce: ")
                .append(Simulation.reproduce(r.seed(), n)).append('\n');
        }
        for (final Simulation.Result r : failures)
        {
            summary.append("  failed seed ").append(r.seed()).append(": ")
                .append(r.failure().lines().findFirst().orElse("")).append('\n');
        }
        System.out.println(summary);
        if (!failures.isEmpty())
        {
            final Simulation.Result first = failures.get(0);
            System.out.println("last trace lines of seed " + first.seed() + ":");
            first.lastTrace().stream().skip(Math.max(0, first.lastTrace().size() - 60)).forEach(System.out::println);
            fail(summary.toString());
        }
    }

    @Test
    void seedsFourMembers()
    {
        sweep(4);
    }

    @Test
    void seedsSevenMembersSlackOne()
    {
        sweep(7);
    }

    /**
     * Seeds outside the CI sweep that once failed, kept green: 102 (I8 blamed a transaction stuck behind
     * a nonce lost with the member left down), 5392 (restarted members could not show their finalized
     * head's certificate to a member one view behind; found by a 1,000-seed soak from 5001) and 5642
     * (every member that held the body of a finalized block crashed before delivering it, and no one
     * could serve it: bodies are now journaled before the Notarize on them; same soak).
     */
    @Test
    void seedsThatFoundBugs()
    {
        for (final long seed : new long[] {102, 5392, 5642})
        {
            final Simulation.Result r = run(seed, 4, false);
            assertTrue(r.ok(), () -> "seed " + seed + ": " + r.failure() + "\nreproduce: " + Simulation.reproduce(seed, 4));
        }
    }

    /** Replays one seed (default 1) with its full trace: -Dsim.seed=N -Dsim.n=4|7 [-Dsim.trace=true]. */
    @Test
    void replay()
    {
        final long seed = Long.getLong("sim.seed", 1L);
        final int n = Integer.getInteger("sim.n", 4);
        final Simulation.Result r = run(seed, n, Boolean.getBoolean("sim.trace"));
        System.out.println("seed " + seed + " n=" + n + " [" + r.scenario() + "] steps " + r.steps() + " height " +
            r.finalizedHeight() + " trace " + r.traceHash() + (r.ok() ? " OK" : "\nFAILURE " + r.failure()));
        assertTrue(r.ok(), () -> r.failure() + "\nreproduce: " + Simulation.reproduce(seed, n));
    }

    /** The same seed gives a byte-identical trace (every input, command and signature). */
    @Test
    void sameSeedSameTrace()
    {
        for (final int n : new int[] {4, 7})
        {
            for (long seed = 1; seed <= 10; seed++)
            {
                final Simulation.Result a = run(seed, n, false);
                final Simulation.Result b = run(seed, n, false);
                assertEquals(a.traceHash(), b.traceHash(), "seed " + seed + " n=" + n + " is not deterministic");
                assertEquals(a.steps(), b.steps());
                assertEquals(a.failure(), b.failure());
            }
        }
        assertTrue(!run(1, 4, false).traceHash().equals(run(2, 4, false).traceHash()), "different seeds, same trace");
    }

    /**
     * Votes and proposals fed through the allocation-free {@code ConsensusCore.onVote(MutableVote)} and
     * {@code onProposal(MutableProposal)} give exactly the trace of {@code on(MessageReceived)}: every
     * input, command, certificate, evidence and signature, over scenarios with Byzantine members
     * (equivocating leaders included), loss, crashes and partitions.
     */
    @Test
    void mutableVoteEntryGivesTheSameTraces()
    {
        int withEvidence = 0;
        for (final int n : new int[] {4, 7})
        {
            for (long seed = 1; seed <= 60; seed++)
            {
                final Scenario scenario = Scenario.forSeed(seed, n, CHAOS_SCALE);
                final Simulation.Result a = new Simulation(seed, n, scenario, false).run();
                final Simulation.Result b = new Simulation(seed, n, Scenario.forSeed(seed, n, CHAOS_SCALE), false)
                    .mutableEntries(true).run();
                assertEquals(a.traceHash(), b.traceHash(), "seed " + seed + " n=" + n + ": the two vote entries differ");
                assertEquals(a.failure(), b.failure());
                assertEquals(a.evidence(), b.evidence());
                if (a.evidence() > 0)
                {
                    withEvidence++;
                }
            }
        }
        assertTrue(withEvidence > 5, "only " + withEvidence + " seeds recorded evidence: too little was compared");
    }

    /** With f + 1 Byzantine members (Twins on split networks) the simulator must find a fork (I1). */
    @Test
    void overThresholdTwinsBreakAgreement()
    {
        final long f = SimCrypto.members(4, SimCrypto.slackOf(4)).quorums().f();
        int found = 0;
        long firstSeed = -1;
        String first = null;
        for (long seed = 1; seed <= 50 && found == 0; seed++)
        {
            final Simulation.Result r = new Simulation(seed, 4, Scenario.overThreshold(seed, 4, f), false).run();
            if (!r.ok() && r.failure().startsWith("I1"))
            {
                found++;
                firstSeed = seed;
                first = r.failure();
            }
        }
        System.out.println("over-threshold: first I1 violation at seed " + firstSeed + ": " + first);
        assertTrue(found > 0, "f + 1 Twins never broke agreement in 50 seeds: the simulator cannot fail");
    }
}
