package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.Keccak256;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A {@code citrea_subscribe(["newL2Blocks"])} client over WebSocket, as any wallet or indexer would
 * follow the chain: for every pushed block it hashes each transaction (keccak-256 of the raw bytes)
 * and hands the hash and the block's arrival time to the current {@link Listener}, then tells the
 * {@link BlockListener} about the block. Runs on the JDK WebSocket's own thread, apart from the
 * thread that sends. Used by {@code sequencer bench} and {@code sequencer testnet}.
 */
public final class BlockSubscriber implements AutoCloseable
{
    /** Told about every transaction in every finalized block, on the subscriber's thread. */
    public interface Listener
    {
        /**
         * @param hashHex      the transaction hash, {@code 0x}-prefixed lower-case hex.
         * @param arrivedNanos {@link System#nanoTime()} when the block's last WebSocket frame arrived.
         */
        void finalized(String hashHex, long arrivedNanos);
    }

    /** Told about every finalized block after its transactions went to the {@link Listener}. */
    public interface BlockListener
    {
        /**
         * @param height       the block height.
         * @param hashHex      the block hash, bare hex as Citrea serves it.
         * @param txCount      transactions in the block.
         * @param arrivedNanos {@link System#nanoTime()} when the block's last WebSocket frame arrived.
         */
        void block(long height, String hashHex, int txCount, long arrivedNanos);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Listener NONE = (hash, nanos) -> { };
    private static final BlockListener NO_BLOCKS = (height, hash, txs, nanos) -> { };

    private final CompletableFuture<String> subscribed = new CompletableFuture<>();
    private volatile Listener listener = NONE;
    private volatile BlockListener blockListener = NO_BLOCKS;
    private volatile String failure;
    private volatile long blocks;
    private WebSocket socket;

    private BlockSubscriber()
    {
    }

    /** Connects to the member behind {@code httpUrl} (same host and port, ws scheme) and subscribes. */
    public static BlockSubscriber connect(final String httpUrl) throws IOException, InterruptedException
    {
        final URI http = URI.create(httpUrl);
        final String scheme = "https".equals(http.getScheme()) ? "wss" : "ws";
        final URI ws = URI.create(scheme + "://" + http.getRawAuthority() + (http.getRawPath() == null || http.getRawPath().isEmpty() ? "/" : http.getRawPath()));
        final BlockSubscriber subscriber = new BlockSubscriber();
        try
        {
            subscriber.socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .newWebSocketBuilder()
                .buildAsync(ws, subscriber.new Frames())
                .get(10, TimeUnit.SECONDS);
            subscriber.socket.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"citrea_subscribe\",\"params\":[\"newL2Blocks\"]}", true);
            subscriber.subscribed.get(10, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e)
        {
            subscriber.close();
            throw new IOException("cannot subscribe to newL2Blocks at " + ws + ": " + (e.getCause() != null ? e.getCause() : e), e);
        }
        return subscriber;
    }

    public void listener(final Listener listener)
    {
        this.listener = listener == null ? NONE : listener;
    }

    public void blockListener(final BlockListener blockListener)
    {
        this.blockListener = blockListener == null ? NO_BLOCKS : blockListener;
    }

    /** Why the subscription ended (closed by the server, a network error), or null while it is live. */
    public String failure()
    {
        return failure;
    }

    /** Blocks received so far. */
    public long blocks()
    {
        return blocks;
    }

    private void onMessage(final String text, final long arrivedNanos)
    {
        final JsonNode root;
        try
        {
            root = MAPPER.readTree(text);
        }
        catch (final IOException e)
        {
            failure = "unparseable notification: " + e.getMessage();
            return;
        }
        if (!subscribed.isDone())
        {
            if (root.has("error"))
            {
                subscribed.completeExceptionally(new IOException("citrea_subscribe refused: " + root.get("error")));
            }
            else if (root.has("result"))
            {
                subscribed.complete(root.get("result").asText());
            }
            return;
        }
        final JsonNode block = root.path("params").path("result");
        if (block.isMissingNode())
        {
            return;
        }
        blocks++;
        final Listener current = listener;
        final JsonNode txs = block.path("txs");
        for (final JsonNode tx : txs)
        {
            current.finalized(Hex.encode(Keccak256.hash(Hex.decode(tx.asText()))), arrivedNanos);
        }
        final JsonNode header = block.path("header");
        blockListener.block(Hex.parseQuantity(header.path("height").asText("0x0")).longValue(),
            header.path("hash").asText(), txs.size(), arrivedNanos);
    }

    @Override
    public void close()
    {
        if (socket != null)
        {
            socket.abort();
        }
    }

    /** Reassembles text frames into messages; the arrival time is that of a message's last frame. */
    private final class Frames implements WebSocket.Listener
    {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            text.append(data);
            if (last)
            {
                final long arrived = System.nanoTime();
                final String message = text.toString();
                text.setLength(0);
                onMessage(message, arrived);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            failure = "subscription closed by the member: " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason);
            subscribed.completeExceptionally(new IOException(failure));
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            failure = "subscription failed: " + error;
            subscribed.completeExceptionally(error);
        }
    }
}
