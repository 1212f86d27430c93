package dev.seqnet.jmh.consensus;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One member's core through one whole view ({@link FollowerHarness}): a proposal or a build, the
 * verdict, n − 1 peer Notarizes (no quorum, notarization, fast finalization) and n − 1 late Finalizes.
 * No signing or verifying (a fixed signature): the core's own time and allocation per view, plus
 * the peer proposal's objects (as a decoder allocates them) and, with {@code votes=RECORD}, each
 * vote's Vote and MessageReceived.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CoreViewBenchmark
{
    @Param({"4", "7"})
    public int members;

    /**
     * RECORD: a new Vote and Input.MessageReceived per peer vote into {@code on(Input)}, as the node
     * does today; MUTABLE: one reused MutableVote into {@code onVote}.
     */
    @Param({"RECORD", "MUTABLE"})
    public String votes;

    private FollowerHarness harness;

    @Setup
    public void setup()
    {
        harness = new FollowerHarness(members, 1, "MUTABLE".equals(votes));
        for (int i = 0; i < 1_000; i++)
        {
            harness.runView();
        }
    }

    @Benchmark
    public long view()
    {
        return harness.runView();
    }
}
