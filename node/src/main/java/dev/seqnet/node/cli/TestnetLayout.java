package dev.seqnet.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;
import dev.seqnet.node.config.NodeConfig;
import dev.seqnet.transport.LoopbackPorts;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory of a local network ({@code sequencer init --nodes N}, {@code sequencer testnet}):
 * {@code genesis.json} with N equal-stake members, and {@code member-I/} with each member's key and
 * {@code node.json}. Members get distinct RPC ports and, when N > 1, distinct transport endpoints
 * and a multicast group of their own on the loopback interface, all found free at creation.
 * {@code sequencer bench --nodes N} lays out its embedded network with the same {@link #create}.
 */
public final class TestnetLayout
{
    /** Most members a local network may have. */
    static final int MAX_NODES = 16;

    /** The multicast group of local networks (an odd last octet: Aeron uses the next address for control). */
    static final String MULTICAST_GROUP = "239.255.0.1";

    static final String LOOPBACK = "127.0.0.1";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestnetLayout()
    {
    }

    /** {@code D/genesis.json}. */
    static Path genesisPath(final Path dir)
    {
        return dir.resolve("genesis.json");
    }

    /** {@code D/member-I/node.json}. */
    static Path configPath(final Path dir, final int member)
    {
        return dir.resolve("member-" + member).resolve("node.json");
    }

    /** {@code D/testnet.json}. */
    static Path testnetJson(final Path dir)
    {
        return dir.resolve("testnet.json");
    }

    /** Null when {@code nodes} is allowed, else why not. */
    static String checkNodes(final int nodes)
    {
        return nodes < 1 || nodes > MAX_NODES ? "--nodes must be in [1, " + MAX_NODES + "], got " + nodes : null;
    }

    /**
     * Creates keys, genesis and member configs for a new network.
     *
     * @param fund     extra genesis balances as {@code ADDRESS=WEI} (the dev accounts are always funded).
     * @param basePort RPC port of member 0 (member i uses basePort + i), or 0 to find free ports.
     * @return each member's node.json, by index.
     * @throws IllegalArgumentException if {@code dir} already holds a genesis.
     */
    public static List<Path> create(
        final Path dir, final int nodes, final long chainId, final List<String> fund, final int basePort)
        throws IOException
    {
        if (Files.exists(genesisPath(dir)))
        {
            throw new IllegalArgumentException(genesisPath(dir) + " exists; refusing to overwrite");
        }
        Files.createDirectories(dir);
        final List<KeyFile> keys = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            keys.add(KeyFile.generate());
        }
        Testnets.genesis(chainId, keys, fund).save(genesisPath(dir));

        final int[] rpcPorts = basePort > 0 ? consecutive(basePort, nodes) : freeTcpPorts(nodes);
        // One UDP port per member endpoint, and one for the group: two local networks never share one.
        final int[] udpPorts = nodes > 1 ? LoopbackPorts.freeUdpPorts(nodes + 1) : new int[0];
        final List<Path> configs = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            final Path memberDir = dir.resolve("member-" + i);
            keys.get(i).save(memberDir.resolve("key.json"));
            final NodeConfig config = new NodeConfig();
            config.genesisFile = "../genesis.json";
            config.rpc.port = rpcPorts[i];
            if (nodes > 1)
            {
                config.transport.mode = "multicast";
                config.transport.multicastEndpoint = MULTICAST_GROUP + ":" + udpPorts[nodes];
                config.transport.multicastInterface = LOOPBACK;
                config.transport.endpoint = LOOPBACK + ":" + udpPorts[i];
                // Every member of a local network shares this host's cores: a recovery thread per member only
                // adds a hand-off per message (docs/PERFORMANCE.md, "Inline recovery").
                config.ingress.inlineRecovery = true;
                // ... and a sequencer thread of its own adds one more: the transport thread runs the stage too.
                config.ingress.sequencerOnTransport = true;
                for (int j = 0; j < nodes; j++)
                {
                    if (j != i)
                    {
                        config.transport.peers.put(j, LOOPBACK + ":" + udpPorts[j]);
                    }
                }
            }
            config.validate();
            config.save(configPath(dir, i));
            configs.add(configPath(dir, i));
        }
        return configs;
    }

    /**
     * The configs of the network already in {@code dir}.
     *
     * @throws IllegalArgumentException if it has another number of members, or a member's config is missing.
     */
    static List<Path> existing(final Path dir, final int nodes) throws IOException
    {
        final Genesis genesis = Genesis.load(genesisPath(dir));
        if (genesis.members.size() != nodes)
        {
            throw new IllegalArgumentException(dir + " holds a " + genesis.members.size() +
                "-member network; use another --dir for " + nodes);
        }
        final List<Path> configs = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            if (!Files.exists(configPath(dir, i)))
            {
                throw new IllegalArgumentException(configPath(dir, i) + " is missing");
            }
            configs.add(configPath(dir, i));
        }
        return configs;
    }

    /** The member's HTTP JSON-RPC URL, from its config. */
    static String rpcUrl(final Path config) throws IOException
    {
        final NodeConfig c = NodeConfig.load(config);
        return "http://" + c.rpc.host + ":" + c.rpc.port;
    }

    /** One started member, as {@code testnet.json} lists it. */
    record Entry(int index, String rpc, long pid, Path config)
    {
    }

    /** Writes {@code D/testnet.json} as {@code {"members": [{"index", "rpc", "pid", "config"}]}}. */
    static void writeTestnetJson(final Path dir, final List<Entry> entries) throws IOException
    {
        final ObjectNode root = MAPPER.createObjectNode();
        final ArrayNode members = root.putArray("members");
        for (final Entry e : entries)
        {
            final ObjectNode m = members.addObject();
            m.put("index", e.index());
            m.put("rpc", e.rpc());
            m.put("pid", e.pid());
            m.put("config", e.config().toAbsolutePath().toString());
        }
        Files.writeString(testnetJson(dir), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    private static int[] consecutive(final int base, final int count)
    {
        if (base + count - 1 > 65535)
        {
            throw new IllegalArgumentException("--base-port " + base + " leaves no room for " + count + " members");
        }
        final int[] ports = new int[count];
        for (int i = 0; i < count; i++)
        {
            ports[i] = base + i;
        }
        return ports;
    }

    /**
     * {@code count} distinct TCP ports on loopback that were free a moment ago (held together while
     * chosen, so they differ; another process could still take one before the member binds it).
     */
    static int[] freeTcpPorts(final int count) throws IOException
    {
        final ServerSocket[] sockets = new ServerSocket[count];
        try
        {
            final int[] ports = new int[count];
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new ServerSocket();
                sockets[i].bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        }
        finally
        {
            for (final ServerSocket s : sockets)
            {
                if (s != null)
                {
                    s.close();
                }
            }
        }
    }
}
