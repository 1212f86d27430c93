package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqnet.node.cli.RpcClient;

/**
 * How the blocks finalized during a bench window were finalized, as one member counted them: the
 * difference of its {@code seq_status} counters {@code blocks.fastFinalized}, {@code blocks.slowFinalized}
 * and {@code blocks.indirect} between {@link #markStart()} and {@link #markEnd()}. Gives the bench its
 * fast-path share, the member's peer signature checks per finalized block ({@code sig.checked},
 * {@code sig.skipped}), the main CPU cost of a block, and its view timeouts and nullified views, which
 * put a view timeout into the latency of every transaction that waited in such a view.
 */
final class FinalityPaths
{
    private static final String[] COUNTERS =
        {"blocks.fastFinalized", "blocks.slowFinalized", "blocks.indirect", "sig.checked", "sig.skipped", "timeouts", "views.nullified"};

    private final RpcClient client;
    private volatile long[] start;
    private volatile long[] end;
    private volatile String failure;

    FinalityPaths(final RpcClient client)
    {
        this.client = client;
    }

    /** Reads the counters at the start of the measured window. */
    void markStart()
    {
        start = read();
        end = null;
    }

    /** Reads the counters at the end of the window. */
    void markEnd()
    {
        end = read();
    }

    /** Blocks finalized on the fast path in the window. */
    long fast()
    {
        return delta(0);
    }

    /** Blocks finalized by 2f+1 finalize votes in the window. */
    long slow()
    {
        return delta(1);
    }

    /** Blocks finalized because a descendant was (indirectly) in the window. */
    long indirect()
    {
        return delta(2);
    }

    /** Peer signatures the member checked with libsecp256k1 in the window. */
    long signaturesChecked()
    {
        return delta(3);
    }

    /** Peer signatures the member accepted without a check (checked before, or its own) in the window. */
    long signaturesSkipped()
    {
        return delta(4);
    }

    /** Views whose timer fired at the member in the window (R6a/R6b: a leader too slow or silent). */
    long timeouts()
    {
        return delta(5);
    }

    /** Views the member saw nullified in the window (their transactions wait for a later view). */
    long nullified()
    {
        return delta(6);
    }

    /** Blocks finalized in the window, by any path. */
    long blocks()
    {
        return fast() + slow() + indirect();
    }

    /** fast / all, or NaN when no block was counted (or a read failed). */
    double fastShare()
    {
        final long all = fast() + slow() + indirect();
        return all <= 0 ? Double.NaN : (double)fast() / all;
    }

    /** Why the counters could not be read, or null. */
    String failure()
    {
        return failure;
    }

    private long delta(final int i)
    {
        final long[] s = start;
        final long[] e = end;
        return s == null || e == null ? 0 : e[i] - s[i];
    }

    private long[] read()
    {
        try
        {
            final JsonNode counters = client.call("seq_status").path("counters");
            final long[] values = new long[COUNTERS.length];
            for (int i = 0; i < COUNTERS.length; i++)
            {
                final JsonNode v = counters.get(COUNTERS[i]);
                if (v == null || !v.canConvertToLong())
                {
                    failure = "seq_status has no counter " + COUNTERS[i];
                    return null;
                }
                values[i] = v.asLong();
            }
            return values;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            failure = "interrupted while reading seq_status";
            return null;
        }
        catch (final Exception e)
        {
            failure = "seq_status: " + e.getMessage();
            return null;
        }
    }
}
