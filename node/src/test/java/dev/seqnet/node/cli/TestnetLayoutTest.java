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

        // Every member is ready up to the launch, which is refused until the multi-member wiring exists.
        final Object[] member = run("run", "--config", TestnetLayout.configPath(dir, 2).toString());
        assertEquals(2, member[0]);
        assertTrue(((String)member[1]).contains(SequencerNode.MULTI_MEMBER_UNAVAILABLE), (String)member[1]);
        assertTrue(((String)member[1]).contains("member 2"), (String)member[1]);

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
    void aMultiMemberTestnetLaunchesEveryMemberWhoRefuseUntilTheWiringExists() throws Exception
    {
        final Object[] result = run("testnet", "--nodes", "2", "--dir", dir.toString(), "--duration", "1");
        final String out = (String)result[1];
        assertEquals(1, result[0], out);
        assertTrue(out.contains(SequencerNode.MULTI_MEMBER_UNAVAILABLE), out);
        final JsonNode members = MAPPER.readTree(dir.resolve("testnet.json").toFile()).get("members");
        assertEquals(2, members.size());
        assertEquals(1, members.get(1).get("index").asInt());
        assertTrue(Files.readString(TestnetLayout.configPath(dir, 1).getParent().resolve("member.log"))
            .contains(SequencerNode.MULTI_MEMBER_UNAVAILABLE));
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
