package dev.seqnet.node.network;

import dev.seqnet.chain.Hash32;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.Input;
import dev.seqnet.consensus.message.Vote;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trace's lines are what {@code tools/trace-breakdown.py} parses: a nanoTime, then the event with
 * {@code key=value} fields naming view, kind and signer, in the order they happened.
 */
class NetworkTraceTest
{
    @TempDir
    Path dir;

    @Test
    void linesCarryTimeEventAndTheFieldsTheBreakdownToolMatches() throws Exception
    {
        final Path file = dir.resolve("t/trace.log");
        final Vote vote = new Vote(MessageKind.NOTARIZE, 2, 17, Hash32.wrap(new byte[32]), new byte[64]);
        try (NetworkTrace trace = NetworkTrace.open(file))
        {
            trace.frame(2, 11, 150);
            trace.input(new Input.MessageReceived(1, vote));
            trace.command(new Command.PersistThenBroadcast(null, vote));
            trace.command(new Command.BuildBlock(18, 17, Hash32.wrap(new byte[32]), 5));
            trace.published(5, 3);
        }
        final List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size(), String.join("\n", lines));
        long previous = Long.MIN_VALUE;
        for (final String line : lines)
        {
            final long t = Long.parseLong(line.substring(0, line.indexOf(' ')));
            assertTrue(t >= previous, "nanoTime stamps in order: " + lines);
            previous = t;
        }
        assertTrue(lines.get(0).endsWith(" frame from=2 template=11 bytes=150"), lines.get(0));
        assertTrue(lines.get(1).endsWith(" in Vote kind=NOTARIZE view=17 signer=2"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" cmd PersistThenBroadcast Vote kind=NOTARIZE view=17 signer=2"), lines.get(2));
        assertTrue(lines.get(3).endsWith(" cmd BuildBlock view=18 height=5"), lines.get(3));
        assertTrue(lines.get(4).endsWith(" published height=5 txs=3"), lines.get(4));
    }
}
