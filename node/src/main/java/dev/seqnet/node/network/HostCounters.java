package dev.seqnet.node.network;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the host (not the core) is doing about data it lacks: block sync, blocks finalized but not yet
 * deliverable, requests for missing blocks and transactions, verifications that waited in vain. These
 * are the signs of a member that falls behind its peers, which the core's counters do not show
 * (its finalized height moves on while the chain it executes does not).
 * <p>
 * One writer (the sequencer thread) with ordered stores, any number of readers (RPC threads); no
 * allocation on the writer's side.
 */
final class HostCounters
{
    /** Counter and gauge names, as {@code seq_status} reports them (docs/RPC.md). */
    enum Name
    {
        SYNC_REQUESTS("host.sync.requests"),
        SYNC_BLOCKS("host.sync.blocks"),
        SYNC_ACTIVE("host.sync.active"),
        DELIVER_WAITING("host.deliver.waiting"),
        DELIVER_STALLS("host.deliver.stalls"),
        BLOCK_REQUESTS("host.blockRequests"),
        TX_REQUESTS("host.txRequests"),
        VERIFY_UNAVAILABLE("host.verify.unavailable");

        final String key;

        Name(final String key)
        {
            this.key = key;
        }
    }

    private static final Name[] NAMES = Name.values();

    private final AtomicLongArray values = new AtomicLongArray(NAMES.length);

    void increment(final Name name)
    {
        add(name, 1);
    }

    void add(final Name name, final long delta)
    {
        final int i = name.ordinal();
        values.lazySet(i, values.get(i) + delta);
    }

    void set(final Name name, final long value)
    {
        values.lazySet(name.ordinal(), value);
    }

    long get(final Name name)
    {
        return values.get(name.ordinal());
    }

    /** Every counter by its {@code seq_status} name, in declaration order. */
    Map<String, Long> snapshot()
    {
        final Map<String, Long> out = new LinkedHashMap<>();
        for (final Name n : NAMES)
        {
            out.put(n.key, values.get(n.ordinal()));
        }
        return out;
    }
}
