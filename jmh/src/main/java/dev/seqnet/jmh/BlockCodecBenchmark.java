package dev.seqnet.jmh;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.block.BlockCodec;
import dev.seqnet.chain.block.BlockCodecException;
import dev.seqnet.chain.block.BlockSealer;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.chain.block.L2Header;
import dev.seqnet.chain.block.TxMerkle;
import dev.seqnet.chain.crypto.SequencerKey;
import org.agrona.ExpandableArrayBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * SBE encode and decode of a sealed 1,000-transaction L2 block (random raw transactions of about
 * 110 bytes), reusing one codec and one buffer as the block store and the wire path do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BlockCodecBenchmark
{
    private static final int TX_COUNT = 1_000;

    private final BlockCodec codec = new BlockCodec();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256 * 1024);
    private L2Block block;
    private int length;

    @Setup
    public void setup()
    {
        final Random random = new Random(1);
        final List<byte[]> txs = new ArrayList<>(TX_COUNT);
        final List<Address> senders = new ArrayList<>(TX_COUNT);
        for (int i = 0; i < TX_COUNT; i++)
        {
            final byte[] raw = new byte[100 + random.nextInt(21)];
            random.nextBytes(raw);
            txs.add(raw);
            final byte[] sender = new byte[Address.LENGTH];
            random.nextBytes(sender);
            senders.add(Address.of(sender));
        }
        final byte[] prevHash = new byte[32];
        final byte[] stateRoot = new byte[32];
        random.nextBytes(prevHash);
        random.nextBytes(stateRoot);
        final L2Header header = new L2Header(
            1_000_000L, prevHash, stateRoot, BigInteger.valueOf(25_000), TxMerkle.rootOfRawTxs(txs), 1_700_000_000L);
        block = BlockSealer.seal(
            header, SequencerKey.generate(new SecureRandom()), 21_000L * TX_COUNT, 10_000_000L, txs, senders);
        length = codec.encode(block, buffer, 0);
    }

    @Benchmark
    public int encode()
    {
        return codec.encode(block, buffer, 0);
    }

    @Benchmark
    public L2Block decode() throws BlockCodecException
    {
        return codec.decode(buffer, 0, length);
    }

    @Benchmark
    public L2Block encodeDecode() throws BlockCodecException
    {
        final int written = codec.encode(block, buffer, 0);
        return codec.decode(buffer, 0, written);
    }
}
