package dev.seqnet.node.network;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.consensus.Member;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SigningDomain;
import dev.seqnet.consensus.core.ConsensusCore;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.consensus.core.RecoveredState;
import dev.seqnet.consensus.message.MutableVote;
import dev.seqnet.consensus.message.Vote;
import dev.seqnet.consensus.wire.ConsensusCodec;
import dev.seqnet.consensus.wire.DropReason;
import dev.seqnet.journal.Journal;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.core.PoolRemovals;
import dev.seqnet.node.core.SequencerCore;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ordering.mempool.Mempool;
import dev.seqnet.ringbuffer.IngressPipeline;
import dev.seqnet.transport.MediaDriverLauncher;
import dev.seqnet.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer vote costs a member nothing in steady state, from the transport's buffer to the core: the
 * frame copied into a ring slot's own buffer, checked by {@link PeerFrameRecovery} into the slot's
 * {@link MutableVote} (libsecp256k1 included), handed to {@link NetworkCore} and recorded by the core.
 * Counted with the per-thread allocation counter, on one thread and through the real ring's threads.
 * <p>
 * 256 members, member 0 holding most of the stake and never voting, so the votes of members 2–255
 * complete no certificate. The member's transport is closed: what it would send is refused and counted
 * by the transport, and nothing is sent for these votes anyway.
 */
class PeerVoteAllocationTest
{
    private static final long CHAIN_ID = 5115;
    private static final int N = 256;
    private static final int SELF = 1;
    private static final long VIEW = 1;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private static final SequencerKey[] KEYS = new SequencerKey[N];
    private static MemberSet members;
    private static SigningDomain domain;
    /** Notarizes then Finalizes of members 2..255 for one block of {@link #VIEW}, signed. */
    private static final List<byte[]> NOTARIZES = new ArrayList<>();
    private static final List<byte[]> FINALIZES = new ArrayList<>();

    @TempDir
    Path dir;
    private Journal journal;
    private ChainView view;
    private MediaDriverLauncher driver;
    private IngressPipeline pipeline;
    private ConsensusCore core;

    @BeforeAll
    static void network()
    {
        final List<Member> list = new ArrayList<>();
        for (int i = 0; i < N; i++)
        {
            final byte[] d = new byte[32];
            d[0] = 0x55;
            d[30] = (byte)(i >>> 8);
            d[31] = (byte)(i + 1);
            KEYS[i] = SequencerKey.fromPrivateKey(d);
            list.add(new Member(KEYS[i].publicKey(), i == 0 ? 1_000 : 1));
        }
        members = new MemberSet(list, 0);
        domain = new SigningDomain(CHAIN_ID, new byte[32]);
        final byte[] block = new byte[32];
        block[0] = 42;
        final ConsensusCodec codec = new ConsensusCodec();
        for (int j = 2; j < N; j++)
        {
            NOTARIZES.add(codec.encode(vote(MessageKind.NOTARIZE, j, block)));
            FINALIZES.add(codec.encode(vote(MessageKind.FINALIZE, j, block)));
        }
    }

    private static Vote vote(final MessageKind kind, final int signer, final byte[] block)
    {
        return new Vote(kind, signer, VIEW, Hash32.wrap(block), domain.signVote(KEYS[signer], kind, VIEW, block));
    }

    @AfterEach
    void close()
    {
        if (pipeline != null)
        {
            pipeline.close();
        }
        if (view != null)
        {
            view.close();
        }
        if (journal != null)
        {
            journal.close();
        }
        if (driver != null)
        {
            driver.close();
        }
    }

    /** A member's host as the node builds it, on a fresh journal at genesis. */
    private NetworkCore member()
    {
        final ConsensusParams params = new ConsensusParams().members(members).domain(domain)
            .leaderTimeoutNs(TimeUnit.HOURS.toNanos(1)).maxBlockIntervalNs(TimeUnit.HOURS.toNanos(1));
        assertTrue(members.schedule().leader(VIEW) != SELF, "this member must follow in view " + VIEW);
        core = new ConsensusCore(params, SELF, digest -> KEYS[SELF].sign(digest),
            new RecoveredState(0, 0, Hash32.ZERO, List.of(), List.of()));
        final Address feeRecipient = Address.fromHex("0x00000000000000000000000000000000000fee00");
        final NativeLedger ledger = new NativeLedger(Map.of(), feeRecipient);
        final PoolRemovals removals = new PoolRemovals();
        final Mempool mempool = new Mempool(new Mempool.Context().accountState(ledger).removalListener(removals));
        journal = Journal.open(new Journal.Context().dir(dir.resolve("journal")));
        view = new ChainView(new ChainView.Context().indexDir(dir.resolve("index")).journal(journal).hashInitialShift(8));
        final SequencerCore admission = new SequencerCore(KEYS[SELF], mempool, ledger, journal, view, removals, feeRecipient,
            BigInteger.ONE, 0, 1000, 1_700_000_000L, Genesis.DEFAULT_MAX_TRANSACTIONS);
        admission.recovered(null, 0);
        driver = MediaDriverLauncher.launch(new MediaDriverLauncher.Context().name("vote-alloc").termBufferLength(64 * 1024)
            .aeronDirectoryName(dir.resolve("aeron").toString()));
        final Transport transport = Transport.launch(new Transport.Context().mode(Transport.Mode.IPC).memberIndex(0)
            .memberCount(2).aeronDirectoryName(driver.aeronDirectoryName()));
        transport.close(); // sends are refused and counted from here on
        final NetworkCore host = new NetworkCore(new NetworkCore.Parts(SELF, CHAIN_ID, KEYS[SELF], members, domain,
            BigInteger.ONE, 1_700_000_000L, core, admission, mempool, ledger, null, journal, view, transport, 1024,
            params.leaderTimeoutNs(), Genesis.DEFAULT_MAX_TRANSACTIONS, List.of(), List.of(), List.of()));
        host.start();
        return host;
    }

