package dev.seqnet.node.bench;

import dev.seqnet.node.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --member-setting}: node.json overrides for the embedded network's members. */
class EmbeddedNetworkTest
{
    @TempDir
    Path dir;

    private Path config() throws Exception
    {
        final Path file = dir.resolve("node.json");
        new NodeConfig().save(file);
        return file;
    }

    @Test
    void settingsOverrideNumbersAndStringsAndTheResultStillLoads() throws Exception
    {
        final Path file = config();
        EmbeddedNetwork.applySettings(file, List.of("transport.idle_max_park_us=50", "ingress.wait_strategy=blocking",
            "consensus.trace_file=trace.log", "consensus.leader_timeout_ms=35"));
        final NodeConfig c = NodeConfig.load(file);
        assertEquals(50, c.transport.idleMaxParkUs);
        assertEquals("blocking", c.ingress.waitStrategy);
        assertEquals("trace.log", c.consensus.traceFile);
        assertEquals(35, c.consensus.leaderTimeoutMs);
    }

    @Test
    void unknownMalformedOrInvalidSettingsAreRefused() throws Exception
    {
        final Path file = config();
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> EmbeddedNetwork.applySettings(file, List.of("transport.no_such_key=1")));
        assertTrue(unknown.getMessage().contains("transport.no_such_key"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmbeddedNetwork.applySettings(file, List.of("leader_timeout_ms=3")));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedNetwork.applySettings(file, List.of("consensus.leader_timeout_ms")));
        final IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
            () -> EmbeddedNetwork.applySettings(file, List.of("transport.driver_threading=turbo")));
        assertTrue(invalid.getMessage().contains("driver_threading"), invalid.getMessage());
    }

    @Test
    void aMemberThatExitsEarlyIsExplainedByTheEndOfItsLog(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        final java.nio.file.Path log = dir.resolve("member.log");
        final StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 50; i++)
        {
            text.append("line ").append(i).append('\n');
        }
        java.nio.file.Files.writeString(log, text);
        final String tail = EmbeddedNetwork.tail(log, 30);
        org.junit.jupiter.api.Assertions.assertTrue(tail.startsWith("line 21\n") && tail.endsWith("line 50"), tail);
        org.junit.jupiter.api.Assertions.assertTrue(EmbeddedNetwork.tail(dir.resolve("missing.log"), 30).startsWith("(unreadable"));
    }
}
