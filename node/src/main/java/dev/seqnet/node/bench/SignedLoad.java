package dev.seqnet.node.bench;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.TxSigner;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One run's transactions, signed before the run so signing never sits in the measured path: the
 * complete {@code eth_sendRawTransaction} request body of each in send order, its hash, and its
 * sender. Transaction {@code i} comes from active account {@code i mod A} with that account's next
 * nonces in order, so consecutive sends use different accounts and each account's nonces arrive in
 * order, {@code A} sends apart.
 */
final class SignedLoad
{
    /** Where the value goes: a burn address nobody holds a key for. */
    static final Address SINK = Address.fromHex("0x000000000000000000000000000000000000dEaD");
    /** 1 mwei tip, as {@code testnet --load} sends. */
    static final long MAX_PRIORITY_FEE = 1_000_000L;
    /**
     * 1,000 gwei: far above the 1 gwei initial base fee, so a base fee that climbs under full blocks
     * (12.5% a block) does not strand the load; the ledger charges only base fee plus tip.
     */
    static final long MAX_FEE = 1_000_000_000_000L;
    static final long GAS = 21_000L;

    private final byte[][] bodies;
    private final byte[][] raws;
    private final byte[][] hashes;
    private final int[] sender;
    private final Map<String, Integer> byHash;
    private final int accounts;

    private SignedLoad(final int count, final int accounts)
    {
        this.accounts = accounts;
        bodies = new byte[count][];
        raws = new byte[count][];
        hashes = new byte[count][];
        sender = new int[count];
        byHash = new HashMap<>(count * 2);
    }

    /**
     * Signs {@code count} EIP-1559 transfers over the active accounts (in parallel on the common
     * fork-join pool) and advances each account's next nonce past the ones used.
     */
    static SignedLoad sign(final BenchAccounts accounts, final int count, final long chainId)
    {
        final int[] active = accounts.active();
        if (active.length == 0)
        {
            throw new IllegalStateException("no usable sender accounts left");
        }
        final SignedLoad load = new SignedLoad(count, active.length);
        final BigInteger value = BigInteger.ONE;
        final byte[] noData = new byte[0];
        IntStream.range(0, count).parallel().forEach(i ->
        {
            final int account = active[i % active.length];
            final long nonce = accounts.nextNonce(account) + i / active.length;
            final byte[] raw = TxSigner.signDynamicFee(chainId, nonce, MAX_PRIORITY_FEE, MAX_FEE, GAS, SINK, value, noData,
                accounts.key(account));
            load.raws[i] = raw;
            load.hashes[i] = Keccak256.hash(raw);
            load.sender[i] = account;
            load.bodies[i] = ("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"eth_sendRawTransaction\",\"params\":[\"" +
                Hex.encode(raw) + "\"]}").getBytes(StandardCharsets.US_ASCII);
        });
        for (int i = 0; i < count; i++)
        {
            load.byHash.put(Hex.encode(load.hashes[i]), i);
        }
        for (int slot = 0; slot < active.length && slot < count; slot++)
        {
            accounts.advance(active[slot], count / active.length + (slot < count % active.length ? 1 : 0));
        }
        return load;
    }

    int size()
    {
        return bodies.length;
    }

    /**
     * How many accounts send: transaction {@code i} is account slot {@code i mod accounts()}'s, and that
     * account's next transaction is {@code i + accounts()}.
     */
    int accounts()
    {
        return accounts;
    }

    /** The JSON-RPC request body of transaction {@code i}. */
    byte[] body(final int i)
    {
        return bodies[i];
    }

    /** The signed EIP-2718 bytes of transaction {@code i} (what the binary ingress sends). */
    byte[] raw(final int i)
    {
        return raws[i];
    }

    /** The sender account index of transaction {@code i}. */
    int sender(final int i)
    {
        return sender[i];
    }

    /** The index of the transaction with this {@code 0x}-hex hash, or −1 if it is not part of this load. */
    int indexOf(final String hashHex)
    {
        final Integer i = byHash.get(hashHex);
        return i == null ? -1 : i;
    }
}
