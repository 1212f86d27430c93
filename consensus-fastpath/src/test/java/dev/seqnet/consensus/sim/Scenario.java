package dev.seqnet.consensus.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What one seed runs: network parameters, faults in the chaos phase (partitions, one-way links,
 * crashes with their crash points, a member left down) and the member strategies. Drawn from the
 * seed alone, so a seed names its whole run. Safe scenarios keep Byzantine members ≤ f.
 */
final class Scenario
{
    final String name;
    final long chaosNs;
    final long medianNs;
    final double sigma;
    final long maxDelayNs;
    final double loss;
    final double duplicate;
    final int partitions;
    final int oneWays;
    final int crashes;
    final int leaveDown;
    final Strategy[] strategies;
    final long txIntervalNs;
    final boolean liveness;

    private Scenario(
        final String name, final long chaosNs, final long medianNs, final double sigma, final long maxDelayNs,
        final double loss, final double duplicate, final int partitions, final int oneWays, final int crashes,
        final int leaveDown, final Strategy[] strategies, final long txIntervalNs, final boolean liveness)
    {
        this.name = name;
        this.chaosNs = chaosNs;
        this.medianNs = medianNs;
        this.sigma = sigma;
        this.maxDelayNs = maxDelayNs;
        this.loss = loss;
        this.duplicate = duplicate;
        this.partitions = partitions;
        this.oneWays = oneWays;
        this.crashes = crashes;
        this.leaveDown = leaveDown;
        this.strategies = strategies;
        this.txIntervalNs = txIntervalNs;
        this.liveness = liveness;
    }

    /** The scenario kinds, chosen by {@code seed mod} their count. */
    static final String[] KINDS = {
        "happy", "lossy", "crashes", "equivocate", "double-vote", "nuller", "invalid", "silent-withhold", "twins", "spam"};

    static Scenario forSeed(final long seed, final int n, final long chaosScale)
    {
        final SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        final int kind = (int)Math.floorMod(seed, (long)KINDS.length);
        final Strategy[] strategies = new Strategy[n];
        Arrays.fill(strategies, Strategy.HONEST);
        final int byz = r.nextInt(n);
        final long maxDelay = 3_000_000L;
        final long median = 150_000L + r.nextLong(600_000L);
        final double sigma = 0.3 + r.nextDouble() * 0.7;
        final boolean rough = kind == 1 || kind == 2 || r.nextInt(3) == 0;
        double loss = rough ? r.nextDouble() * 0.12 : 0;
        final double dup = r.nextDouble() * (rough ? 0.1 : 0.02);
        int partitions = rough ? r.nextInt(3) : 0;
        int oneWays = rough ? r.nextInt(3) : 0;
        int crashes = 0;
        int leaveDown = -1;
        switch (kind)
        {
            case 0:
                loss = 0;
                partitions = 0;
                oneWays = 0;
                break;
            case 2:
                crashes = 1 + r.nextInt(4);
                if (r.nextInt(3) == 0)
                {
                    leaveDown = r.nextInt(n);
                }
                break;
            case 3:
                strategies[byz] = Strategy.EQUIVOCATE;
                break;
            case 4:
                strategies[byz] = Strategy.DOUBLE_VOTE;
                break;
            case 5:
                strategies[byz] = Strategy.NULLER;
                break;
            case 6:
                strategies[byz] = Strategy.INVALID;
                break;
            case 7:
                strategies[byz] = r.nextBoolean() ? Strategy.SILENT : Strategy.WITHHOLD;
                break;
            case 8:
                strategies[byz] = Strategy.TWIN;
                break;
            case 9:
                strategies[byz] = Strategy.SPAMMER;
                crashes = r.nextInt(3);
                break;
            default:
                break;
        }
        // chaosScale is a percentage: 100 gives 30–80 ms of faults before the heal.
        final long chaos = (30 + r.nextInt(50)) * 1_000_000L * chaosScale / 100;
        final long txInterval = 400_000L + r.nextLong(2_000_000L);
        return new Scenario(KINDS[kind], chaos, median, sigma, maxDelay, loss, dup, partitions,
            oneWays, crashes, leaveDown, strategies, txInterval, true);
    }

    /** More than f Byzantine members: {@code f + 1} Twins. Safety may break; used to show the simulator can fail. */
    static Scenario overThreshold(final long seed, final int n, final long f)
    {
        final SplittableRandom r = new SplittableRandom(seed * 31 + 5);
        final Strategy[] strategies = new Strategy[n];
        Arrays.fill(strategies, Strategy.HONEST);
        for (int i = 0; i <= f; i++)
        {
            strategies[i] = Strategy.TWIN;
        }
        return new Scenario("over-threshold-twins", 40_000_000L, 150_000L + r.nextLong(400_000L), 0.5, 3_000_000L,
            0, 0, 0, 0, 0, -1, strategies, 1_000_000L, false);
    }

    int byzantineCount()
    {
        int c = 0;
        for (final Strategy s : strategies)
        {
            c += s == Strategy.HONEST ? 0 : 1;
        }
        return c;
    }

    @Override
    public String toString()
    {
        return name + " chaos=" + chaosNs / 1_000_000 + "ms median=" + medianNs / 1000 + "us sigma=" +
            String.format("%.2f", sigma) + " loss=" + String.format("%.3f", loss) + " dup=" +
            String.format("%.3f", duplicate) + " partitions=" + partitions + " oneWays=" + oneWays + " crashes=" +
            crashes + " leaveDown=" + leaveDown + " strategies=" + Arrays.toString(strategies);
    }
}
