package dev.seqnet.ringbuffer;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pipeline under load. Figures are printed, never asserted: this machine is small and shared.
 */
class IngressPipelineLoadTest
{
    private static final int BURN_ROUNDS = 100;

    /** Counts answers; called only from the sequencer thread, read by the test thread. */
    private static final class CountingAnswer implements IngressCallback
    {
        volatile long admitted;
        volatile long rejected;

        @Override
        public void onAdmitted(final EthTransaction tx)
        {
            admitted = admitted + 1; // single writer
        }

        @Override
        public void onRejected(final TxRejection reason, final String detail)
        {
            rejected = rejected + 1; // single writer
        }
    }

    @Test
    void cpuHeavyRecoveryIsCorrectOnEveryShard()
    {
        final int count = 4_000;
        final byte[][] raws = new byte[count][];
        final Address[] expected = new Address[count];
        for (int n = 0; n < count; n++)
        {
            raws[n] = TestTxFormat.encode(n % 7, n, new byte[] {(byte)n, (byte)(n >> 8), 42});
            // Oracle: web3j's Keccak-256, applied BURN_ROUNDS times, last 20 bytes.
            byte[] digest = raws[n];
            for (int i = 0; i < BURN_ROUNDS; i++)
            {
                digest = Hash.sha3(digest);
            }
            expected[n] = Address.wrap(digest, 12);
        }

        for (final int shards : new int[] {1, 2})
        {
            final Map<String, Integer> perThread = new ConcurrentHashMap<>();
            final TestTxFormat burning = new TestTxFormat(BURN_ROUNDS);
            final TxRecovery recovery = raw ->
            {
                perThread.merge(Thread.currentThread().getName(), 1, Integer::sum);
                return burning.recover(raw);
            };
            final Address[] senders = new Address[count];
            final RecordingStage stage = new RecordingStage(tx ->
            {
                senders[(int)tx.nonce()] = tx.sender();
                return null;
            });
            final CountingAnswer answer = new CountingAnswer();
            final long elapsedNs;
            try (IngressPipeline pipeline = new IngressPipeline(
                new IngressPipeline.Context().ringSize(8192).recoveryThreads(shards).tickIntervalMs(0), recovery, stage))
            {
                pipeline.start();
                final long start = System.nanoTime();
                for (int n = 0; n < count; n++)
                {
                    while (!pipeline.submit(raws[n], answer))
                    {
                        Thread.yield();
                    }
                }
                IngressPipelineLifecycleTest.awaitTrue(() -> answer.admitted == count, "all admitted");
                elapsedNs = System.nanoTime() - start;
            }

            System.out.printf("cpu-heavy recovery (%d x Keccak-256 per tx), %d recovery thread(s): %,.0f tx/s%n",
                BURN_ROUNDS, shards, count * 1e9 / elapsedNs);
            for (int n = 0; n < count; n++)
            {
                assertEquals(expected[n], senders[n], "sender of tx " + n);
            }
            assertEquals(shards, perThread.size());
            // No ticks, one producer: transaction n sits at sequence n, so the shards split it evenly.
            perThread.values().forEach(v -> assertEquals(count / shards, v.intValue(), "work per shard"));
        }
    }

    @Test
    void cheapRecoveryThroughputFigure()
    {
        final int producers = 2;
        final int perProducer = 250_000;
        final byte[][][] raws = new byte[producers][perProducer][];
        for (int p = 0; p < producers; p++)
        {
            for (int n = 0; n < perProducer; n++)
            {
                raws[p][n] = TestTxFormat.encode(p, n);
            }
        }

        for (int round = 1; round <= 2; round++)
        {
            final CountingAnswer answer = new CountingAnswer();
            final RecordingStage stage = new RecordingStage()
            {
                @Override
                public TxRejection onTransaction(final EthTransaction tx)
                {
                    return null; // admit without recording: measure the pipeline, not a list
                }
            };
            final IngressPipeline.Context ctx = new IngressPipeline.Context();
            final long elapsedNs;
            try (IngressPipeline pipeline = new IngressPipeline(ctx, new TestTxFormat(0), stage))
            {
                pipeline.start();
                final Thread[] threads = new Thread[producers];
                final long start = System.nanoTime();
                for (int p = 0; p < producers; p++)
                {
                    final byte[][] mine = raws[p];
                    threads[p] = new Thread(() ->
                    {
                        for (final byte[] raw : mine)
                        {
                            while (!pipeline.submit(raw, answer))
                            {
                                Thread.yield();
                            }
                        }
                    });
                    threads[p].start();
                }
                final long total = (long)producers * perProducer;
                IngressPipelineLifecycleTest.awaitTrue(() -> answer.admitted == total, "all admitted");
                elapsedNs = System.nanoTime() - start;
                assertEquals(total, pipeline.submitted());
                assertEquals(total, pipeline.admitted());
                assertEquals(0, answer.rejected);
                System.out.printf(
                    "round %d: cheap recovery, %d producers, %d recovery thread(s), ring %d, %s: %,.0f tx/s "
                        + "(%d overloaded retries)%n",
                    round, producers, ctx.recoveryThreads(), ctx.ringSize(), ctx.waitStrategy(),
                    total * 1e9 / elapsedNs, pipeline.overloaded());
            }
        }
    }
}
