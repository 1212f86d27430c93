package dev.seqnet.node.cli;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.node.SequencerNode;
import dev.seqnet.node.config.NodeConfig;
import dev.seqnet.node.core.JournalRecovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sequencer run}: starts one member from its config and serves until SIGINT/SIGTERM. */
@Command(name = "run", description = "Run one member from its node.json.")
public final class RunCommand implements Callable<Integer>
{
    @Option(names = "--config", required = true, description = "The member's node.json.")
    Path config;

    @Option(names = "--status-interval", defaultValue = "10", description = "Seconds between status lines; 0 = none.")
    int statusInterval;

    @Override
    public Integer call() throws Exception
    {
        final NodeConfig nodeConfig = NodeConfig.load(config);
        final SequencerNode node;
        try
        {
            node = SequencerNode.start(nodeConfig);
        }
        catch (final UnsupportedOperationException e)
        {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            node.close();
            stopped.countDown();
        }, "seqnet-shutdown"));
        final JournalRecovery.Result r = node.recovery();
        System.out.printf("recovered %d blocks, %d txs from the journal; head %d; mempool restored %d, dropped %d%n",
            r.blocks(), r.transactions(), r.head() == null ? 0 : r.head().header().height(), r.mempoolRestored(), r.mempoolDropped());
        System.out.println("rpc " + node.rpcUrl() + " (HTTP and WebSocket)");
        System.out.flush();
        while (stopped.getCount() > 0)
        {
            if (statusInterval <= 0)
            {
                stopped.await();
                break;
            }
            if (!stopped.await(statusInterval, java.util.concurrent.TimeUnit.SECONDS))
            {
                final L2Block head = node.view().head();
                System.out.printf("head %d %s pending %d%n", node.view().headHeight(),
                    head == null ? "-" : Hex.encode(head.hash()), node.view().pendingCount());
                System.out.flush();
            }
        }
        return 0;
    }
}
