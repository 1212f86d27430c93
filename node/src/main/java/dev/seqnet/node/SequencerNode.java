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
    private final ChainView view = new ChainView();
    private DataDirLock dataLock;
    private Journal journal;
    private IngressPipeline pipeline;
    private Vertx vertx;
    private Subscriptions subscriptions;
    private JsonRpcServer rpc;
    private SequencerCore core;
    private JournalRecovery.Result recovery;
    private int rpcPort;

    private SequencerNode(final NodeConfig config, final Genesis genesis)
    {
        this.config = config;
        this.genesis = genesis;
    }

    /** What {@link #start} says for a genesis of more than one member until the consensus wiring exists. */
    public static final String MULTI_MEMBER_UNAVAILABLE = "multi-member consensus wiring not yet available";

    /**
     * Loads config, genesis and key, recovers from the journal and starts serving.
     *
     * @throws UnsupportedOperationException for a genesis of more than one member, once its consensus
     *                                       and transport settings have been checked (the member
     *                                       loop that runs them is not wired yet).
     */
    public static SequencerNode start(final NodeConfig config) throws Exception
    {
        final Genesis genesis = Genesis.load(config.genesisPath());
        if (genesis.members.size() > 1)
        {
            refuseMultiMember(config, genesis);
        }
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

    /**
     * Checks everything a member of a multi-member network needs before it could launch (its index in
     * genesis, the consensus parameters, a complete transport context), then refuses.
     */
    private static void refuseMultiMember(final NodeConfig config, final Genesis genesis) throws Exception
    {
        final SequencerKey key = KeyFile.load(config.keyPath());
        final int self = genesis.memberSet().indexOf(key.publicKey());
        if (self < 0)
        {
            throw new IllegalStateException("key " + Hex.encode(key.publicKey()) + " is not a member in " + config.genesisPath());
        }
        config.consensusParams(genesis);
        config.transportContext(self, genesis.members.size()).conclude();
        throw new UnsupportedOperationException(MULTI_MEMBER_UNAVAILABLE + " (genesis has " + genesis.members.size() +
            " members; this is member " + self + ")");
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
        journal = Journal.open(new Journal.Context().dir(journalDir).syncOnAppend(config.journal.syncOnAppend));
        core = new SequencerCore(key, mempool, ledger, journal, view, removals, feeRecipient,
            genesis.l1FeeRateValue(), config.block.minIntervalMs, config.block.maxIntervalMs, genesis.timestamp);
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
        pipeline = new IngressPipeline(new IngressPipeline.Context()
            .ringSize(config.ingress.ringSize)
            .recoveryThreads(config.ingress.recoveryThreads > 0 ? config.ingress.recoveryThreads : Math.max(1, cores - 1))
            .waitStrategy(config.ingress.waitStrategy)
            .tickIntervalMs(config.ingress.tickIntervalMs), decoder::decode, core);

        // Bind RPC before the pipeline produces anything: a port clash must fail the start cleanly.
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Math.min(2, cores))).setWorkerPoolSize(2));
        subscriptions = new Subscriptions(view, vertx.getOrCreateContext(), config.rpc.maxSubscriptionsPerConnection);
        final SoloConsensus consensus = new SoloConsensus(view, key, genesis.signingDomain());
        rpc = new JsonRpcServer(vertx, new RpcMethods(genesis, view, consensus, pipeline, subscriptions), subscriptions, config.rpc);
        rpcPort = rpc.start();
        pipeline.start();
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
        if (pipeline != null)
        {
            pipeline.close();
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
