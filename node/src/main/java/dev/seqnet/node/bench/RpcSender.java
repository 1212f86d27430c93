package dev.seqnet.node.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Posts pre-built JSON-RPC bodies over HTTP/1.1 with Vert.x's non-blocking client on one event
 * loop: a pool of keep-alive connections per target, transactions spread round-robin over the
 * targets (a transaction sent again goes to the next target). Nothing here waits for a reply, so a
 * slow reply never holds back the next scheduled send; what to send, and when, is the caller's.
 */
final class RpcSender implements TxSender
{
    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final RequestOptions[] targets;
    /** Touched only on the event loop. */
    private final boolean[] excluded;

    RpcSender(final List<String> urls, final int connectionsPerTarget)
    {
        targets = new RequestOptions[urls.size()];
        excluded = new boolean[urls.size()];
        for (int i = 0; i < targets.length; i++)
        {
            final URI uri = URI.create(urls.get(i));
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null)
            {
                throw new IllegalArgumentException("--rpc needs http://host:port URLs, got " + urls.get(i));
            }
            targets[i] = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(uri.getHost())
                .setPort(uri.getPort() < 0 ? 80 : uri.getPort())
                .setURI(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                .setIdleTimeout(30_000)
                .putHeader("Content-Type", "application/json");
        }
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        context = vertx.getOrCreateContext();
        client = vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5_000),
            new PoolOptions().setHttp1MaxSize(connectionsPerTarget).setMaxWaitQueueSize(-1));
    }

    @Override
    public void exclude(final int target)
    {
        context.runOnContext(v -> excluded[target] = true);
    }

    @Override
    public int targets()
    {
        return targets.length;
    }

    @Override
    public void onLoop(final Runnable task)
    {
        context.runOnContext(v -> task.run());
    }

    @Override
    public void later(final long delayMs, final Runnable task)
    {
        vertx.setTimer(delayMs, id -> task.run());
    }

    /** Posts the transaction's JSON-RPC body; the reply's {@code error.message} (or null) goes to {@code replies}. */
    @Override
    public void send(final SignedLoad load, final int i, final int attempt, final Replies replies)
    {
        final Buffer body = Buffer.buffer(load.body(i));
        int t = (int)((i + (long)attempt) % targets.length);
        for (int k = 0; k < targets.length && excluded[t]; k++)
        {
            t = (t + 1) % targets.length;
        }
        client.request(targets[t])
            .compose(request -> request.send(body))
            .compose(HttpClientResponse::body)
            .onComplete(ar ->
            {
                if (ar.succeeded())
                {
                    replies.replied(i, ReplyKind.errorMessage(ar.result().toString()));
                }
                else
                {
                    replies.failed(i, ar.cause());
                }
            });
    }

    @Override
    public void close()
    {
        try
        {
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        catch (final Exception ignore)
        {
            // closing anyway
        }
        try
        {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        catch (final Exception ignore)
        {
            // closing anyway
        }
    }
}
