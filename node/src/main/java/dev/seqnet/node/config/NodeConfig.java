package dev.seqnet.node.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.seqnet.chain.crypto.Sha256;
import dev.seqnet.chain.Hex;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.core.ConsensusParams;
import dev.seqnet.transport.MediaDriverLauncher;
import dev.seqnet.transport.Transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A member's configuration file ({@code node.json}), snake_case keys. Relative paths resolve against
 * the file's directory so a node directory can be moved as a whole. Unknown keys are an error: a typo
 * in a timeout must not silently fall back to a default.
 */
public final class NodeConfig
{
    /** Directory holding the journal; relative to the config file. */
    public String dataDir = "data";
    /** The member's key file ({@link KeyFile}). */
    public String keyFile = "key.json";
    /** The network's genesis file ({@link Genesis}). */
    public String genesisFile = "genesis.json";

    public Rpc rpc = new Rpc();
    public Block block = new Block();
    public Ingress ingress = new Ingress();
    public Mempool mempool = new Mempool();
    public Journal journal = new Journal();
    public Chain chain = new Chain();
    public Consensus consensus = new Consensus();
    public TransportSettings transport = new TransportSettings();
    public ClientIngressSettings clientIngress = new ClientIngressSettings();

    /** JSON-RPC over HTTP and WebSocket on one port. */
    public static final class Rpc
    {
        public String host = "127.0.0.1";
        public int port = 8545;
        /** Largest request body accepted, bytes; bigger requests get -32600. */
        public int maxBodyBytes = 4 * 1024 * 1024;
        /** Largest JSON-RPC batch accepted. */
        public int maxBatch = 1000;
        /** Most blocks one request or batch may return. */
        public int maxBlocksPerRequest = 200;
        /** Most citrea_subscribe subscriptions one WebSocket connection may hold. */
        public int maxSubscriptionsPerConnection = 16;
        /** Idle HTTP/WebSocket connections are closed after this many seconds. */
        public int idleTimeoutSeconds = 300;
    }

    /** When blocks are cut: as soon as transactions wait, rate-limited and with an empty-block heartbeat. */
    public static final class Block
    {
        /** At most one block per this many ms; 0 cuts a block as soon as transactions are waiting. */
        public long minIntervalMs = 0;
        /** An (empty if need be) block at least this often. */
        public long maxIntervalMs = 1000;
    }

    /** The Disruptor ingress pipeline. */
    public static final class Ingress
    {
        public int ringSize = 65536;
        /** Parallel sender-recovery handlers; 0 means cores - 1 (at least 1). Ignored when {@link #inlineRecovery}. */
        public int recoveryThreads = 0;
        /**
         * Recover senders and check peer frames on the sequencer thread itself, no recovery thread: for
         * several members sharing a few cores, where a hand-off between stage threads costs a wake-up per
         * message and buys no parallelism.
         */
        public boolean inlineRecovery = false;
        /**
         * Run the sequencer stage in the transport thread's duty cycle (needs {@link #inlineRecovery}; a
         * member of a network only): one thread receives a peer's frame, checks it, runs consensus on it and
         * sends the answer, with no wake-up of another thread in between. For several members on a few
         * shared cores; a member with cores of its own keeps the stages on their own threads.
         */
        public boolean sequencerOnTransport = false;
        /**
         * backoff (default: spin, yield, then block; no CPU when idle), yielding, sleeping, blocking,
         * busy-spin (dedicated pinned cores only).
         */
        public String waitStrategy = "backoff";
        /**
         * Timer resolution of the sequencer stage: the empty-block heartbeat and blocks deferred by
         * min_interval_ms are cut on a tick. Transactions never wait for one (blocks are cut at the
         * end of the batch that admitted them). Each tick wakes the pipeline's threads, so 1 ms ticks
         * cost about a fifth of a core per thread when idle; 10 ms cost a fiftieth.
         */
        public long tickIntervalMs = 10;
    }

