package dev.seqnet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.node.config.DevAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.math.BigInteger;
import java.util.concurrent.Callable;

/**
 * {@code sequencer send}: signs an EIP-1559 transfer from a development account (or a given key),
 * sends it with {@code eth_sendRawTransaction}, and with {@code --wait} polls until it is in a block.
 */
@Command(name = "send", description = "Sign and send a transfer (EIP-1559) to a running member.")
public final class SendCommand implements Callable<Integer>
{
    @Option(names = "--rpc", defaultValue = "http://127.0.0.1:8545", description = "Member RPC URL (default ${DEFAULT-VALUE}).")
    String rpc;

    @Option(names = "--dev-account", defaultValue = "0", description = "Sender: index of a `test … junk` dev account (default 0).")
    int devAccount;

    @Option(names = "--private-key", description = "Sender private key (hex) instead of a dev account.")
    String privateKey;

    @Option(names = "--to", required = true, description = "Recipient address.")
    String to;

    @Option(names = "--value", defaultValue = "1000000000000000", description = "Wei to send (default 0.001 ETH).")
    String value;

    @Option(names = "--max-fee", defaultValue = "2000000000", description = "Max fee per gas, wei (default 2 gwei).")
    long maxFee;

    @Option(names = "--tip", defaultValue = "1000000", description = "Max priority fee per gas, wei.")
    long tip;

    @Option(names = "--count", defaultValue = "1", description = "Transactions to send (consecutive nonces).")
    int count;

    @Option(names = "--wait", description = "Wait until each transaction is in a finalized block.")
    boolean await;

    @Override
    public Integer call() throws Exception
    {
        final byte[] key = privateKey != null ? Hex.decode(privateKey) : DevAccounts.privateKey(devAccount);
        final Address from = TxSigner.addressOf(key);
        final RpcClient client = new RpcClient(rpc);
        final long chainId = Hex.parseQuantity(client.call("eth_chainId").asText()).longValue();
        long nonce = Hex.parseQuantity(client.call("eth_getTransactionCount", from.toHex(), "pending").asText()).longValue();
        for (int i = 0; i < count; i++)
        {
            final byte[] raw = TxSigner.signDynamicFee(chainId, nonce++, tip, maxFee, 21_000,
                Address.fromHex(to), Hex.parseQuantity(value), new byte[0], key);
            final long start = System.nanoTime();
            final String hash = client.call("eth_sendRawTransaction", Hex.encode(raw)).asText();
            if (!await)
            {
                System.out.println(hash);
                continue;
            }
            while (true)
            {
                final JsonNode tx = client.call("eth_getTransactionByHash", hash);
                if (tx != null && !tx.isNull() && !tx.path("blockNumber").isNull())
                {
                    System.out.printf("%s finalized in block %d after %.2f ms%n", hash,
                        Hex.parseQuantity(tx.get("blockNumber").asText()), (System.nanoTime() - start) / 1e6);
                    break;
                }
                Thread.sleep(1);
            }
        }
        return 0;
    }
}
