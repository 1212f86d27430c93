package dev.seqnet.node.network;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.core.PoolRemovals;
import dev.seqnet.node.core.SequencerCore;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import dev.seqnet.transport.MediaDriverLauncher;
import dev.seqnet.transport.Transport;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real {@link NetworkCore}s of a 4-member network at genesis for host tests, each on its own journal,
 * ledger, pool and chain view, with a transport that is closed at once: what a host sends is refused
 * and counted, and tests read what it journaled (or its counters) instead. Frames go in through
 * {@code onFrame}, as the recovery stage hands over checked peer messages.
 */
final class HostHarness implements AutoCloseable, org.junit.jupiter.api.extension.AfterEachCallback
{
    static final long CHAIN_ID = 5115;
    static final int ACCOUNTS = 8;
    static final SequencerKey[] KEYS = new SequencerKey[4];
    static final byte[][] ACCOUNT_KEYS = new byte[ACCOUNTS][];
    static final MemberSet MEMBERS;
    static final SigningDomain DOMAIN = new SigningDomain(CHAIN_ID, new byte[32]);
    private static final Map<Address, BigInteger> ALLOC = new HashMap<>();

    static
    {
        final List<Member> list = new ArrayList<>();
        for (int i = 0; i < KEYS.length; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x33;
            d[31] = (byte)(i + 1);
            KEYS[i] = SequencerKey.fromPrivateKey(d);
            list.add(new Member(KEYS[i].publicKey(), 1));
        }
        MEMBERS = new MemberSet(list, 0);
        for (int a = 0; a < ACCOUNTS; a++)
        {
            final byte[] k = new byte[32];
            k[0] = 0x44;
            k[31] = (byte)(a + 1);
            ACCOUNT_KEYS[a] = k;
            ALLOC.put(dev.seqnet.chain.tx.TxSigner.addressOf(k), BigInteger.TEN.pow(21));
        }
    }

    private Path dir;
    private MediaDriverLauncher driver;
    private final List<Journal> journals = new ArrayList<>();
    private final List<ChainView> views = new ArrayList<>();
    private final Map<Integer, Journal> journalOf = new HashMap<>();

    /** For {@code @RegisterExtension}: a directory of its own, closed and deleted after each test. */
    HostHarness()
    {
    }

    @Override
    public void afterEach(final org.junit.jupiter.api.extension.ExtensionContext context) throws Exception
    {
        close();
        if (dir != null)
        {
            try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(dir))
            {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            dir = null;
        }
    }

    /**
     * Member {@code self}'s host at genesis, started, with genesis {@code block.max_transactions = cap}; view
     * timeouts and the empty-block interval are an hour, so nothing happens unless a test makes it.
     */
    NetworkCore member(final int self, final int cap) throws Exception
    {
        if (dir == null)
        {
            dir = java.nio.file.Files.createTempDirectory("host-harness");
        }
        if (driver == null)
        {
            driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context().name("host-harness").termBufferLength(64 * 1024)
                .aeronDirectoryName(dir.resolve("aeron").toString()));
        }
        final ConsensusParams params = new ConsensusParams().members(MEMBERS).domain(DOMAIN)
            .leaderTimeoutNs(TimeUnit.HOURS.toNanos(1)).maxBlockIntervalNs(TimeUnit.HOURS.toNanos(1));
        final ConsensusCore core = new ConsensusCore(params, self, digest -> KEYS[self].sign(digest), RecoveredState.GENESIS);
        final Address feeRecipient = Address.fromHex("0x00000000000000000000000000000000000fee00");
        final NativeLedger ledger = new NativeLedger(ALLOC, feeRecipient);
        final PoolRemovals removals = new PoolRemovals();
        final Mempool mempool = new Mempool(new Mempool.Context().accountState(ledger).removalListener(removals));
        final Journal journal = Journal.open(new Journal.Context().dir(dir.resolve("journal-" + self + "-" + journals.size())));
        journals.add(journal);
        journalOf.put(self, journal);
        final ChainView view = new ChainView(new ChainView.Context()
            .indexDir(dir.resolve("index-" + self + "-" + journals.size())).journal(journal).hashInitialShift(8));
        views.add(view);
        final SequencerCore admission = new SequencerCore(KEYS[self], mempool, ledger, journal, view, removals, feeRecipient,
            BigInteger.ONE, 0, 1000, 1_700_000_000L, cap);
        admission.recovered(null, 0);
        final Transport transport = Transport.launch(new Transport.Context().mode(Transport.Mode.IPC).memberIndex(self)
            .memberCount(MEMBERS.size()).aeronDirectoryName(driver.aeronDirectoryName()));
        transport.close(); // what the member sends is refused and counted
        final NetworkCore host = new NetworkCore(new NetworkCore.Parts(self, CHAIN_ID, KEYS[self], MEMBERS, DOMAIN,
            BigInteger.ONE, 1_700_000_000L, core, admission, mempool, ledger, null, journal, view, transport, 1024,
            params.leaderTimeoutNs(), cap, List.of(), List.of(), List.of()));
        host.start();
        return host;
    }

    /** What member {@code self}'s latest host journaled, read back as a restart would. */
    ConsensusRecovery recovery(final int self) throws Exception
    {
        try (JournalReader reader = journalOf.get(self).newReader())
        {
            return new ConsensusRecovery(16).scan(reader);
        }
    }

    @Override
    public void close()
    {
        views.forEach(ChainView::close);
        views.clear();
        journals.forEach(Journal::close);
        journals.clear();
        journalOf.clear();
        if (driver != null)
        {
            driver.close();
            driver = null;
        }
    }
}
