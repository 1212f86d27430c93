package dev.seqnet.jmh.consensus;

/**
 * Prints the exact bytes each kind of input allocates inside one {@link dev.seqnet.consensus.core.ConsensusCore}
 * (see {@link FollowerHarness.Path}), after a warm-up long enough for C2, for 4 and 7 members and
 * both entries for peer votes and proposals (the messages and MessageReceived objects of {@code on},
 * and the holders' contents, are built before counting). JMH's
 * {@code -prof gc} gives bytes per benchmark operation; this splits one view into its inputs.
 * Run: {@code java -cp jmh/target/benchmarks.jar dev.seqnet.jmh.consensus.CoreAllocationProbe}.
 */
public final class CoreAllocationProbe
{
    private CoreAllocationProbe()
    {
    }

    public static void main(final String[] args)
    {
        final int warmViews = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        final int views = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        for (final boolean mutable : new boolean[] {false, true})
        {
            for (final int n : new int[] {4, 7})
            {
                probe(n, mutable, warmViews, views);
            }
        }
    }

    private static void probe(final int n, final boolean mutable, final int warmViews, final int views)
    {
        {
            final FollowerHarness h = new FollowerHarness(n, 1, mutable);
            for (int i = 0; i < warmViews; i++)
            {
                h.runView();
            }
            h.probe(true);
            for (int i = 0; i < views; i++)
            {
                h.runView();
            }
            System.out.printf("members=%d, peer messages through %s (%d views probed after %d warm-up views)%n", n,
                mutable ? "onVote(MutableVote) / onProposal(MutableProposal)" : "on(MessageReceived)", views, warmViews);
            for (final FollowerHarness.Path p : FollowerHarness.Path.values())
            {
                System.out.printf("  %-18s %10.1f B/input  (%d inputs)%n", p, h.bytesPer(p), h.count(p));
            }
        }
    }
}
