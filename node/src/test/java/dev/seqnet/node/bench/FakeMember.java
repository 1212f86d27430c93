package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a member, for the bench's generator: {@code eth_sendRawTransaction} over HTTP into a pool
 * that queues each sender's transactions by nonce, a block every 5 ms holding every sender's contiguous run
 * from its committed nonce (so a nonce gap holds the sender's later transactions back for good, as in the
 * real pool), and {@code citrea_subscribe("newL2Blocks")} pushing those blocks over WebSocket. A
 * {@link Policy} decides which arrivals it refuses, with which message, or drops (the connection closed
 * after admitting, as when a reply is lost). Everything runs on one event loop.
 */
final class FakeMember implements AutoCloseable
{
    /** What to do with arrival {@code arrival} (0 for the first) of the transaction with JSON-RPC id {@code id}. */
    interface Policy
    {
        /** Null to admit; {@link #DROP_REPLY} to admit and close the connection unanswered; else {code, message}. */
        Object[] refuse(int id, int arrival);
    }

    static final Object[] DROP_REPLY = new Object[0];

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final long chainId;
    private final TxDecoder decoder;
    private final Policy policy;
    private final Map<String, Integer> arrivals = new HashMap<>();
    private final Map<Address, TreeMap<Long, String>> pool = new HashMap<>();
    private final Map<Address, Long> committed = new HashMap<>();
    private final List<ServerWebSocket> subscribers = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new ArrayList<>();
    private HttpServer server;
    private long height;
    private int drops;
    private int behindGap;
    private int deepestQueue;
    private long pausedUntilNanos;

    private FakeMember(final long chainId, final Policy policy)
    {
        this.chainId = chainId;
        this.decoder = new TxDecoder(chainId);
        this.policy = policy;
    }

    static FakeMember start(final long chainId, final Policy policy) throws Exception
    {
        return start(chainId, policy, 5);
    }

    /** With a block every {@code blockIntervalMs}. */
    static FakeMember start(final long chainId, final Policy policy, final long blockIntervalMs) throws Exception
    {
        final FakeMember fake = new FakeMember(chainId, policy);
        fake.server = fake.vertx.createHttpServer()
            .webSocketHandler(fake::subscribe)
            .requestHandler(request -> request.body().onSuccess(body -> fake.onRequest(request, body.toString())))
            .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        fake.vertx.setPeriodic(blockIntervalMs, id -> fake.cutBlock());
        return fake;
    }

