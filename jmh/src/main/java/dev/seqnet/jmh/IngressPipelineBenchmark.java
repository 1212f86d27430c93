package dev.seqnet.jmh;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.ringbuffer.IngressCallback;
import dev.seqnet.ringbuffer.IngressPipeline;
import dev.seqnet.ringbuffer.SequencerStage;
import dev.seqnet.ringbuffer.TxRecovery;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the ingress pipeline from {@code submit} to the client's {@code onAdmitted}: one
 * producer submits a burst of 1,024 pre-signed EIP-1559 transfers and waits until all are
 * answered. {@code recovery=decoder} recovers senders with the real {@link TxDecoder}
 * (libsecp256k1), so it shows how recovery threads scale; {@code recovery=lookup} returns the
 * pre-decoded transaction, which leaves only the pipeline's own cost. The stage admits
 * everything: this measures ingress, not the mempool.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class IngressPipelineBenchmark
{
    private static final int COUNT = 4096;
    private static final int MASK = COUNT - 1;
    private static final int BURST = 1024;
    private static final long CHAIN_ID = ChainConstants.TESTNET_CHAIN_ID;

    @Param({"decoder", "lookup"})
    public String recovery;

    @Param({"1", "2"})
    public int recoveryThreads;

    @Param({"backoff", "yielding"})
    public String waitStrategy;

    private final byte[][] raws = new byte[COUNT][];
    private final Answers answers = new Answers();
    private IngressPipeline pipeline;
    private int next;

    /** Counts answers; written only by the sequencer thread, read by the benchmark thread. */
    static final class Answers implements IngressCallback
    {
        volatile long answered;
        volatile long rejected;
        volatile String lastRejection;

        @Override
        public void onAdmitted(final EthTransaction tx)
        {
            answered = answered + 1; // single writer
        }

        @Override
        public void onRejected(final TxRejection reason, final String detail)
        {
            lastRejection = reason + ": " + detail;
            rejected = rejected + 1;
            answered = answered + 1;
        }
    }

    /** Admits every transaction; the ingress path is what is measured. */
    static final class AdmitAll implements SequencerStage
    {
        @Override
        public TxRejection onTransaction(final EthTransaction tx)
        {
            return null;
        }

        @Override
        public void onEndOfBatch(final long nowMs)
        {
        }

        @Override
        public void onTick(final long nowMs)
        {
        }
    }

    /**
     * The hook choosing how raw bytes become transactions: {@code "decoder"} is the node's real
     * stage 1, {@code new TxDecoder(chainId)::decode}; {@code "lookup"} maps each pre-signed raw
     * array (by identity) to its pre-decoded transaction.
     */
    static TxRecovery recoveryFor(final String mode, final TxDecoder decoder, final Map<byte[], EthTransaction> decoded)
    {
        switch (mode)
        {
            case "decoder":
                return decoder::decode;
            case "lookup":
                return raw ->
                {
                    final EthTransaction tx = decoded.get(raw);
                    if (null == tx)
                    {
                        throw new TxDecodeException(TxRejection.MALFORMED_RLP, "not a pre-signed transaction");
                    }
                    return tx;
                };
            default:
                throw new IllegalArgumentException("unknown recovery " + mode);
        }
    }

    @Setup(Level.Trial)
    public void setup() throws TxDecodeException
    {
        final Random random = new Random(42);
        final Address[] senders = new Address[COUNT];
        for (int i = 0; i < COUNT; i++)
        {
            final byte[] privateKey = new byte[32];
            random.nextBytes(privateKey);
            privateKey[0] &= 0x7F; // stays below the curve order
            final byte[] to = new byte[Address.LENGTH];
            random.nextBytes(to);
            raws[i] = TxSigner.signDynamicFee(
                CHAIN_ID,
                random.nextInt(1000),
                1_000_000L + random.nextInt(1_000_000),
                2_000_000_000L + random.nextInt(1_000_000_000),
                21_000,
                Address.of(to),
                BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE),
                new byte[0],
                privateKey);
            senders[i] = TxSigner.addressOf(privateKey);
        }

        final TxDecoder decoder = new TxDecoder(CHAIN_ID);
        final Map<byte[], EthTransaction> decoded = new IdentityHashMap<>();
        for (int i = 0; i < COUNT; i++)
        {
            final EthTransaction tx = decoder.decode(raws[i]);
            if (!tx.sender().equals(senders[i]))
            {
                throw new IllegalStateException("transaction " + i + " does not recover to its signer");
            }
            decoded.put(raws[i], tx);
        }

        pipeline = new IngressPipeline(
            new IngressPipeline.Context()
                .ringSize(8192)
                .recoveryThreads(recoveryThreads)
                .waitStrategy(waitStrategy)
                .tickIntervalMs(1),
            recoveryFor(recovery, decoder, decoded),
            new AdmitAll());
        pipeline.start();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
        if (answers.rejected != 0)
        {
            throw new IllegalStateException(answers.rejected + " rejections, last: " + answers.lastRejection);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long submitToAdmitted()
    {
        final long target = answers.answered + BURST;
        for (int i = 0; i < BURST; i++)
        {
            final byte[] raw = raws[next++ & MASK];
            while (!pipeline.submit(raw, answers))
            {
                Thread.yield();
            }
        }
        while (answers.answered < target)
        {
            // Park like an RPC thread awaiting its reply; a yield loop here would take a core of
            // the two from the handlers being measured.
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        return target;
    }
}
