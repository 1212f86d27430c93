package dev.seqnet.jmh.consensus;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Full consensus rounds of 4 or 7 {@code ConsensusCore}s on one thread over an {@link InstantNetwork}:
 * one operation is one block finalized at every member, so the time is the whole network's CPU per
 * finalized block (all members' cores, and in CRYPTO mode every signature made and checked).
 * {@code mode=CRYPTO} is the production path (libsecp256k1 signing, SBE frames, an InboundVerifier
 * per receiver checking every signature); {@code CRYPTO_SKIP_HELD} drops copies of certificates the
 * receiver already holds before checking them; {@code CRYPTO_NODE} is what the node does now (also
 * late messages dropped unchecked and signatures already checked not checked again); {@code WIRE} and
 * {@code CORE} replace the signatures by a fixed one and checks by "accept", to show the codec and
 * the core logic alone. Those two are measurement aids, not configurations the node can run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConsensusRoundBenchmark
{
    @Param({"4", "7"})
    public int members;

    @Param({"CRYPTO", "CRYPTO_SKIP_HELD", "CRYPTO_NODE", "WIRE", "CORE"})
    public InstantNetwork.Mode mode;

    /**
     * RECORD: peer votes decoded into Vote objects and fed as {@code Input.MessageReceived} (the node
     * today); MUTABLE: {@code InboundVerifier.verifyVote} into a reused MutableVote and
     * {@code ConsensusCore.onVote}.
     */
    @Param({"RECORD", "MUTABLE"})
    public String votes;

    /** R10: {@code needed} (the default) or {@code all} ({@code consensus.relay_certificates}). */
    @Param({"needed", "all"})
    public String relay;

    private InstantNetwork network;

    @Setup(Level.Trial)
    public void setup()
    {
        network = new InstantNetwork(members, mode, "MUTABLE".equals(votes), "all".equals(relay));
        for (int i = 0; i < 50; i++)
        {
            network.finalizeNext();
        }
    }

    @TearDown(Level.Trial)
    public void check()
    {
        if (network.timersFired() != 0 || network.drops() != 0)
        {
            throw new IllegalStateException("not a clean run: " + network.timersFired() + " timers fired, " +
                network.drops() + " frames dropped");
        }
        final double blocks = network.finalizedHeight();
        System.out.printf("%n%s n=%d relay=%s: per finalized block %.2f signature checks, %.2f certificate frames sent, " +
            "%.2f held certificate copies and %.2f late frames dropped unchecked%n", mode, members, relay,
            network.signatureChecks() / blocks, network.certificateFrames() / blocks, network.heldSkipped() / blocks,
            network.lateSkipped() / blocks);
    }

    /** One block finalized at every member. */
    @Benchmark
    public long finalizedBlock()
    {
        return network.finalizeNext();
    }
}
