package dev.seqnet.baseline.raft;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a local cluster's members listen: every member gets {@link #PORTS_PER_MEMBER} consecutive UDP
 * ports on 127.0.0.1 from a base port, and every channel is built here with the same small term
 * length, so the launcher, its client and each member process derive identical endpoints from
 * (members, base port, term length) alone.
 */
public final class ClusterLayout
{
    /** Loopback only: real UDP through the kernel, as between machines, without leaving the host. */
    public static final String HOST = "127.0.0.1";
    public static final int PORTS_PER_MEMBER = 10;
    static final int INGRESS = 0;
    static final int CONSENSUS = 1;
    static final int LOG = 2;
    static final int CATCHUP = 3;
    static final int ARCHIVE_CONTROL = 4;
    /** Consensus and archive-control messages are small and few: the minimum term is plenty. */
    static final int CONTROL_TERM_LENGTH = 64 * 1024;
    /** Below Linux's ephemeral range (32768+), where the egress and replication channels' port 0 binds land. */
    private static final int LOWEST_BASE = 10_000;
    private static final int HIGHEST_BASE = 32_000;

    private final int members;
    private final int basePort;
    private final int termLength;

    /**
     * @param termLength term buffer length of the ingress, egress and log streams (a power of two, 64 KiB–1 GiB).
     */
    public ClusterLayout(final int members, final int basePort, final int termLength)
    {
        if (members < 1)
        {
            throw new IllegalArgumentException("members must be at least 1: " + members);
        }
        if (basePort < 1024 || basePort + members * PORTS_PER_MEMBER > 65_535)
        {
            throw new IllegalArgumentException("base port " + basePort + " leaves no room for " + members + " members");
        }
        if (termLength < 64 * 1024 || Integer.bitCount(termLength) != 1)
        {
            throw new IllegalArgumentException("term length must be a power of two of at least 64 KiB: " + termLength);
        }
        this.members = members;
        this.basePort = basePort;
        this.termLength = termLength;
    }

    public int members()
    {
        return members;
    }

    public int basePort()
    {
        return basePort;
    }

    public int termLength()
    {
        return termLength;
    }

    int port(final int member, final int offset)
    {
        return basePort + member * PORTS_PER_MEMBER + offset;
    }

    private String endpoint(final int member, final int offset)
    {
        return HOST + ":" + port(member, offset);
    }

    /** {@code id,ingress,consensus,log,catchup,archive|…}: the static membership every consensus module is given. */
    String clusterMembers()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < members; i++)
        {
            if (i > 0)
            {
                sb.append('|');
            }
            sb.append(i)
                .append(',').append(endpoint(i, INGRESS))
                .append(',').append(endpoint(i, CONSENSUS))
                .append(',').append(endpoint(i, LOG))
                .append(',').append(endpoint(i, CATCHUP))
                .append(',').append(endpoint(i, ARCHIVE_CONTROL));
        }
        return sb.toString();
    }

    /** {@code 0=host:port,1=…}: where a client looks for the leader's ingress. */
    String ingressEndpoints()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < members; i++)
        {
            sb.append(i == 0 ? "" : ",").append(i).append('=').append(endpoint(i, INGRESS));
        }
        return sb.toString();
    }

    /** Client → leader; the endpoint comes from {@link #ingressEndpoints()}, the term length from the publisher. */
    String ingressChannel()
    {
        return "aeron:udp?term-length=" + termLength;
    }

    /** Leader → client; port 0 is resolved by the client and sent to the cluster when the session opens. */
    String egressChannel()
    {
        return "aeron:udp?endpoint=" + HOST + ":0|term-length=" + termLength;
    }

    /** Leader → followers, replicated log (the leader adds each follower's log endpoint as a destination). */
    String logChannel()
    {
        return "aeron:udp?term-length=" + termLength;
    }

    String consensusChannel()
    {
        return "aeron:udp?term-length=" + CONTROL_TERM_LENGTH;
    }

    String replicationChannel()
    {
        return "aeron:udp?endpoint=" + HOST + ":0";
    }

    String archiveControlChannel(final int member)
    {
        return "aeron:udp?endpoint=" + endpoint(member, ARCHIVE_CONTROL) + "|term-length=" + CONTROL_TERM_LENGTH;
    }

    /**
     * A base port below the ephemeral range whose whole block of {@code members × PORTS_PER_MEMBER} UDP
     * ports could be bound on 127.0.0.1 just now (another process may still take one before the members
     * do; a member then fails to start and says so).
     */
    public static int freeBasePort(final int members) throws IOException
    {
        final int span = members * PORTS_PER_MEMBER;
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int base = LOWEST_BASE + random.nextInt((HIGHEST_BASE - LOWEST_BASE - span) / PORTS_PER_MEMBER) * PORTS_PER_MEMBER;
            if (allFree(base, span))
            {
                return base;
            }
        }
        throw new IOException("no block of " + span + " free UDP ports found on " + HOST);
    }

    private static boolean allFree(final int base, final int span)
    {
        for (int port = base; port < base + span; port++)
        {
            try (DatagramSocket socket = new DatagramSocket(null))
            {
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            }
            catch (final IOException e)
            {
                return false;
            }
        }
        return true;
    }
}
