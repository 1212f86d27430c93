package dev.seqnet.node.cli;

import dev.seqnet.chain.Hex;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalCorruptException;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.NodeConfig;
import dev.seqnet.node.core.BlockRejectedException;
import dev.seqnet.node.replay.Replayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code sequencer replay}: re-executes a member's journal and verifies every block. Exit 0 when all
 * verify, 3 naming the first block that does not, 4 for a corrupt or truncated journal.
 */
@Command(name = "replay", description = "Re-execute and verify a member's journaled blocks.")
public final class ReplayCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "The member directory (holding node.json).")
    Path dir;

    @Option(names = "--from", defaultValue = "1", description = "First height to check and print (earlier blocks are still executed).")
    long from;

    @Option(names = "--to", defaultValue = "9223372036854775807", description = "Last height to replay.")
    long to;

    @Option(names = "--verify", description = "Also recover every transaction's sender again and compare.")
    boolean verify;

    @Option(names = "--print", description = "Print one line per block.")
    boolean print;

    @Override
    public Integer call() throws Exception
    {
        final Path configPath = dir.resolve("node.json");
        if (!Files.exists(configPath))
        {
            System.err.println("error: " + configPath + " not found: --dir must be a member directory");
            return 2;
        }
        final NodeConfig config = NodeConfig.load(configPath);
        final Genesis genesis = Genesis.load(config.genesisPath());
        final Path journalDir = config.dataPath().resolve("journal");
        if (!Files.isDirectory(journalDir))
        {
            System.err.println("error: no journal at " + journalDir);
            return 2;
        }
        final Replayer replayer = new Replayer(genesis, from, to, verify, print ? System.out : null);
        try (Journal journal = Journal.open(new Journal.Context().dir(journalDir).readOnly(true));
            JournalReader reader = journal.newReader())
        {
            final Replayer.Summary s = replayer.run(reader);
            System.out.printf("replayed %d blocks, %d transactions; head %d %s; %.1f ms, %.0f tx/s (%s)%n",
                s.blocks(), s.transactions(), s.headHeight(), Hex.encode(s.headHash()), s.elapsedNanos() / 1e6, s.txPerSecond(),
                verify ? "signatures re-checked" : "stored senders trusted, block signatures checked");
            final long[] paths = replayer.paths();
            if (paths[0] + paths[1] + paths[2] > 0)
            {
                System.out.printf("consensus: %d fast, %d slow, %d indirect finalizations (certificates verified); " +
                    "%d own votes, %d proposal bodies, %d evidence records%n", paths[0], paths[1], paths[2], replayer.ownVotes(),
                    replayer.proposalBodies(), replayer.evidence());
            }
            return 0;
        }
        catch (final BlockRejectedException e)
        {
            System.err.println("error: verification failed at " + e.getMessage());
            return 3;
        }
        catch (final JournalCorruptException e)
        {
            System.err.println("error: corrupt journal: " + e.getMessage());
            return 4;
        }
    }
}
