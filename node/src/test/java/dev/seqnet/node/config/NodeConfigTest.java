package dev.seqnet.node.config;

import dev.seqnet.chain.Hex;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** node.json's consensus and transport sections, and what is built from them with genesis. */
class NodeConfigTest
{
    @TempDir
    Path dir;

    private NodeConfig load(final String json) throws Exception
    {
        final Path file = dir.resolve("node.json");
        Files.writeString(file, json);
        return NodeConfig.load(file);
    }

    private Genesis fourMembers() throws Exception
    {
        final Genesis genesis = new Genesis();
        genesis.chainId = 4114;
        for (int i = 0; i < 4; i++)
        {
            final KeyFile key = KeyFile.generate();
            genesis.members.add(new Genesis.Member(i, key.address, key.publicKey, "1000"));
        }
        genesis.save(dir.resolve("genesis.json"));
        return Genesis.load(dir.resolve("genesis.json"));
    }

    @Test
    void theOldL1FeeRateKeyPointsToGenesis()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> load("{\"block\":{\"max_interval_ms\":500,\"l1_fee_rate\":\"1\"}}"));
        assertTrue(e.getMessage().contains("genesis.json"), e.getMessage());
    }

    @Test
    void defaultsAreThoseOfProtocolSection44() throws Exception
    {
        final NodeConfig config = load("{}");
        final Genesis genesis = fourMembers();
        final ConsensusParams params = config.consensusParams(genesis);
        assertEquals(20_000_000L, params.leaderTimeoutNs());
        assertEquals(5, params.maxTimeoutDoublings());
        assertEquals(16, params.activityWindowViews());
        assertEquals(64, params.futureWindowViews());
        assertEquals(1024, params.pastWindowViews());
        assertEquals(10_000_000L, params.nudgeIntervalNs());
        assertEquals(1_000_000_000L, params.maxBlockIntervalNs());
        assertEquals(0, params.minBlockIntervalNs());
        assertEquals("none", config.consensus.voteSync);
        assertFalse(params.relayAllCertificates(), "R10: relayed only where needed by default");
    }

    @Test
    void consensusParamsCarryTheConfigAndTheGenesis() throws Exception
    {
        final NodeConfig config = load("{\"block\":{\"min_interval_ms\":2,\"max_interval_ms\":300}," +
            "\"consensus\":{\"leader_timeout_ms\":35,\"timeout_max_doublings\":3,\"activity_window_views\":8," +
            "\"future_window_views\":32,\"past_window_views\":512,\"nudge_interval_ms\":4,\"vote_sync\":\"msync\"," +
            "\"relay_certificates\":\"all\"}}");
        final Genesis genesis = fourMembers();
        final ConsensusParams params = config.consensusParams(genesis);
        assertEquals(35_000_000L, params.leaderTimeoutNs());
        assertEquals(3, params.maxTimeoutDoublings());
        assertEquals(8, params.activityWindowViews());
        assertEquals(32, params.futureWindowViews());
        assertEquals(512, params.pastWindowViews());
        assertEquals(4_000_000L, params.nudgeIntervalNs());
        assertEquals(300_000_000L, params.maxBlockIntervalNs());
        assertEquals(2_000_000L, params.minBlockIntervalNs());
        assertEquals("msync", config.consensus.voteSync);
        assertTrue(params.relayAllCertificates());

        // Four members of stake 1000: S = 4000, f = 1333, Q = 2667, F = 4000 (PROTOCOL.md §1.1 example).
        assertEquals(4, params.members().size());
        assertEquals(2667, params.members().quorums().quorum());
        assertEquals(4000, params.members().quorums().fastQuorum());
        // The domain is bound to this chain id and the SHA-256 of the genesis file, computed here independently.
        final byte[] fileHash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("genesis.json")));
        final byte[] hash = new byte[32];
        assertArrayEquals(new SigningDomain(4114, fileHash).voteDigest(MessageKind.FINALIZE, 7, hash),
            params.domain().voteDigest(MessageKind.FINALIZE, 7, hash));
        assertNotEquals(Hex.encode(new SigningDomain(5115, fileHash).voteDigest(MessageKind.FINALIZE, 7, hash)),
            Hex.encode(params.domain().voteDigest(MessageKind.FINALIZE, 7, hash)));
    }

    @Test
    void theSequencerRunsOnTheTransportThreadOnlyWithInlineRecovery() throws Exception
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> load("{\"ingress\":{\"sequencer_on_transport\":true}}"));
        assertTrue(e.getMessage().contains("ingress.inline_recovery"), e.getMessage());
        assertTrue(load("{\"ingress\":{\"sequencer_on_transport\":true,\"inline_recovery\":true}}").ingress.sequencerOnTransport);
        assertFalse(load("{}").ingress.sequencerOnTransport, "off by default: a member with cores of its own keeps its threads");
    }

    @Test
    void badConsensusSettingsAreRefused()
    {
        for (final String bad : List.of("\"leader_timeout_ms\":0", "\"timeout_max_doublings\":21", "\"activity_window_views\":0",
            "\"future_window_views\":0", "\"past_window_views\":0", "\"nudge_interval_ms\":0", "\"vote_sync\":\"fsync\"",
            "\"relay_certificates\":\"next_leader\""))
        {
            assertThrows(IllegalArgumentException.class, () -> load("{\"consensus\":{" + bad + "}}"), bad);
        }
        assertThrows(Exception.class, () -> load("{\"consensus\":{\"leader_timeout\":5}}"), "unknown keys stay errors");
    }

    @Test
    void transportContextNamesEveryMemberEndpoint() throws Exception
    {
        final NodeConfig config = load("{\"data_dir\":\"data\",\"transport\":{\"mode\":\"unicast\"," +
            "\"multicast_endpoint\":\"239.255.0.3:41000\",\"multicast_interface\":\"127.0.0.1\"," +
            "\"endpoint\":\"127.0.0.1:41002\",\"peers\":{\"0\":\"127.0.0.1:41001\",\"2\":\"127.0.0.1:41003\"," +
            "\"3\":\"127.0.0.1:41004\"},\"term_length\":4194304,\"aeron_dir_base\":\"/tmp/aeron-test\"}}");
        final Transport.Context ctx = config.transportContext(1, 4).conclude();
        assertEquals(Transport.Mode.UNICAST, ctx.mode());
        assertEquals(1, ctx.memberIndex());
        assertEquals(4, ctx.memberCount());
        assertArrayEquals(new String[] {"127.0.0.1:41001", "127.0.0.1:41002", "127.0.0.1:41003", "127.0.0.1:41004"},
            ctx.memberEndpoints());
        assertEquals("239.255.0.3:41000", ctx.multicastEndpoint());
        assertEquals(4194304, ctx.termLength());
        assertTrue(ctx.aeronDirectoryName().startsWith("/tmp/aeron-test/seqnet-aeron-"), ctx.aeronDirectoryName());

        // Another data directory, another driver directory; the same one, the same directory after a restart.
        final Path otherFile = dir.resolve("other.json");
        Files.writeString(otherFile, Files.readString(dir.resolve("node.json")).replace("\"data\"", "\"data2\""));
        assertNotEquals(NodeConfig.load(otherFile).aeronDirectory(), config.aeronDirectory());
        assertEquals(config.aeronDirectory(), NodeConfig.load(dir.resolve("node.json")).aeronDirectory());

        assertThrows(IllegalArgumentException.class, () -> config.transportContext(1, 5), "member 4 has no endpoint");
        assertThrows(IllegalArgumentException.class, () -> config.transportContext(1, 3), "peer 3 is not in genesis");
        assertThrows(IllegalArgumentException.class, () -> config.transportContext(2, 4), "self listed as a peer");
    }

    @Test
    void theTransportThreadsIdleSettingsAreChecked() throws Exception
    {
        for (final String bad : List.of("\"idle_spins\":-1", "\"idle_yields\":-1", "\"idle_min_park_us\":0",
            "\"idle_min_park_us\":200", "\"timer_slack_ns\":-1", "\"timer_slack_ns\":2000000000"))
        {
            assertThrows(IllegalArgumentException.class, () -> load("{\"transport\":{" + bad + "}}"), bad);
        }
        final NodeConfig config = load("{\"transport\":{\"idle_spins\":0,\"idle_yields\":0,\"idle_min_park_us\":20,\"timer_slack_ns\":0}}");
        assertEquals(0, config.transport.idleSpins);
        assertEquals(20, config.transport.idleMinParkUs);
        assertEquals(0, config.transportContext(0, 1).timerSlackNs(), "0 keeps the system's slack");
        assertEquals(1_000, load("{}").transportContext(0, 1).timerSlackNs());
    }

    @Test
    void transportModesAndSizesAreChecked() throws Exception
    {
        assertEquals(Transport.Mode.MULTICAST, load("{}").transportMode());
        assertEquals(Transport.Mode.MDC, load("{\"transport\":{\"mode\":\"mdc\"}}").transportMode());
        assertThrows(IllegalArgumentException.class, () -> load("{\"transport\":{\"mode\":\"ipc\"}}"));
        // 1 MiB terms: a frame of term / 8 = 128 KiB could not carry a 128 KiB transaction batch.
        assertThrows(IllegalArgumentException.class, () -> load("{\"transport\":{\"term_length\":1048576}}"));
        assertThrows(IllegalArgumentException.class, () -> load("{\"transport\":{\"term_length\":3145728}}"));
        assertEquals(2097152, load("{\"transport\":{\"term_length\":2097152}}").transport.termLength);
        assertThrows(IllegalArgumentException.class, () -> load("{\"transport\":{\"endpoint\":\"localhost\"}}"));
        assertThrows(IllegalArgumentException.class, () -> load("{\"transport\":{\"peers\":{\"1\":\"h:70000\"}}}"));
    }

    @Test
    void savedConfigUsesSnakeCaseKeys() throws Exception
    {
        final NodeConfig config = new NodeConfig();
        config.transport.peers.put(2, "127.0.0.1:5");
        config.save(dir.resolve("saved.json"));
        final String json = Files.readString(dir.resolve("saved.json"), StandardCharsets.UTF_8);
        for (final String key : List.of("\"leader_timeout_ms\"", "\"timeout_max_doublings\"", "\"activity_window_views\"",
            "\"future_window_views\"", "\"past_window_views\"", "\"nudge_interval_ms\"", "\"vote_sync\"", "\"relay_certificates\"", "\"multicast_endpoint\"",
            "\"multicast_interface\"", "\"term_length\"", "\"aeron_dir_base\"", "\"peers\""))
        {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertEquals("127.0.0.1:5", NodeConfig.load(dir.resolve("saved.json")).transport.peers.get(2));
    }
}
