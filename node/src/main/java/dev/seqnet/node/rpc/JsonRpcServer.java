package dev.seqnet.node.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.node.config.NodeConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * JSON-RPC 2.0 over HTTP (POST /) and WebSocket (same port) on Vert.x: single and batch requests,
 * notifications, JSON-RPC error codes, and body and batch size limits, so no request can crash the
 * node or make it buffer without bound.
 */
public final class JsonRpcServer implements AutoCloseable
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final Vertx vertx;
    private final RpcMethods methods;
    private final Subscriptions subscriptions;
    private final NodeConfig.Rpc config;
    private HttpServer server;

    public JsonRpcServer(final Vertx vertx, final RpcMethods methods, final Subscriptions subscriptions, final NodeConfig.Rpc config)
    {
        this.vertx = vertx;
        this.methods = methods;
        this.subscriptions = subscriptions;
        this.config = config;
    }

    /** Binds and listens; returns the bound port (useful with port 0). */
    public int start() throws Exception
    {
        final HttpServerOptions options = new HttpServerOptions()
            .setHost(config.host)
            .setPort(config.port)
            .setTcpNoDelay(true)
            .setIdleTimeout(config.idleTimeoutSeconds)
            .setMaxWebSocketFrameSize(config.maxBodyBytes)
            .setMaxWebSocketMessageSize(config.maxBodyBytes);
        server = vertx.createHttpServer(options)
            .webSocketHandler(this::onWebSocket)
            .requestHandler(this::onRequest);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return server.actualPort();
    }

    public int port()
    {
        return server.actualPort();
    }

    private void onRequest(final HttpServerRequest request)
    {
        if (request.method() != HttpMethod.POST)
        {
            request.response().setStatusCode(405).putHeader("Allow", "POST").end("JSON-RPC: POST a request to /");
            return;
        }
        final String length = request.getHeader("Content-Length");
        if (length != null && parseLength(length) > config.maxBodyBytes)
        {
            respondTooLarge(request);
            return;
        }
        final Buffer body = Buffer.buffer();
        final boolean[] tooLarge = new boolean[1];
        request.handler(chunk ->
        {
            if (!tooLarge[0])
            {
                if (body.length() + chunk.length() > config.maxBodyBytes)
                {
                    tooLarge[0] = true;
                    respondTooLarge(request);
                }
                else
                {
                    body.appendBuffer(chunk);
                }
            }
        });
        request.endHandler(v ->
        {
            if (!tooLarge[0])
            {
                final Context context = vertx.getOrCreateContext();
                handle(body.toString(), null, json -> context.runOnContext(x ->
                {
                    if (json == null)
                    {
                        request.response().setStatusCode(204).end();
                    }
                    else
                    {
                        request.response().putHeader("Content-Type", "application/json").end(json);
                    }
                }));
            }
        });
    }

    private void respondTooLarge(final HttpServerRequest request)
    {
        final String json = error(F.nullNode(), RpcException.INVALID_REQUEST,
            "request body exceeds " + config.maxBodyBytes + " bytes").toString();
        request.response().setStatusCode(413).putHeader("Content-Type", "application/json").end(json);
        request.connection().close();
    }

    private static long parseLength(final String length)
    {
        try
        {
            return Long.parseLong(length.trim());
        }
        catch (final NumberFormatException e)
        {
            return Long.MAX_VALUE;
        }
    }

    private void onWebSocket(final ServerWebSocket socket)
    {
        final Subscriptions.Session session = new Subscriptions.Session(socket);
        final Context context = vertx.getOrCreateContext();
        socket.textMessageHandler(text -> handle(text, session, json ->
        {
            if (json != null)
            {
                context.runOnContext(v ->
                {
                    if (socket.isClosed())
                    {
                        return;
                    }
                    if (socket.writeQueueFull())
                    {
                        // A client that sends but does not read must not make us buffer without bound.
                        socket.close((short)1008, "slow consumer: responses not read");
                        return;
                    }
                    socket.writeTextMessage(json);
                });
            }
        }));
        socket.closeHandler(v -> subscriptions.closed(session));
    }

    /**
     * Parses and runs a request or batch, then hands the response text (null for notifications
     * only) to {@code reply}, possibly from another thread.
     */
    void handle(final String text, final Subscriptions.Session session, final Consumer<String> reply)
    {
        final JsonNode root;
        try
        {
            root = MAPPER.readTree(text);
        }
        catch (final Exception e)
        {
            reply.accept(error(F.nullNode(), RpcException.PARSE_ERROR, "parse error: invalid JSON").toString());
            return;
        }
        if (root == null || root.isMissingNode())
        {
            reply.accept(error(F.nullNode(), RpcException.PARSE_ERROR, "parse error: empty body").toString());
            return;
        }
        if (root.isArray())
        {
            if (root.isEmpty())
            {
                reply.accept(error(F.nullNode(), RpcException.INVALID_REQUEST, "empty batch").toString());
                return;
            }
            if (root.size() > config.maxBatch)
            {
                reply.accept(error(F.nullNode(), RpcException.INVALID_REQUEST,
                    "batch of " + root.size() + " exceeds the limit of " + config.maxBatch).toString());
                return;
            }
            final List<CompletableFuture<JsonNode>> calls = new ArrayList<>(root.size());
            final RequestBudget budget = new RequestBudget(config.maxBlocksPerRequest);
            for (final JsonNode request : root)
            {
                calls.add(one(request, session, budget));
            }
            CompletableFuture.allOf(calls.toArray(new CompletableFuture[0])).whenComplete((v, t) ->
            {
                final ArrayNode out = F.arrayNode();
                for (final CompletableFuture<JsonNode> call : calls)
                {
                    final JsonNode response = call.join();
                    if (response != null)
                    {
                        out.add(response);
                    }
                }
                reply.accept(out.isEmpty() ? null : out.toString());
            });
        }
        else
        {
            one(root, session, new RequestBudget(config.maxBlocksPerRequest)).whenComplete((response, t) -> reply.accept(response == null ? null : response.toString()));
        }
    }

    /** One request object; completes with its response, or null for a notification. Never fails. */
    private CompletableFuture<JsonNode> one(final JsonNode request, final Subscriptions.Session session, final RequestBudget budget)
    {
        if (!request.isObject())
        {
            return CompletableFuture.completedFuture(error(F.nullNode(), RpcException.INVALID_REQUEST, "invalid request: not an object"));
        }
        final JsonNode id = request.get("id");
        final boolean notification = id == null;
        final JsonNode idOut = id == null ? F.nullNode() : id;
        if (id != null && !(id.isTextual() || id.isNumber() || id.isNull()))
        {
            return CompletableFuture.completedFuture(error(F.nullNode(), RpcException.INVALID_REQUEST, "invalid request: bad id"));
        }
        final JsonNode version = request.get("jsonrpc");
        final JsonNode method = request.get("method");
        if (version == null || !"2.0".equals(version.asText()) || method == null || !method.isTextual())
        {
            return CompletableFuture.completedFuture(error(idOut, RpcException.INVALID_REQUEST,
                "invalid request: needs jsonrpc \"2.0\" and a method name"));
        }
        final JsonNode params = request.get("params");
        if (params != null && !params.isArray() && !params.isObject() && !params.isNull())
        {
            return CompletableFuture.completedFuture(error(idOut, RpcException.INVALID_REQUEST, "invalid request: params must be an array"));
        }
        return methods.call(method.asText(), params, session, budget).handle((result, t) ->
        {
            if (notification)
            {
                return null;
            }
            if (t == null)
            {
                final ObjectNode o = F.objectNode();
                o.put("jsonrpc", "2.0");
                o.set("id", idOut);
                o.set("result", result);
                return o;
            }
            final Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            if (cause instanceof RpcException)
            {
                return error(idOut, ((RpcException)cause).code(), cause.getMessage());
            }
            return error(idOut, RpcException.INTERNAL_ERROR, "internal error: " + cause);
        });
    }

    private static ObjectNode error(final JsonNode id, final int code, final String message)
    {
        final ObjectNode o = F.objectNode();
        o.put("jsonrpc", "2.0");
        o.set("id", id);
        final ObjectNode error = o.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return o;
    }

    @Override
    public void close()
    {
        if (server != null)
        {
            try
            {
                server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            catch (final Exception ignore)
            {
                // shutting down anyway
            }
        }
    }
}
