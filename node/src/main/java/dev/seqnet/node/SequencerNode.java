package dev.seqnet.node;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.SequencerKey;
import dev.seqnet.chain.tx.TxDecoder;
import dev.seqnet.journal.Journal;
import dev.seqnet.journal.JournalReader;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;
import dev.seqnet.node.config.NodeConfig;
import dev.seqnet.node.consensus.SoloConsensus;
import dev.seqnet.node.core.JournalRecovery;
import dev.seqnet.node.core.PoolRemovals;
import dev.seqnet.node.core.SequencerCore;
import dev.seqnet.node.network.ConsensusRecovery;
import dev.seqnet.node.network.NetworkCore;
import dev.seqnet.node.network.PeerFrameRecovery;
import dev.seqnet.chain.block.L2Block;
import dev.seqnet.node.rpc.JsonRpcServer;
import dev.seqnet.node.rpc.RpcMethods;
import dev.seqnet.node.rpc.Subscriptions;
import dev.seqnet.node.state.ChainView;
import dev.seqnet.ordering.mempool.Mempool;
import dev.seqnet.ordering.exec.NativeLedger;
import dev.seqnet.ringbuffer.IngressPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;

/**
 * One sequencer member, wired: journal recovery, then the Disruptor ingress pipeline whose final
 * stage is the {@link SequencerCore}, then JSON-RPC. {@link #close()} stops intake first and the
 * journal last, so nothing acknowledged is lost.
 */
public final class SequencerNode implements AutoCloseable
{
    private final NodeConfig config;
    private final Genesis genesis;
    private ChainView view;
    private DataDirLock dataLock;
    private Journal journal;
    private IngressPipeline pipeline;
    private Vertx vertx;
    private Subscriptions subscriptions;
    private JsonRpcServer rpc;
    private SequencerCore core;
    private JournalRecovery.Result recovery;
    private int rpcPort;
    /** The longest tick of a network member: its consensus timers fire from the tick. */
    static final long NETWORK_TICK_MS = 4;
    private NetworkCore network;
    private dev.seqnet.transport.MediaDriverLauncher driver;
    private dev.seqnet.node.network.NetworkTrace trace;
    private dev.seqnet.transport.Transport transport;
    private org.agrona.concurrent.AgentRunner transportRunner;
    private dev.seqnet.node.ingress.ClientIngress clientIngress;
    /** A one-member node's binary client ingress, with its own driver and thread (a network member shares its transport's). */
    private dev.seqnet.node.ingress.SoloClientIngress soloClientIngress;
    private static final System.Logger LOG = System.getLogger(SequencerNode.class.getName());

    private SequencerNode(final NodeConfig config, final Genesis genesis)
    {
        this.config = config;
        this.genesis = genesis;
    }

    /**
     * Loads config, genesis and key, recovers from the journal and starts serving.
     *
     * With more than one genesis member it also starts the media driver, the transport and the
     * consensus host ({@link NetworkCore}).
     */
    public static SequencerNode start(final NodeConfig config) throws Exception
    {
        final Genesis genesis = Genesis.load(config.genesisPath());
        final SequencerNode node = new SequencerNode(config, genesis);
        try
        {
            node.startComponents();
        }
        catch (final Exception | Error e)
        {
            node.close();
            throw e;
        }
        return node;
    }

