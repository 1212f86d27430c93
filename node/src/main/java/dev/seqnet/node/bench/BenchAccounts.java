package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.TxSigner;
import dev.seqnet.node.cli.RpcClient;
import dev.seqnet.node.config.DevAccounts;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The senders of a bench: private keys, addresses and the next nonce each will use. Generated bench
 * keys are {@code keccak256("seqnet-bench-account-" + i)}, so an embedded genesis can fund them and a
 * later run derives the same ones. An account whose transaction was refused or lost is retired: its
 * nonce sequence has a gap that later transactions would queue behind.
 */
public final class BenchAccounts
{
    /** Prefix hashed with the decimal index to make bench key {@code i}. */
    public static final String KEY_PREFIX = "seqnet-bench-account-";

    private static final BigInteger CURVE_ORDER =
        new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int NONCE_BATCH = 500;

    private final byte[][] keys;
    private final Address[] addresses;
    private final long[] nextNonce;
    private final boolean[] retired;
    private final String origin;

    private BenchAccounts(final byte[][] keys, final String origin)
    {
        this.keys = keys;
        this.origin = origin;
        this.addresses = new Address[keys.length];
        IntStream.range(0, keys.length).parallel().forEach(i -> addresses[i] = TxSigner.addressOf(keys[i]));
        this.nextNonce = new long[keys.length];
        this.retired = new boolean[keys.length];
    }

    /** Bench key {@code i}: {@code keccak256(UTF-8("seqnet-bench-account-" + i))}. */
    public static byte[] derivedKey(final int i)
    {
        final byte[] key = Keccak256.hash((KEY_PREFIX + i).getBytes(StandardCharsets.UTF_8));
        final BigInteger d = new BigInteger(1, key);
        if (d.signum() == 0 || d.compareTo(CURVE_ORDER) >= 0)
        {
            // Probability about 2^-128 per index; refuse rather than silently skip an index.
            throw new IllegalStateException("bench key " + i + " is not a valid secp256k1 scalar");
        }
        return key;
    }

    /** {@code count} generated bench accounts (indices 0 … count − 1). */
    public static BenchAccounts derived(final int count)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("--accounts must be at least 1");
        }
        final byte[][] keys = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            keys[i] = derivedKey(i);
        }
        return new BenchAccounts(keys, count + " generated bench accounts");
    }

    /** The ten funded development accounts of the {@code test … junk} mnemonic. */
    public static BenchAccounts dev()
    {
        final byte[][] keys = new byte[DevAccounts.COUNT][];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = DevAccounts.privateKey(i);
        }
        return new BenchAccounts(keys, "the " + DevAccounts.COUNT + " development accounts");
    }

    /** Keys from a file: one 32-byte hex private key per line; blank lines and {@code #} comments are skipped. */
    public static BenchAccounts fromFile(final Path file) throws IOException
    {
        final List<byte[]> keys = new ArrayList<>();
        int lineNo = 0;
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            lineNo++;
            final String text = line.strip();
            if (text.isEmpty() || text.startsWith("#"))
            {
                continue;
            }
            final byte[] key;
            try
            {
                key = Hex.decode(text);
            }
            catch (final IllegalArgumentException e)
            {
                throw new IOException(file + " line " + lineNo + ": " + e.getMessage());
            }
            final BigInteger d = new BigInteger(1, key);
            if (key.length != 32 || d.signum() == 0 || d.compareTo(CURVE_ORDER) >= 0)
            {
                throw new IOException(file + " line " + lineNo + ": not a 32-byte secp256k1 private key");
            }
            keys.add(key);
        }
        if (keys.isEmpty())
        {
            throw new IOException(file + " holds no keys");
        }
        return new BenchAccounts(keys.toArray(new byte[0][]), keys.size() + " accounts from " + file);
    }

    /** Reads each account's pending nonce ({@code eth_getTransactionCount(address, "pending")}) in JSON-RPC batches. */
    public void syncNonces(final RpcClient client) throws IOException
    {
        for (int from = 0; from < keys.length; from += NONCE_BATCH)
        {
            final int to = Math.min(keys.length, from + NONCE_BATCH);
            final ArrayNode batch = MAPPER.createArrayNode();
            for (int i = from; i < to; i++)
            {
                final ObjectNode request = batch.addObject();
                request.put("jsonrpc", "2.0");
                request.put("id", i);
                request.put("method", "eth_getTransactionCount");
                request.putArray("params").add(addresses[i].toHex()).add("pending");
            }
            final JsonNode responses;
            try
            {
                responses = MAPPER.readTree(client.send(batch.toString()).join());
            }
            catch (final java.util.concurrent.CompletionException e)
            {
                throw new IOException("eth_getTransactionCount batch failed: " + e.getCause(), e.getCause());
            }
            if (!responses.isArray() || responses.size() != to - from)
            {
                throw new IOException("eth_getTransactionCount batch: unexpected reply " + abbreviate(responses.toString()));
            }
            for (final JsonNode response : responses)
            {
                if (response.has("error"))
                {
                    throw new IOException("eth_getTransactionCount: " + response.get("error"));
                }
                final int i = response.path("id").asInt(-1);
                if (i < from || i >= to)
                {
                    throw new IOException("eth_getTransactionCount batch: unexpected id " + response.path("id"));
                }
                nextNonce[i] = Hex.parseQuantity(response.path("result").asText()).longValueExact();
            }
        }
    }

    public int size()
    {
        return keys.length;
    }

    public byte[] key(final int i)
    {
        return keys[i];
    }

    public Address address(final int i)
    {
        return addresses[i];
    }

    public long nextNonce(final int i)
    {
        return nextNonce[i];
    }

    /** Records that {@code count} consecutive nonces of account {@code i} were used. */
    void advance(final int i, final long count)
    {
        nextNonce[i] += count;
    }

    /** Never uses account {@code i} again (a transaction of it was refused or lost, so its nonces have a gap). */
    void retire(final int i)
    {
        retired[i] = true;
    }

    /** The indices of accounts not retired, ascending. */
    int[] active()
    {
        return IntStream.range(0, keys.length).filter(i -> !retired[i]).toArray();
    }

    /** Where the keys came from, for the run's header line. */
    public String origin()
    {
        return origin;
    }

    private static String abbreviate(final String s)
    {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
