package dev.seqnet.jmh;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxRejection;
import dev.seqnet.ordering.BlockBuilder;
import dev.seqnet.ordering.BuiltBlock;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The ordering stage's hot paths over a pool of {@code poolSize} pending transactions (16 per
 * sender) and a ledger of {@code poolSize + 100,000} accounts: admitting (and removing) one
 * transaction, and building a full 476-transfer block (selection, execution, incremental state root)
 * then rolling it back, as a BFT proposal that does not finalize would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MempoolBenchmark
{
    private static final long GWEI = 1_000_000_000L;
    private static final int PER_SENDER = 16;
    private static final int IDLE_ACCOUNTS = 100_000;

    @Param({"10000", "100000"})
    public int poolSize;

    private NativeLedger ledger;
    private Mempool pool;
    private BlockBuilder builder;
    private EthTransaction[] extra;
    private int next;

    @Setup
    public void setup()
    {
        final Random random = new Random(42);
        final int senders = poolSize / PER_SENDER;
        final Map<Address, BigInteger> alloc = new HashMap<>();
        final BigInteger ether = BigInteger.TEN.pow(18);
        for (int i = 0; i < senders + IDLE_ACCOUNTS; i++)
        {
            alloc.put(address(i), ether);
        }
        ledger = new NativeLedger(alloc, address(-1));
        pool = new Mempool(new Mempool.Context().accountState(ledger).globalSlots(poolSize + 1));
        builder = new BlockBuilder(pool, ledger);
        for (int s = 0; s < senders; s++)
        {
            final long tip = 1 + random.nextInt(1_000_000_000);
            for (int n = 0; n < PER_SENDER; n++)
            {
                check(pool.add(tx(address(s), n, tip, address(senders + random.nextInt(IDLE_ACCOUNTS)))));
            }
        }
        extra = new EthTransaction[senders];
        for (int s = 0; s < senders; s++)
        {
            extra[s] = tx(address(s), PER_SENDER, 1 + random.nextInt(1_000_000_000), address(senders));
        }
    }

    /** Admission of a pending transaction then its removal, so the pool stays the same size. */
    @Benchmark
    public boolean admitAndRemove()
    {
        final EthTransaction tx = extra[next];
        next = next + 1 == extra.length ? 0 : next + 1;
        check(pool.add(tx));
        return pool.remove(tx.hash());
    }

    /** Build a full block from the pool and roll it back. */
    @Benchmark
    public long buildFullBlockAndRollBack()
    {
        final BuiltBlock block = builder.build(1, GWEI);
        builder.abandon(block);
        return block.gasUsed();
    }

    private static void check(final TxRejection rejection)
    {
        if (rejection != null)
        {
            throw new IllegalStateException("benchmark transaction rejected: " + rejection);
        }
    }

    private static Address address(final int i)
    {
        final byte[] b = new byte[Address.LENGTH];
        ByteBuffer.wrap(b).putInt(0x5EC0FFEE).putInt(i).putInt(i * 31);
        return Address.of(b);
    }

    private static EthTransaction tx(final Address from, final long nonce, final long tip, final Address to)
    {
        final byte[] raw = ByteBuffer.allocate(60).put(from.toBytes()).putLong(nonce).putLong(tip).put(to.toBytes()).array();
        return new EthTransaction(raw, Keccak256.hash(raw), from, EthTransaction.TYPE_DYNAMIC_FEE,
            ChainConstants.TESTNET_CHAIN_ID, nonce, tip, 10 * GWEI, ChainConstants.TX_BASE_GAS, to, BigInteger.ONE,
            new byte[0], ChainConstants.TX_BASE_GAS);
    }
}
