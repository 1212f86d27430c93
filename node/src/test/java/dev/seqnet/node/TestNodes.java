package dev.seqnet.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqnet.chain.Hex;
import dev.seqnet.node.cli.RpcClient;
import dev.seqnet.node.config.DevAccounts;
import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;
import dev.seqnet.node.config.NodeConfig;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;

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

    /** A signed EIP-1559 transfer of 10 wei from dev account {@code account}, as hex. */
    static String transfer(final int account, final long nonce)
    {
        final RawTransaction tx = RawTransaction.createEtherTransaction(CHAIN_ID, BigInteger.valueOf(nonce),
            BigInteger.valueOf(21_000), "0x1111111111111111111111111111111111111111", BigInteger.TEN,
            BigInteger.valueOf(1_000_000), BigInteger.valueOf(2_000_000_000L));
        return Hex.encode(TransactionEncoder.signMessage(tx, Credentials.create(Hex.encode(DevAccounts.privateKey(account)))));
    }

    /** The height of the block that finalized {@code hash}, waiting up to 20 s for it. */
    static long awaitIncluded(final RpcClient rpc, final String hash) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline)
        {
            final JsonNode tx = rpc.call("eth_getTransactionByHash", hash);
            if (tx != null && !tx.isNull() && !tx.get("blockNumber").isNull())
            {
                return Hex.parseQuantity(tx.get("blockNumber").asText()).longValue();
            }
            Thread.sleep(2);
        }
        throw new AssertionError("transaction " + hash + " not finalized in time");
    }
}
