package dev.seqnet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqnet.chain.Hex;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.node.SequencerNode;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;
import dev.seqnet.node.config.NodeConfig;
import dev.seqnet.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code init --nodes N} and {@code testnet --nodes N}: the network layout, testnet.json, and the launch path. */
class TestnetLayoutTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /** Runs a command line, returning its exit code and what it printed on stdout and stderr. */
    private static Object[] run(final String... args)
    {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try
        {
            final int exit = SequencerCli.execute(args);
            return new Object[] {exit, captured.toString(StandardCharsets.UTF_8)};
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void initLaysOutAFourMemberNetworkReadyToLaunch() throws Exception
    {
        final Object[] init = run("init", "--dir", dir.toString(), "--nodes", "4", "--chain-id", "4114");
        assertEquals(0, init[0], (String)init[1]);

        final Genesis genesis = Genesis.load(dir.resolve("genesis.json"));
        assertEquals(4114, genesis.chainId);
        assertEquals(4, genesis.members.size());
        assertEquals(0, genesis.fastPathSlack());
        // n = 4 equal stakes: f = 1, Q = 3, F = 4 (PROTOCOL.md §1.1).
        assertEquals(3, genesis.memberSet().quorums().quorum());
        assertEquals(4, genesis.memberSet().quorums().fastQuorum());

        final Set<Integer> rpcPorts = new HashSet<>();
        final Set<String> endpoints = new HashSet<>();
        final Set<String> groups = new HashSet<>();
        final byte[] digest0 = NodeConfig.load(TestnetLayout.configPath(dir, 0)).consensusParams(genesis).domain()
            .voteDigest(MessageKind.NOTARIZE, 1, new byte[32]);
        for (int i = 0; i < 4; i++)
        {
            final Path file = TestnetLayout.configPath(dir, i);
            final NodeConfig config = NodeConfig.load(file);
            assertEquals(genesis.members.get(i).publicKey,
                Hex.encode(KeyFile.load(config.keyPath()).publicKey()), "member " + i + "'s key is genesis member " + i);
            assertEquals(dir.resolve("genesis.json").toAbsolutePath().normalize(), config.genesisPath());
            rpcPorts.add(config.rpc.port);
            endpoints.add(config.transport.endpoint);
            groups.add(config.transport.multicastEndpoint);
            assertEquals("127.0.0.1", config.transport.multicastInterface);
            assertEquals(3, config.transport.peers.size());
            assertTrue(config.ingress.inlineRecovery, "members sharing one host's cores recover inline");
            assertTrue(config.ingress.sequencerOnTransport, "... and sequence on the transport thread");

            final Transport.Context ctx = config.transportContext(i, 4).conclude();
            assertEquals(Transport.Mode.MULTICAST, ctx.mode());
            assertEquals(config.transport.endpoint, ctx.memberEndpoints()[i]);
            // Every member sees the same endpoint for member j as member j itself uses.
            for (int j = 0; j < 4; j++)
            {
                assertEquals(NodeConfig.load(TestnetLayout.configPath(dir, j)).transport.endpoint, ctx.memberEndpoints()[j]);
            }
            // Same genesis file, same signing domain at every member.
            final Genesis own = Genesis.load(config.genesisPath());
            assertArrayEquals(digest0, config.consensusParams(own).domain().voteDigest(MessageKind.NOTARIZE, 1, new byte[32]));
        }
        assertEquals(4, rpcPorts.size(), "distinct RPC ports");
        assertEquals(4, endpoints.size(), "distinct transport endpoints");
        assertEquals(1, groups.size(), "one multicast group");
        assertTrue(groups.iterator().next().startsWith(TestnetLayout.MULTICAST_GROUP + ":"));

        final Object[] again = run("init", "--dir", dir.toString(), "--nodes", "4");
        assertEquals(2, again[0], "an existing network is not overwritten");
    }

    @Test
    void nodesOutsideOneToSixteenAreRefused()
    {
        for (final String n : List.of("0", "17"))
        {
            assertEquals(2, run("init", "--dir", dir.resolve("i" + n).toString(), "--nodes", n)[0]);
            assertEquals(2, run("testnet", "--dir", dir.resolve("t" + n).toString(), "--nodes", n)[0]);
            assertFalse(Files.exists(dir.resolve("i" + n).resolve("genesis.json")));
        }
        assertEquals(0, run("init", "--dir", dir.resolve("sixteen").toString(), "--nodes", "16")[0]);
    }

    @Test
    void fixedBasePortsAreConsecutive() throws Exception
    {
        assertEquals(0, run("init", "--dir", dir.toString(), "--nodes", "3", "--rpc-port", "18545")[0]);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(18545 + i, NodeConfig.load(TestnetLayout.configPath(dir, i)).rpc.port);
        }
    }

    @Test
    void aOneMemberTestnetRunsAndPrintsFinalizedBlocksWithLatency() throws Exception
    {
        final Object[] result = run("testnet", "--nodes", "1", "--dir", dir.toString(), "--duration", "4", "--load", "20");
        final String out = (String)result[1];
        assertEquals(0, result[0], out);
        assertTrue(out.contains("created a 1-member testnet"), out);
        assertTrue(out.contains("finalized block"), out);
        assertTrue(out.contains("submit→finalized ≤ "), out);

        final JsonNode testnet = MAPPER.readTree(dir.resolve("testnet.json").toFile());
        assertEquals(Set.of("members"), fields(testnet));
        final JsonNode m = testnet.get("members").get(0);
        assertEquals(Set.of("index", "rpc", "pid", "config"), fields(m));
        assertEquals(0, m.get("index").asInt());
        assertEquals(TestnetLayout.rpcUrl(TestnetLayout.configPath(dir, 0)), m.get("rpc").asText());
        assertTrue(m.get("pid").asLong() > 0);
        assertEquals(TestnetLayout.configPath(dir, 0).toAbsolutePath().toString(), m.get("config").asText());
    }

    @Test
    void aFourMemberTestnetFinalizesTheSameChainEverywhere() throws Exception
    {
        final Object[] result = run("testnet", "--nodes", "4", "--dir", dir.toString(), "--duration", "8", "--load", "20");
        final String out = (String)result[1];
        assertEquals(0, result[0], out);
        final long finalized = out.lines().filter(l -> l.startsWith("finalized block")).count();
        assertTrue(finalized >= 10, "finalized " + finalized + " blocks:\n" + out);
        final JsonNode members = MAPPER.readTree(dir.resolve("testnet.json").toFile()).get("members");
        assertEquals(4, members.size());
        // Every member's journal holds the same blocks at every height it reached.
        final List<java.util.Map<Long, String>> chains = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            chains.add(journalChain(TestnetLayout.configPath(dir, i)));
        }
        int compared = 0;
        for (final java.util.Map<Long, String> a : chains)
        {
            assertTrue(a.size() >= 5, "every member finalized blocks: " + a.size());
            for (final java.util.Map<Long, String> b : chains)
            {
                for (final java.util.Map.Entry<Long, String> e : a.entrySet())
                {
                    if (b.containsKey(e.getKey()))
                    {
                        assertEquals(e.getValue(), b.get(e.getKey()), "height " + e.getKey());
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 0);
        // And each journal replays: hashes, signatures, base fees and state roots all check.
        for (int i = 0; i < 4; i++)
        {
            final Object[] replay = run("replay", "--dir", TestnetLayout.configPath(dir, i).getParent().toString());
            assertEquals(0, replay[0], (String)replay[1]);
            // Every member voted Notarize on blocks, so each journaled their bodies first (PROTOCOL.md §8.1).
            assertTrue(java.util.regex.Pattern.compile("own votes, [1-9][0-9]* proposal bodies").matcher((String)replay[1]).find(),
                (String)replay[1]);
        }
    }

    private static java.util.Map<Long, String> journalChain(final java.nio.file.Path config) throws Exception
    {
        final NodeConfig c = NodeConfig.load(config);
        final java.util.Map<Long, String> chain = new java.util.TreeMap<>();
        try (dev.seqnet.journal.Journal journal = dev.seqnet.journal.Journal.open(
                new dev.seqnet.journal.Journal.Context().dir(c.dataPath().resolve("journal")));
             dev.seqnet.journal.JournalReader reader = journal.newReader())
        {
            new dev.seqnet.node.core.JournalScanner().scan(reader,
                (index, block) -> chain.put(block.height(), dev.seqnet.chain.Hex.encode(block.hash())));
        }
        return chain;
    }

    private static Set<String> fields(final JsonNode node)
    {
        final Set<String> out = new TreeSet<>();
        for (final Iterator<String> it = node.fieldNames(); it.hasNext(); )
        {
            out.add(it.next());
        }
        return out;
    }
}