    String url()
    {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Every refusal answered so far, as "id:message". */
    synchronized List<String> refusals()
    {
        return new ArrayList<>(refusals);
    }

    /** Replies withheld by closing the connection. */
    synchronized int drops()
    {
        return drops;
    }

    /** Transactions admitted with a nonce gap below them: they wait in the pool for an earlier one. */
    synchronized int admittedBehindAGap()
    {
        return behindGap;
    }

    /** The most transactions one sender had waiting in the pool at once since the last {@link #resetDeepestQueue()}. */
    synchronized int deepestQueue()
    {
        return deepestQueue;
    }

    synchronized void resetDeepestQueue()
    {
        deepestQueue = 0;
    }

    /** Cuts no block for the next {@code ms}: transactions pile up in the pool as behind a stalled network. */
    synchronized void pauseBlocksFor(final long ms)
    {
        pausedUntilNanos = System.nanoTime() + ms * 1_000_000L;
    }

    /** The next nonce each sender's committed transactions leave it at. */
    synchronized long committedNonce(final Address sender)
    {
        return committed.getOrDefault(sender, 0L);
    }

    private synchronized void onRequest(final io.vertx.core.http.HttpServerRequest request, final String body)
    {
        final JsonNode call;
        final EthTransaction tx;
        try
        {
            call = MAPPER.readTree(body);
            if (answeredAsTarget(request, call))
            {
                return;
            }
            tx = decoder.decode(Hex.decode(call.path("params").path(0).asText()));
        }
        catch (final Exception e)
        {
            request.response().setStatusCode(400).end();
            return;
        }
        final int id = call.path("id").asInt();
        final String hash = Hex.encode(tx.hash());
        final int arrival = arrivals.merge(hash, 1, Integer::sum) - 1;
        final Object[] refusal = policy.refuse(id, arrival);
        if (refusal != null && refusal != DROP_REPLY)
        {
            refusals.add(id + ":" + refusal[1]);
            reply(request, id, null, (Integer)refusal[0], (String)refusal[1]);
            return;
        }
        final long next = committed.getOrDefault(tx.sender(), 0L);
        final TreeMap<Long, String> queue = pool.computeIfAbsent(tx.sender(), a -> new TreeMap<>());
        if (tx.nonce() < next)
        {
            reply(request, id, null, -32000, "nonce too low");
            return;
        }
        if (queue.containsKey(tx.nonce()))
        {
            reply(request, id, null, -32000, "already known");
            return;
        }
        long contiguous = next;
        while (queue.containsKey(contiguous))
        {
            contiguous++;
        }
        if (tx.nonce() > contiguous)
        {
            behindGap++;
        }
        queue.put(tx.nonce(), Hex.encode(tx.raw()));
        deepestQueue = Math.max(deepestQueue, queue.size());
        if (refusal == DROP_REPLY)
        {
            drops++;
            request.connection().close();
            return;
        }
        reply(request, id, hash, 0, null);
    }

    /**
     * What {@code bench --rpc} asks a target before it sends: {@code eth_chainId}, {@code seq_members}
     * (one member) and batches of {@code eth_getTransactionCount} (each sender's committed nonce, which
     * is its pending one as long as the fake starts empty and is asked before the load). Anything else
     * goes on to the transaction path, which answers what it cannot decode with HTTP 400.
     */
    private boolean answeredAsTarget(final io.vertx.core.http.HttpServerRequest request, final JsonNode call)
    {
        final String method = call.isArray() ? call.path(0).path("method").asText() : call.path("method").asText();
        if (call.isArray() && !"eth_getTransactionCount".equals(method))
        {
            return false;
        }
        final JsonNode result;
        if ("eth_chainId".equals(method))
        {
            result = MAPPER.getNodeFactory().textNode("0x" + Long.toHexString(chainId));
        }
        else if ("seq_members".equals(method))
        {
            result = MAPPER.createArrayNode().add(MAPPER.createObjectNode().put("index", 0));
        }
        else if ("eth_getTransactionCount".equals(method) && call.isArray())
        {
            final ArrayNode replies = MAPPER.createArrayNode();
            for (final JsonNode c : call)
            {
                final long nonce = committed.getOrDefault(Address.fromHex(c.path("params").path(0).asText()), 0L);
                replies.addObject().put("jsonrpc", "2.0").put("id", c.path("id").asInt()).put("result", "0x" + Long.toHexString(nonce));
            }
            request.response().putHeader("Content-Type", "application/json").end(replies.toString());
            return true;
        }
        else
        {
            return false;
        }
        final ObjectNode o = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", call.path("id").asInt());
        o.set("result", result);
        request.response().putHeader("Content-Type", "application/json").end(o.toString());
        return true;
    }

    private static void reply(final io.vertx.core.http.HttpServerRequest request, final int id, final String result,
        final int code, final String message)
    {
        final ObjectNode o = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id);
        if (message == null)
        {
            o.put("result", result);
        }
        else
        {
            o.putObject("error").put("code", code).put("message", message);
        }
        request.response().putHeader("Content-Type", "application/json").end(o.toString());
    }

    private void subscribe(final ServerWebSocket socket)
    {
        socket.textMessageHandler(text ->
        {
            subscribers.add(socket);
            socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}");
        });
    }

    /** A block of every sender's contiguous run from its committed nonce; nothing behind a gap. */
    private synchronized void cutBlock()
    {
        if (System.nanoTime() - pausedUntilNanos < 0)
        {
            return;
        }
        final ArrayNode txs = MAPPER.createArrayNode();
        for (final Map.Entry<Address, TreeMap<Long, String>> e : pool.entrySet())
        {
            long next = committed.getOrDefault(e.getKey(), 0L);
            String raw;
            while ((raw = e.getValue().remove(next)) != null)
            {
                txs.add(raw);
                next++;
            }
            committed.put(e.getKey(), next);
        }
        if (txs.isEmpty())
        {
            return;
        }
        height++;
        final ObjectNode block = MAPPER.createObjectNode();
        block.putObject("header").put("height", "0x" + Long.toHexString(height)).put("hash", "00");
        block.set("txs", txs);
        final ObjectNode note = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("method", "citrea_subscription");
        note.putObject("params").put("subscription", "0x1").set("result", block);
        final String text = note.toString();
        for (final ServerWebSocket socket : subscribers)
        {
            socket.writeTextMessage(text);
        }
    }

    @Override
    public void close() throws Exception
    {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