    /** Mempool limits. */
    public static final class Mempool
    {
        public int accountSlots = 64;
        public int globalSlots = 100_000;
    }

    /** Chronicle Queue journal. */
    public static final class Journal
    {
        /** Force each append to disk (survives machine crash, costs ms); off survives process crash. */
        public boolean syncOnAppend = false;
    }

    /** How much of the finalized chain a member keeps in memory; the rest is read from the journal. */
    public static final class Chain
    {
        /**
         * The most recent blocks (and, in a network member, their finalization records) held in memory for
         * RPC and block sync; older ones are read back from the journal. Bounds the live heap a member's
         * chain history costs whatever its length.
         */
        public int cachedBlocks = dev.seqnet.node.state.ChainView.Context.DEFAULT_CACHED_BLOCKS;
    }

    /**
     * Local consensus timings (PROTOCOL.md §4.4). They may differ between members; what must not
     * (the member set, fast_path_slack, l1_fee_rate) is in genesis. The block intervals are
     * {@code block.min_interval_ms} and {@code block.max_interval_ms}.
     */
    public static final class Consensus
    {
        /** T_base: how long after a proposal is due a member waits for it. */
        public long leaderTimeoutMs = 20;
        /** C_MAX: the timeout doubles at most this many times (20 ms · 2^5 = 640 ms). */
        public int timeoutMaxDoublings = 5;
        /** R: views a leader that timed out stays demoted (§4.3). */
        public int activityWindowViews = 16;
        /** W_FUTURE: votes and proposals further ahead are dropped (§11). */
        public int futureWindowViews = 64;
        /** W_PAST: state kept below the current view. */
        public int pastWindowViews = 1024;
        /** R12: at most one nudge per peer this often. */
        public long nudgeIntervalMs = 10;
        /**
         * R8's grace (PROTOCOL.md §4.6): how long a member holding a notarization waits for the fast path
         * before sending its Finalize vote, while every member it needs is active. 0 sends at once. 500 µs by
         * default since the fourth round of issue 4 (docs/PERFORMANCE.md, "R8's grace").
         */
        public long finalizeGraceUs = 500;
        /**
         * R10 (PROTOCOL.md §4.6): {@code needed} (default) sends a certificate this member formed, T_base / 4
         * later, only to the members that have not shown they hold one; {@code all} broadcasts each formed
         * certificate at once (the rule before issue 4's eleventh round: n − 1 copies at every member, twice a view).
         */
        public String relayCertificates = "needed";
        /** {@code none}, or {@code msync} to force each own vote to the device before it is sent (§8.1). */
        public String voteSync = "none";
        /**
         * A file for this member's consensus timeline (frames, core inputs and commands with their
         * nanoTime), read by {@code tools/trace-breakdown.py}; null (default) for none. Debugging only: it
         * costs an allocation and a write per event.
         */
        public String traceFile;
    }

