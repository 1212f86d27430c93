package dev.seqnet.node;

import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;
import dev.seqnet.node.config.NodeConfig;

import java.math.BigInteger;
import java.nio.file.Path;

/** Lays out a one-member node directory for tests: RPC on an ephemeral port, dev accounts funded. */
final class TestNodes
{
    static final long CHAIN_ID = 5115;

    private TestNodes()
    {
    }

    static NodeConfig layout(final Path dir, final long maxIntervalMs) throws Exception
    {
        final KeyFile key = KeyFile.generate();
        key.save(dir.resolve("key.json"));
        final Genesis genesis = new Genesis();
        genesis.chainId = CHAIN_ID;
        genesis.timestamp = 1_700_000_000L;
        genesis.feeRecipient = "0x00000000000000000000000000000000000fee00";
        genesis.members.add(new Genesis.Member(0, key.address, key.publicKey, "1"));
        for (int i = 0; i < DevAccounts.COUNT; i++)
        {
            genesis.alloc.put(DevAccounts.address(i).toHex(), new BigInteger("10000000000000000000000").toString());
        }
        genesis.save(dir.resolve("genesis.json"));
        final NodeConfig config = new NodeConfig();
        config.rpc.port = 0;
        config.block.maxIntervalMs = maxIntervalMs;
        config.ingress.waitStrategy = "backoff";
        config.ingress.recoveryThreads = 1;
        config.ingress.ringSize = 1024;
        config.save(dir.resolve("node.json"));
        return NodeConfig.load(dir.resolve("node.json"));
    }
}