    @Test
    void aPeerVoteCostsNothingFromTheSlotBufferThroughTheCore()
    {
        assumeAllocationCounting();
        final NetworkCore host = member();
        final PeerFrameRecovery recovery = new PeerFrameRecovery(members, domain, CHAIN_ID);
        final Object holder = recovery.newHolder();
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[IngressPipeline.Context.FRAME_SLOT_LENGTH_DEFAULT]);
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[0]);
        // Warm-up: every Notarize once (recorded), then again and again (duplicates in the core), until
        // C2 has compiled the path (a shorter warm-up shows a few hundred bytes while it does).
        for (int round = 0; round < 100; round++)
        {
            for (final byte[] frame : NOTARIZES)
            {
                deliver(host, recovery, holder, slot, wire, frame);
            }
        }
        deliver(host, recovery, holder, slot, wire, FINALIZES.get(0)); // the view's Finalize tally: once per view

        long bytes = 0;
        for (int i = 1; i < FINALIZES.size(); i++)
        {
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            deliver(host, recovery, holder, slot, wire, FINALIZES.get(i));
            final long used = THREADS.getCurrentThreadAllocatedBytes() - before;
            bytes += used;
        }
        final int votes = FINALIZES.size() - 1;
        assertEquals(0, recovery.drops(DropReason.BAD_SIGNATURE));
        assertNull(host.failure());
        assertEquals(VIEW, core.view(), "no certificate formed, still in view " + VIEW);
        assertTrue(bytes < votes, "allocated " + bytes + " bytes for " + votes + " peer votes");
    }

    /**
     * What the transport thread, a recovery thread and the writer do for one frame, on this thread:
     * each frame its own batch, as when votes arrive one at a time.
     */
    private static void deliver(
        final NetworkCore host, final PeerFrameRecovery recovery, final Object holder, final UnsafeBuffer slot,
        final UnsafeBuffer wire, final byte[] frame)
    {
        wire.wrap(frame);
        slot.putBytes(0, wire, 0, frame.length);
        final Object recovered = recovery.recover(slot, 0, frame.length, 2, holder);
        assertTrue(recovered == holder, "a checked vote comes back in the slot's holder");
        host.onFrame(recovered, 2);
        host.onEndOfBatch(0);
    }

    @Test
    void aPeerVoteThroughTheRealRingCostsNothingOnAnyThread() throws Exception
    {
        assumeAllocationCounting();
        final NetworkCore host = member();
        final PeerFrameRecovery recovery = new PeerFrameRecovery(members, domain, CHAIN_ID);
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        pipeline = new IngressPipeline(new IngressPipeline.Context().ringSize(1024).recoveryThreads(1)
            .waitStrategy("yielding").tickIntervalMs(0).frameRecovery(recovery).threadFactory(task ->
            {
                final Thread t = new Thread(task);
                t.setDaemon(true);
                threads.add(t);
                return t;
            }), raw -> null, host);
        pipeline.start();
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[0]);
        for (int round = 0; round < 100; round++)
        {
            submitAll(wire, NOTARIZES, 0);
        }
        submitAll(wire, FINALIZES.subList(0, 1), 0);
        awaitDrained();

        threads.add(Thread.currentThread()); // the producer, as the transport thread
        final long[] ids = threads.stream().mapToLong(Thread::getId).toArray();
        final long before = sum(THREADS.getThreadAllocatedBytes(ids));
        submitAll(wire, FINALIZES, 1); // recorded
        for (int round = 0; round < 20; round++)
        {
            submitAll(wire, NOTARIZES, 0); // duplicates, through the same path
        }
        awaitDrained();
        // Less the long[] of the reading itself (an empty measurement gives exactly that).
        final long bytes = sum(THREADS.getThreadAllocatedBytes(ids)) - before - (16 + 8L * ids.length);
        final long votes = FINALIZES.size() - 1 + 20L * NOTARIZES.size();

        assertEquals(0, pipeline.stageExceptions());
        assertEquals(0, recovery.drops(DropReason.BAD_SIGNATURE));
        assertNull(host.failure());
        assertEquals(VIEW, core.view(), "no certificate formed, still in view " + VIEW);
        assertTrue(bytes < votes, "allocated " + bytes + " bytes on " + ids.length + " threads for " + votes + " peer votes");
    }

    /** As the transport thread does, from {@code frames[from]} on; indexed, so this thread allocates nothing either. */
    private void submitAll(final UnsafeBuffer wire, final List<byte[]> frames, final int from)
    {
        for (int i = from; i < frames.size(); i++)
        {
            final byte[] frame = frames.get(i);
            wire.wrap(frame);
            while (!pipeline.submitFrame(wire, 0, frame.length, 2))
            {
                Thread.onSpinWait(); // the ring is full: the writer catches up
            }
        }
    }

    private void awaitDrained() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pipeline.remainingCapacity() < 1024 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(1024, pipeline.remainingCapacity(), "the writer handled every frame");
    }

    private static long sum(final long[] values)
    {
        long total = 0;
        for (final long v : values)
        {
            total += v;
        }
        return total;
    }

    private static void assumeAllocationCounting()
    {
        Assumptions.assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
            "per-thread allocation counting not available");
    }
}