    /**
     * How this member reaches the others ({@code transport-aeron}, docs/TRANSPORT.md). Used only when
     * genesis has more than one member.
     */
    public static final class TransportSettings
    {
        /** {@code multicast}, {@code mdc} or {@code unicast}. */
        public String mode = "multicast";
        /** The group's {@code address:port} (multicast mode). */
        public String multicastEndpoint = Transport.Context.DEFAULT_MULTICAST_ENDPOINT;
        /** The local interface multicast goes out on; without one Linux would use the default route. */
        public String multicastInterface = Transport.Context.DEFAULT_MULTICAST_INTERFACE;
        /** This member's unicast {@code host:port}: where peers reach it. */
        public String endpoint = Transport.Context.DEFAULT_HOST + ":" + Transport.Context.DEFAULT_BASE_PORT;
        /** Every other member's unicast endpoint, by genesis member index. */
        public Map<Integer, String> peers = new TreeMap<>();
        /** Term length of the publications, a power of two ≥ 2 MiB: a frame is at most a term / 8 (PROTOCOL.md §3.6). */
        public int termLength = Transport.Context.DEFAULT_TERM_LENGTH;
        /**
         * Where this member's media-driver directory is made ({@code /dev/shm} keeps it in memory).
         * The directory is named after the member's data directory, so restarts reuse it and two
         * members on one host never share one.
         */
        public String aeronDirBase = "/dev/shm";
        /**
         * Threads of the embedded media driver: {@code invoker} (default: none; the transport thread runs the
         * driver in its own duty cycle, one backoff park per hop instead of two), {@code shared} (one driver
         * thread), or {@code dedicated} (three busy-spinning threads: only with three spare pinned cores).
         */
        public String driverThreading = "invoker";
        /**
         * Longest sleep of the transport thread's backoff idle strategy, in microseconds: the most a frame
         * waits to be sent or read when the member is idle, against the CPU an idle member burns waking up.
         */
        public long idleMaxParkUs = 100;
        /**
         * The transport thread's backoff after a duty cycle that found no work: this many busy spins, then this
         * many {@code Thread.yield()}s, then parks from {@code idle_min_park_us} doubling to {@code idle_max_park_us}.
         * Spins and yields catch an answer that comes within microseconds, at the price of CPU after every burst
         * of work: worth it with a core to spare, not when members share a few.
         */
        public int idleSpins = 10;
        public int idleYields = 20;
        public long idleMinParkUs = 1;
        /**
         * Linux timer slack of the transport thread, in ns (0 keeps the system's, usually 50 µs): the kernel may
         * end each idle park that much late, and a frame that arrives meanwhile waits for it. 1 µs makes the
         * parks as long as {@code idle_max_park_us} says, for a few more wake-ups of an idle member.
         */
        public long timerSlackNs = 1_000;
    }

    /**
     * The binary client ingress ({@code SubmitTransaction} over Aeron UDP, docs/RPC.md "Binary ingress"): for clients
     * that send many transactions. Off unless {@code channel} is set. A one-member node then starts a media driver
     * for it alone; a member of a network shares its transport's.
     */
    public static final class ClientIngressSettings
    {
        /** Where clients publish, e.g. {@code aeron:udp?endpoint=127.0.0.1:40700}; null (default) turns it off. */
        public String channel;
        /** Stream id clients publish on. */
        public int streamId = dev.seqnet.node.ingress.ClientIngress.Context.DEFAULT_STREAM_ID;
        /** Most client sessions at once; a connect over it is refused and counted. */
        public int maxSessions = dev.seqnet.node.ingress.ClientIngress.Context.DEFAULT_MAX_SESSIONS;
        /**
         * Admitted transactions per table (two) waiting for their {@code TxFinalized} notice; 0 turns notices off
         * (docs/RPC.md, "Binary ingress").
         */
        public int finalityTracked = dev.seqnet.node.ingress.ClientIngress.Context.DEFAULT_FINALITY_TRACKED;
    }

    /** Smallest transport term: a 2 MiB TxBatch/Proposal-carrying publication needs term / 8 ≥ 256 KiB (§3.6). */
    public static final int MIN_TERM_LENGTH = 2 * 1024 * 1024;

    /** Where the file was read from; relative paths resolve against its directory. */
    private transient Path baseDir = Path.of(".");