    private void startComponents() throws Exception
    {
        final SequencerKey key = KeyFile.load(config.keyPath());
        if (genesis.memberByPublicKey(key.publicKey()) == null)
        {
            throw new IllegalStateException("key " + Hex.encode(key.publicKey()) + " is not a member in " + config.genesisPath());
        }
        final Map<Address, BigInteger> alloc = genesis.allocations();
        final Address feeRecipient = genesis.feeRecipientAddress();
        final NativeLedger ledger = new NativeLedger(alloc, feeRecipient);
        final PoolRemovals removals = new PoolRemovals();
        final Mempool mempool = new Mempool(new Mempool.Context()
            .accountSlots(config.mempool.accountSlots)
            .globalSlots(config.mempool.globalSlots)
            .accountState(ledger)
            .removalListener(removals));
        dataLock = DataDirLock.acquire(config.dataPath());
        final Path journalDir = config.dataPath().resolve("journal");
        journal = Journal.open(new Journal.Context().dir(journalDir).syncOnAppend(config.journal.syncOnAppend || "msync".equals(config.consensus.voteSync)));
        // Rebuilt from the journal below (recovery publishes every block again): the index files hold nothing the journal does not.
        view = new ChainView(new ChainView.Context()
            .indexDir(config.dataPath().resolve("index"))
            .journal(journal)
            .cachedBlocks(config.chain.cachedBlocks));
        core = new SequencerCore(key, mempool, ledger, journal, view, removals, feeRecipient,
            genesis.l1FeeRateValue(), config.block.minIntervalMs, config.block.maxIntervalMs, genesis.timestamp,
            genesis.maxBlockTransactions());
        for (final Address address : alloc.keySet())
        {
            core.publishAccount(address);
        }
        core.publishAccount(feeRecipient);

        final TxDecoder decoder = new TxDecoder(genesis.chainId);
        try (JournalReader reader = journal.newReader())
        {
            recovery = new JournalRecovery(decoder, ledger, mempool, core, view).recover(reader);
        }

        final int cores = Runtime.getRuntime().availableProcessors();
        final IngressPipeline.Context pipelineCtx = new IngressPipeline.Context()
            .ringSize(config.ingress.ringSize)
            .recoveryThreads(config.ingress.inlineRecovery ? 0
                : config.ingress.recoveryThreads > 0 ? config.ingress.recoveryThreads : Math.max(1, cores - 1))
            .waitStrategy(config.ingress.waitStrategy)
            .tickIntervalMs(config.ingress.tickIntervalMs);
        final dev.seqnet.node.consensus.ConsensusView consensus;
        final dev.seqnet.ringbuffer.SequencerStage stage;
        if (genesis.members.size() > 1)
        {
            network = startNetwork(key, ledger, mempool, pipelineCtx);
            consensus = network;
            stage = network;
        }
        else
        {
            consensus = new SoloConsensus(view, key, genesis.signingDomain(), config.chain.cachedBlocks);
            stage = core;
        }
        pipeline = new IngressPipeline(pipelineCtx, decoder::decode, stage);
        if (network != null)
        {
            network.ingressOversize(pipeline::framesOversize);
        }

        // Bind RPC before the pipeline produces anything: a port clash must fail the start cleanly.
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Math.min(2, cores))).setWorkerPoolSize(2));
        subscriptions = new Subscriptions(view, vertx.getOrCreateContext(), config.rpc.maxSubscriptionsPerConnection);
        final RpcMethods methods = new RpcMethods(genesis, view, consensus, pipeline, subscriptions);
        rpc = new JsonRpcServer(vertx, methods, subscriptions, config.rpc);
        rpcPort = rpc.start();
        if (config.clientIngress.channel != null)
        {
            clientIngress = startClientIngress();
            view.addListener(clientIngress.finalityListener());
            methods.statusCounters(clientIngress.counters()::toMap);
        }
        if (network != null)
        {
            network.start();
        }
        pipeline.start();
        if (network != null)
        {
            final IngressPipeline ingress = pipeline;
            final org.agrona.concurrent.Agent transportAgent =
                new dev.seqnet.transport.TransportAgent(transport, (from, buffer, offset, length) ->
                {
                    if (trace != null)
                    {
                        trace.frame(from, length >= 4 ? buffer.getShort(offset + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF : -1, length);
                    }
                    // Copied into the ring slot's own buffer (no allocation for frames up to frameSlotLength);
                    // a full ring, or a frame over every limit, is a counted drop: retries and sync recover.
                    ingress.submitFrame(buffer, offset, length, from);
                });
            // ingress.sequencer_on_transport: the frames this cycle put into the ring are sequenced in the same
            // cycle, and what the core sends leaves on the next (the driver runs in this duty cycle too).
            // The client ingress reads its submits in the same cycle, so they are sequenced without waking another thread.
            final java.util.List<org.agrona.concurrent.Agent> agents = new java.util.ArrayList<>();
            agents.add(transportAgent);
            if (null != clientIngress)
            {
                agents.add(clientIngress);
            }
            if (null != pipeline.sequencerInvoker())
            {
                agents.add(pipeline.sequencerInvoker());
            }
            final dev.seqnet.node.network.DutyCycleTimer agent = new dev.seqnet.node.network.DutyCycleTimer(
                agents.size() == 1 ? transportAgent : new org.agrona.concurrent.CompositeAgent(agents));
            methods.statusCounters(agent::toMap);
            transportRunner = new org.agrona.concurrent.AgentRunner(transportIdleStrategy(),
                e -> LOG.log(System.Logger.Level.ERROR, "transport agent", e), null, agent);
            org.agrona.concurrent.AgentRunner.startOnThread(transportRunner);
        }
        else if (null != soloClientIngress)
        {
            // One member: the ingress thread runs its own driver and client, with the transport thread's idle strategy.
            soloClientIngress.start(transportIdleStrategy(), e -> LOG.log(System.Logger.Level.ERROR, "client ingress", e));
        }
        if (null != clientIngress)
        {
            LOG.log(System.Logger.Level.INFO, "client ingress " + config.clientIngress.channel + " stream " + config.clientIngress.streamId);
        }
    }

    private org.agrona.concurrent.IdleStrategy transportIdleStrategy()
    {
        return new org.agrona.concurrent.BackoffIdleStrategy(config.transport.idleSpins, config.transport.idleYields,
            java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(config.transport.idleMinParkUs),
            java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(config.transport.idleMaxParkUs));
    }

    /**
     * The binary client ingress (docs/RPC.md): on the transport's Aeron client for a network member, on a media
     * driver and client of its own for a single member.
     */
    private dev.seqnet.node.ingress.ClientIngress startClientIngress()
    {
        final dev.seqnet.node.ingress.ClientIngress.Context ctx = new dev.seqnet.node.ingress.ClientIngress.Context()
            .channel(config.clientIngress.channel)
            .streamId(config.clientIngress.streamId)
            .maxSessions(config.clientIngress.maxSessions)
            .finalityTracked(config.clientIngress.finalityTracked);
        if (null != transport)
        {
            return new dev.seqnet.node.ingress.ClientIngress(ctx, transport.aeron(), pipeline);
        }
        soloClientIngress = dev.seqnet.node.ingress.SoloClientIngress.launch(ctx.timerSlackNs(config.transport.timerSlackNs),
            config.aeronDirectory().toString(), config.transport.termLength, pipeline);
        return soloClientIngress.ingress();
    }

    /**
     * A member of a multi-member network: its media driver and transport (PROTOCOL.md §3.6, §9), its
     * consensus state recovered from the journal (§8.2), and the {@link NetworkCore} host that runs
     * on the pipeline's sequencer thread.
     */
    private NetworkCore startNetwork(
        final SequencerKey key, final NativeLedger ledger, final Mempool mempool, final IngressPipeline.Context pipelineCtx)
        throws Exception
    {
        final dev.seqnet.consensus.MemberSet members = genesis.memberSet();
        final int self = members.indexOf(key.publicKey());
        final dev.seqnet.consensus.core.ConsensusParams params = config.consensusParams(genesis);
        final ConsensusRecovery consensusRecovery;
        try (JournalReader reader = journal.newReader())
        {
            consensusRecovery = new ConsensusRecovery(config.chain.cachedBlocks).scan(reader);
        }
        final L2Block head = recovery.head();
        final dev.seqnet.consensus.core.RecoveredState recovered = consensusRecovery.state(head);
        // Shared by the recovery threads and the core's signer: a certificate's signatures that were already
        // checked as votes, or are this member's own, are not checked again (VerifiedSignatures' Javadoc).
        final dev.seqnet.consensus.VerifiedSignatures verified =
            new dev.seqnet.consensus.VerifiedSignatures(dev.seqnet.consensus.SignatureCheck.SECP256K1, 4096);
        final byte[] ownPublicKey = members.member(self).verificationKey(); // the form peers' checks look up; a copy, made once
        final dev.seqnet.consensus.core.ConsensusCore consensusCore = new dev.seqnet.consensus.core.ConsensusCore(
            params, self, digest ->
            {
                final byte[] signature = key.sign(digest);
                verified.record(signature, digest, ownPublicKey);
                return signature;
            }, recovered);
        driver = dev.seqnet.transport.MediaDriverLauncher.launch(new dev.seqnet.transport.MediaDriverLauncher.Context()
            .aeronDirectoryName(config.aeronDirectory().toString())
            .profile(config.driverProfile())
            .idleMaxParkNs(java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(config.transport.idleMaxParkUs))
            .termBufferLength(config.transport.termLength));
        // With the invoker driver (the default) the transport thread below is the driver's thread too.
        transport = dev.seqnet.transport.Transport.launch(config.transportContext(self, members.size())
            .driverAgentInvoker(driver.agentInvoker()));
        // Shared by the recovery threads (readers) and NetworkCore (writer): certificates already held are not verified again.
        final dev.seqnet.consensus.wire.HeldCertificates held = new dev.seqnet.consensus.wire.HeldCertificates(4096);
        final PeerFrameRecovery inbound = new PeerFrameRecovery(members, genesis.signingDomain(), genesis.chainId, held, verified);
        pipelineCtx
            .useSequencerInvoker(config.ingress.sequencerOnTransport)
            .frameRecovery(inbound)
            .maxFrameLength(dev.seqnet.consensus.wire.FrameLimits.LARGE)
            // Consensus timers fire from the tick: at most 4 ms late against a 20 ms view timeout. A 1 ms
            // tick cost each idle member ~30 % of a core (the backoff wait strategy spins and yields
            // ~220 µs after every event); 4 ms costs ~13 %.
            .tickIntervalMs(Math.max(1, Math.min(config.ingress.tickIntervalMs, NETWORK_TICK_MS)));
        if (config.consensus.traceFile != null)
        {
            trace = dev.seqnet.node.network.NetworkTrace.open(config.resolve(config.consensus.traceFile));
        }
        return new NetworkCore(new NetworkCore.Parts(self, genesis.chainId, key, members, genesis.signingDomain(),
            genesis.l1FeeRateValue(), genesis.timestamp, consensusCore, core, mempool, ledger, head, journal, view, transport,
            2 * config.mempool.globalSlots, params.leaderTimeoutNs(), genesis.maxBlockTransactions(), consensusRecovery.finalized(),
            consensusRecovery.evidence(), consensusRecovery.bodies(recovered.finalizedView()))).trace(trace).heldCertificates(held).inbound(inbound).verifiedSignatures(verified);
    }

    public int rpcPort()
    {
        return rpcPort;
    }

    public String rpcUrl()
    {
        return "http://" + config.rpc.host + ":" + rpcPort;
    }

    public ChainView view()
    {
        return view;
    }

    public JournalRecovery.Result recovery()
    {
        return recovery;
    }

    @Override
    public void close()
    {
        if (rpc != null)
        {
            rpc.close();
        }
        if (subscriptions != null)
        {
            subscriptions.close();
        }
        if (clientIngress != null && view != null)
        {
            view.removeListener(clientIngress.finalityListener()); // nothing drains its queue once it stops
        }
        // The pipeline drains before the transport thread stops: with ingress.sequencer_on_transport that thread
        // is the one draining, and in any case it runs the media driver the drain's sends go through.
        if (pipeline != null)
        {
            pipeline.close();
        }
        if (transportRunner != null)
        {
            transportRunner.close(); // closes the client ingress with it (an agent of its composite)
        }
        if (soloClientIngress != null)
        {
            soloClientIngress.close();
        }
        else if (clientIngress != null && transportRunner == null)
        {
            clientIngress.close(); // made, never run
        }
        if (vertx != null)
        {
            try
            {
                vertx.close().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            catch (final Exception ignore)
            {
                // shutting down anyway
            }
        }
        if (transport != null)
        {
            transport.close();
        }
        if (driver != null)
        {
            driver.close();
        }
        if (trace != null)
        {
            trace.close();
        }
        if (view != null)
        {
            view.close(); // RPC and the pipeline have stopped: nothing reads the mapped indexes any more
        }
        if (journal != null)
        {
            journal.close();
        }
        if (dataLock != null)
        {
            dataLock.close();
        }
    }
}
