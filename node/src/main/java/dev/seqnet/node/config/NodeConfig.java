package dev.seqnet.node.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        /** The u128 l1_fee_rate put in headers, as a decimal string (no Bitcoin client here). */
        public String l1FeeRate = "1";
    }

    /** The Disruptor ingress pipeline. */
    public static final class Ingress
    {
        public int ringSize = 65536;
        /** Parallel sender-recovery handlers; 0 means cores - 1 (at least 1). */
        public int recoveryThreads = 0;
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
        final NodeConfig config = mapper().readValue(file.toFile(), NodeConfig.class);
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
        if (Integer.bitCount(ingress.ringSize) != 1)
        {
            throw new IllegalArgumentException("ingress.ring_size must be a power of two: " + ingress.ringSize);
        }
        if (mempool.accountSlots <= 0 || mempool.globalSlots <= 0)
        {
            throw new IllegalArgumentException("mempool limits must be positive");
        }
        final java.math.BigInteger feeRate = new java.math.BigInteger(block.l1FeeRate);
        if (feeRate.signum() < 0 || feeRate.bitLength() > 128)
        {
            throw new IllegalArgumentException("block.l1_fee_rate must fit a u128: " + block.l1FeeRate);
        }
        if (rpc.maxBlocksPerRequest <= 0 || rpc.maxBatch <= 0 || rpc.maxSubscriptionsPerConnection <= 0)
        {
            throw new IllegalArgumentException("rpc limits must be positive");
        }
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
