package dev.seqnet.jmh;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.core.PoolRemovals;
import dev.seqnet.node.core.SequencerCore;
import dev.seqnet.node.replay.Replayer;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code sequencer replay} throughput: a journal of {@value #TXS} transfers from 2,000 accounts to
 * fresh recipients (full 476-tx blocks), built by the real {@link SequencerCore}, re-executed and
 * verified by the real {@link Replayer}. Score is time per transaction.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayBenchmark
{
    static final int TXS = 100_000;
    static final int ACCOUNTS = 2_000;
    static final long CHAIN_ID = 5115;

    @Param({ "false", "true" })
    boolean verifyTxSignatures;

    private Path dir;
    private Genesis genesis;
    private Journal journal;
    private ChainView view;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = Files.createTempDirectory("seqnet-replay-bench");
        final SequencerKey key = SequencerKey.generate(new SecureRandom());
        final byte[][] keys = new byte[ACCOUNTS][];
        genesis = new Genesis();
        genesis.chainId = CHAIN_ID;
        genesis.timestamp = 1_800_000_000L;
        genesis.members.add(new Genesis.Member(0, key.address().toHex(), dev.seqnet.chain.Hex.encode(key.publicKey()), "1"));
        final Map<Address, BigInteger> alloc = new TreeMap<>();
        for (int i = 0; i < ACCOUNTS; i++)
        {
            keys[i] = Sha256.hash(ByteBuffer.allocate(4).putInt(i + 1).array());
            final Address a = TxSigner.addressOf(keys[i]);
            alloc.put(a, new BigInteger("1000000000000000000000"));
            genesis.alloc.put(a.toHex(), "1000000000000000000000");
        }
        // The Replayer checks certificates against the genesis file's hash: a genesis must be saved (or loaded).
        final java.nio.file.Path genesisFile = Files.createTempFile("seqnet-replay-genesis", ".json");
        genesisFile.toFile().deleteOnExit();
        genesis.save(genesisFile);
        final Address fee = genesis.feeRecipientAddress();
        final NativeLedger ledger = new NativeLedger(alloc, fee);
        final PoolRemovals removals = new PoolRemovals();
        final Mempool mempool = new Mempool(new Mempool.Context().accountState(ledger).removalListener(removals));
        journal = Journal.open(new Journal.Context().dir(dir.resolve("journal")));
        view = new ChainView(new ChainView.Context().indexDir(dir.resolve("index")).journal(journal));
        final SequencerCore core = new SequencerCore(key, mempool, ledger, journal, view, removals, fee, BigInteger.ONE,
            0, 1000, genesis.timestamp, Genesis.MAX_TRANSACTIONS_LIMIT); // full 476-transfer blocks, as before the cap
        core.recovered(null, 0);
        final TxDecoder decoder = new TxDecoder(CHAIN_ID);
        final long[] nonces = new long[ACCOUNTS];
        long now = genesis.timestamp * 1000;
        for (int i = 0; i < TXS; i++)
        {
            final int a = i % ACCOUNTS;
            final Address to = Address.wrap(Sha256.hash(ByteBuffer.allocate(8).putLong(i).array()), 0);
            core.onTransaction(decoder.decode(TxSigner.signDynamicFee(CHAIN_ID, nonces[a]++, 1_000_000L, 5_000_000_000L,
                21_000, to, BigInteger.valueOf(1_000 + i), new byte[0], keys[a])));
            if (i % 476 == 475)
            {
                core.onEndOfBatch(now++);
            }
        }
        while (mempool.size() > 0)
        {
            core.onEndOfBatch(now++);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TXS)
    public Replayer.Summary replay() throws Exception
    {
        try (JournalReader reader = journal.newReader())
        {
            final Replayer.Summary summary = new Replayer(genesis, 1, Long.MAX_VALUE, verifyTxSignatures, null).run(reader);
            if (summary.transactions() != TXS)
            {
                throw new IllegalStateException("replayed " + summary.transactions() + " of " + TXS);
            }
            return summary;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        view.close();
        journal.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
