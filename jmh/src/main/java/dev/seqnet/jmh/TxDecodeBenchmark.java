package dev.seqnet.jmh;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxSigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the ingress transaction decoder: {@code decode} (RLP, validation and libsecp256k1
 * sender recovery) against {@code decodeTrusted} (journal replay, no recovery), cycling through
 * 1,024 pre-signed EIP-1559 transfers from distinct keys with varied fees, values and calldata.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class TxDecodeBenchmark
{
    private static final int COUNT = 1024;
    private static final int MASK = COUNT - 1;

    private final byte[][] raws = new byte[COUNT][];
    private final Address[] senders = new Address[COUNT];
    private TxDecoder decoder;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws TxDecodeException
    {
        final Random random = new Random(42);
        for (int i = 0; i < COUNT; i++)
        {
            final byte[] privateKey = new byte[32];
            random.nextBytes(privateKey);
            privateKey[0] &= 0x7F; // stays below the curve order
            final byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(200) : 0];
            random.nextBytes(data);
            final byte[] to = new byte[Address.LENGTH];
            random.nextBytes(to);
            raws[i] = TxSigner.signDynamicFee(
                ChainConstants.TESTNET_CHAIN_ID,
                random.nextInt(1000),
                1_000_000L + random.nextInt(1_000_000),
                2_000_000_000L + random.nextInt(1_000_000_000),
                21_000 + 16L * data.length,
                Address.of(to),
                BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE),
                data,
                privateKey);
            senders[i] = TxSigner.addressOf(privateKey);
        }
        decoder = new TxDecoder(ChainConstants.TESTNET_CHAIN_ID);
        for (int i = 0; i < COUNT; i++)
        {
            if (!decoder.decode(raws[i]).sender().equals(senders[i]))
            {
                throw new IllegalStateException("transaction " + i + " does not recover to its signer");
            }
        }
    }

    @Benchmark
    public EthTransaction decode() throws TxDecodeException
    {
        return decoder.decode(raws[next++ & MASK]);
    }

    @Benchmark
    public EthTransaction decodeTrusted() throws TxDecodeException
    {
        final int k = next++ & MASK;
        return decoder.decodeTrusted(raws[k], senders[k]);
    }
}