    public static ObjectMapper mapper()
    {
        return new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static NodeConfig load(final Path file) throws IOException
    {
        final NodeConfig config;
        try
        {
            config = mapper().readValue(file.toFile(), NodeConfig.class);
        }
        catch (final UnrecognizedPropertyException e)
        {
            if ("l1_fee_rate".equals(e.getPropertyName()))
            {
                throw new IllegalArgumentException(file + ": block.l1_fee_rate moved to genesis.json \"l1_fee_rate\" " +
                    "(every member must use the same value); remove it from node.json");
            }
            throw e;
        }
        config.baseDir = file.toAbsolutePath().getParent();
        config.validate();
        return config;
    }

    public void save(final Path file) throws IOException
    {
        Files.createDirectories(file.toAbsolutePath().getParent());
        mapper().writeValue(file.toFile(), this);
    }

    /** @throws IllegalArgumentException naming the first bad setting. */
    public void validate()
    {
        if (rpc.port < 0 || rpc.port > 65535)
        {
            throw new IllegalArgumentException("rpc.port out of range: " + rpc.port);
        }
        if (block.minIntervalMs < 0 || block.maxIntervalMs <= 0 || block.minIntervalMs > block.maxIntervalMs)
        {
            throw new IllegalArgumentException(
                "need 0 <= block.min_interval_ms <= block.max_interval_ms and max > 0, got " +
                block.minIntervalMs + " / " + block.maxIntervalMs);
        }
        if (ingress.tickIntervalMs <= 0 || ingress.tickIntervalMs > block.maxIntervalMs)
        {
            throw new IllegalArgumentException("need 0 < ingress.tick_interval_ms <= block.max_interval_ms");
        }
        if (ingress.sequencerOnTransport && !ingress.inlineRecovery)
        {
            throw new IllegalArgumentException(
                "ingress.sequencer_on_transport needs ingress.inline_recovery = true (the transport thread recovers each frame itself)");
        }
        if (Integer.bitCount(ingress.ringSize) != 1)
        {
            throw new IllegalArgumentException("ingress.ring_size must be a power of two: " + ingress.ringSize);
        }
        if (mempool.accountSlots <= 0 || mempool.globalSlots <= 0)
        {
            throw new IllegalArgumentException("mempool limits must be positive");
        }
        if (chain.cachedBlocks < 1)
        {
            throw new IllegalArgumentException("chain.cached_blocks must be at least 1: " + chain.cachedBlocks);
        }
        if (rpc.maxBlocksPerRequest <= 0 || rpc.maxBatch <= 0 || rpc.maxSubscriptionsPerConnection <= 0)
        {
            throw new IllegalArgumentException("rpc limits must be positive");
        }
        validateConsensus();
        validateTransport();
        if (clientIngress.channel != null && !clientIngress.channel.startsWith("aeron:udp?"))
        {
            throw new IllegalArgumentException("client_ingress.channel must be an aeron:udp? channel: " + clientIngress.channel);
        }
        if (clientIngress.maxSessions < 1 || clientIngress.maxSessions > 4096)
        {
            throw new IllegalArgumentException("client_ingress.max_sessions must be in [1, 4096]: " + clientIngress.maxSessions);
        }
        if (clientIngress.finalityTracked < 0 || clientIngress.finalityTracked > 1 << 24)
        {
            throw new IllegalArgumentException("client_ingress.finality_tracked must be in [0, 16777216]: " + clientIngress.finalityTracked);
        }
    }

    private void validateConsensus()
    {
        if (consensus.leaderTimeoutMs <= 0 || consensus.nudgeIntervalMs <= 0)
        {
            throw new IllegalArgumentException("consensus.leader_timeout_ms and consensus.nudge_interval_ms must be positive");
        }
        if (consensus.finalizeGraceUs < 0 || consensus.finalizeGraceUs >= 1000 * consensus.leaderTimeoutMs)
        {
            throw new IllegalArgumentException("consensus.finalize_grace_us must be in [0, leader_timeout_ms · 1000): " +
                consensus.finalizeGraceUs);
        }
        if (consensus.timeoutMaxDoublings < 0 || consensus.timeoutMaxDoublings > 20)
        {
            throw new IllegalArgumentException("consensus.timeout_max_doublings must be in [0, 20]: " + consensus.timeoutMaxDoublings);
        }
        if (consensus.activityWindowViews < 1 || consensus.futureWindowViews < 1 || consensus.pastWindowViews < 1)
        {
            throw new IllegalArgumentException("consensus.*_window_views must be at least 1");
        }
        if (!"none".equals(consensus.voteSync) && !"msync".equals(consensus.voteSync))
        {
            throw new IllegalArgumentException("consensus.vote_sync must be none or msync: " + consensus.voteSync);
        }
        if (!"needed".equals(consensus.relayCertificates) && !"all".equals(consensus.relayCertificates))
        {
            throw new IllegalArgumentException("consensus.relay_certificates must be needed or all: " + consensus.relayCertificates);
        }
    }

    private void validateTransport()
    {
        transportMode();
        driverProfile();
        if (transport.timerSlackNs < 0 || transport.timerSlackNs > 1_000_000_000L)
        {
            throw new IllegalArgumentException("transport.timer_slack_ns must be in [0, 1000000000]: " + transport.timerSlackNs);
        }
        if (transport.idleSpins < 0 || transport.idleYields < 0 || transport.idleMinParkUs < 1 ||
            transport.idleMinParkUs > transport.idleMaxParkUs)
        {
            throw new IllegalArgumentException("need transport.idle_spins >= 0, idle_yields >= 0 and " +
                "1 <= idle_min_park_us <= idle_max_park_us, got " + transport.idleSpins + ", " + transport.idleYields +
                ", " + transport.idleMinParkUs + ", " + transport.idleMaxParkUs);
        }
        if (transport.idleMaxParkUs < 1 || transport.idleMaxParkUs > 1_000_000)
        {
            throw new IllegalArgumentException("transport.idle_max_park_us must be in [1, 1000000]: " + transport.idleMaxParkUs);
        }
        if (Integer.bitCount(transport.termLength) != 1 || transport.termLength < MIN_TERM_LENGTH ||
            transport.termLength > 1 << 30)
        {
            throw new IllegalArgumentException(
                "transport.term_length must be a power of two in [2 MiB, 1 GiB]: " + transport.termLength);
        }
        checkEndpoint("transport.endpoint", transport.endpoint);
        checkEndpoint("transport.multicast_endpoint", transport.multicastEndpoint);
        for (final Map.Entry<Integer, String> peer : transport.peers.entrySet())
        {
            if (peer.getKey() == null || peer.getKey() < 0 || peer.getKey() >= MemberSet.MAX_MEMBERS)
            {
                throw new IllegalArgumentException("transport.peers: member index out of range: " + peer.getKey());
            }
            checkEndpoint("transport.peers." + peer.getKey(), peer.getValue());
        }
    }

    private static void checkEndpoint(final String name, final String endpoint)
    {
        final int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        final int port;
        try
        {
            port = colon <= 0 ? -1 : Integer.parseInt(endpoint.substring(colon + 1));
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(name + " must be host:port, got " + endpoint);
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException(name + " must be host:port with a port in [1, 65535], got " + endpoint);
        }
    }

    /** {@code transport.driver_threading} as the driver launcher's profile. */
    public MediaDriverLauncher.Profile driverProfile()
    {
        switch (transport.driverThreading == null ? "" : transport.driverThreading)
        {
            case "invoker":
                return MediaDriverLauncher.Profile.INVOKER;
            case "shared":
                return MediaDriverLauncher.Profile.SHARED_BACKOFF;
            case "dedicated":
                return MediaDriverLauncher.Profile.DEDICATED_BUSY_SPIN;
            default:
                throw new IllegalArgumentException("transport.driver_threading must be invoker, shared or dedicated: " +
                    transport.driverThreading);
        }
    }

    /** {@code transport.mode} as the transport's enum. */
    public Transport.Mode transportMode()
    {
        switch (transport.mode == null ? "" : transport.mode)
        {
            case "multicast":
                return Transport.Mode.MULTICAST;
            case "mdc":
                return Transport.Mode.MDC;
            case "unicast":
                return Transport.Mode.UNICAST;
            default:
                throw new IllegalArgumentException("transport.mode must be multicast, mdc or unicast: " + transport.mode);
        }
    }

    /**
     * The consensus core's parameters: genesis members, quorums and signing domain, and this file's
     * timings (block intervals from {@code block.*}).
     *
     * @throws IllegalArgumentException for an invalid genesis member set.
     * @throws IllegalStateException    if the genesis hash is unknown (genesis not read from a file).
     */
    public ConsensusParams consensusParams(final Genesis genesis)
    {
        return new ConsensusParams()
            .members(genesis.memberSet())
            .domain(genesis.signingDomain())
            .leaderTimeoutNs(TimeUnit.MILLISECONDS.toNanos(consensus.leaderTimeoutMs))
            .maxTimeoutDoublings(consensus.timeoutMaxDoublings)
            .maxBlockIntervalNs(TimeUnit.MILLISECONDS.toNanos(block.maxIntervalMs))
            .minBlockIntervalNs(TimeUnit.MILLISECONDS.toNanos(block.minIntervalMs))
            .activityWindowViews(consensus.activityWindowViews)
            .futureWindowViews(consensus.futureWindowViews)
            .pastWindowViews(consensus.pastWindowViews)
            .nudgeIntervalNs(TimeUnit.MILLISECONDS.toNanos(consensus.nudgeIntervalMs))
            .finalizeGraceNs(TimeUnit.MICROSECONDS.toNanos(consensus.finalizeGraceUs))
            .relayAllCertificates("all".equals(consensus.relayCertificates))
            .conclude();
    }

    /**
     * Every member's unicast endpoint by index: {@code transport.endpoint} for {@code self}, the
     * {@code transport.peers} entries for the others.
     *
     * @throws IllegalArgumentException if a peer is missing, or one is listed that genesis lacks.
     */
    public String[] memberEndpoints(final int self, final int memberCount)
    {
        final String[] endpoints = new String[memberCount];
        for (final Map.Entry<Integer, String> peer : transport.peers.entrySet())
        {
            if (peer.getKey() >= memberCount || peer.getKey() == self)
            {
                throw new IllegalArgumentException("transport.peers lists member " + peer.getKey() +
                    (peer.getKey() == self ? ", which is this member (use transport.endpoint)" :
                    ", but genesis has " + memberCount + " members"));
            }
            endpoints[peer.getKey()] = peer.getValue();
        }
        endpoints[self] = transport.endpoint;
        for (int i = 0; i < memberCount; i++)
        {
            if (endpoints[i] == null)
            {
                throw new IllegalArgumentException("transport.peers has no endpoint for member " + i);
            }
        }
        return endpoints;
    }

    /**
     * This member's media-driver directory: {@code transport.aeron_dir_base/seqnet-aeron-<16 hex>},
     * the hex being the start of SHA-256 of the absolute data directory. The member owns it through
     * its data-dir lock, so the driver may delete it on start (docs/TRANSPORT.md).
     */
    public Path aeronDirectory()
    {
        final byte[] id = Sha256.hash(dataPath().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
        return Path.of(transport.aeronDirBase).resolve("seqnet-aeron-" + Hex.encodeBare(id).substring(0, 16));
    }

    /**
     * The transport's context for member {@code self} of {@code memberCount}: mode, endpoints,
     * multicast group and interface, term length and media-driver directory. Not concluded.
     */
    public Transport.Context transportContext(final int self, final int memberCount)
    {
        return new Transport.Context()
            .mode(transportMode())
            .memberIndex(self)
            .memberCount(memberCount)
            .memberEndpoints(memberEndpoints(self, memberCount))
            .multicastEndpoint(transport.multicastEndpoint)
            .multicastInterface(transport.multicastInterface)
            .termLength(transport.termLength)
            .timerSlackNs(transport.timerSlackNs)
            .aeronDirectoryName(aeronDirectory().toString());
    }

    public Path resolve(final String path)
    {
        return baseDir.resolve(path).normalize();
    }

    public Path dataPath()
    {
        return resolve(dataDir);
    }

    public Path keyPath()
    {
        return resolve(keyFile);
    }

    public Path genesisPath()
    {
        return resolve(genesisFile);
    }

    public NodeConfig baseDir(final Path dir)
    {
        this.baseDir = dir.toAbsolutePath();
        return this;
    }

    public Path baseDir()
    {
        return baseDir;
    }
}
