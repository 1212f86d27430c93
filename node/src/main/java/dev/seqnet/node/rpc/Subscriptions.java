package dev.seqnet.node.rpc;

import dev.seqnet.chain.block.L2Block;
import dev.seqnet.node.state.ChainView;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code citrea_subscribe("newL2Blocks")}: pushes every finalized block to the WebSocket sessions
 * that asked. The sequencer thread only posts the block to a Vert.x context; JSON is built there,
 * once per block, so subscribers never slow block production.
 */
public final class Subscriptions implements AutoCloseable
{
    /** One WebSocket connection and the subscriptions it holds. */
    public static final class Session
    {
        private final ServerWebSocket socket;
        private final Map<String, Boolean> ids = new ConcurrentHashMap<>();

        public Session(final ServerWebSocket socket)
        {
            this.socket = socket;
        }
    }

    private final ChainView view;
    private final int maxPerSession;
    private final Context context;
    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final ChainView.BlockListener listener = (block, txs) -> onBlock(block);

    public Subscriptions(final ChainView view, final Context context, final int maxPerSession)
    {
        this.view = view;
        this.context = context;
        this.maxPerSession = maxPerSession;
        view.addListener(listener);
    }

    public String subscribe(final Session session) throws RpcException
    {
        if (session.ids.size() >= maxPerSession)
        {
            throw new RpcException(RpcException.INVALID_REQUEST, "too many subscriptions on this connection (max " + maxPerSession + ")");
        }
        final String id = "0x" + Long.toHexString(nextId.getAndIncrement());
        byId.put(id, session);
        session.ids.put(id, Boolean.TRUE);
        return id;
    }

    public boolean unsubscribe(final Session session, final String id)
    {
        if (session.ids.remove(id) != null)
        {
            byId.remove(id);
            return true;
        }
        return false;
    }

    /** Drops every subscription of a closed connection. */
    public void closed(final Session session)
    {
        for (final String id : session.ids.keySet())
        {
            byId.remove(id);
        }
        session.ids.clear();
    }

    private void onBlock(final L2Block block)
    {
        if (!byId.isEmpty())
        {
            context.runOnContext(v -> broadcast(block));
        }
    }

    private void broadcast(final L2Block block)
    {
        final String result = BlockJson.l2Block(block).toString();
        for (final Map.Entry<String, Session> e : byId.entrySet())
        {
            final ServerWebSocket socket = e.getValue().socket;
            if (socket.isClosed())
            {
                continue;
            }
            if (socket.writeQueueFull())
            {
                // Never skip a block silently: a follower with a gap would not know it has one.
                socket.close((short)1008, "slow consumer: newL2Blocks not read");
            }
            else
            {
                socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"method\":\"citrea_subscription\",\"params\":{\"subscription\":\"" +
                    e.getKey() + "\",\"result\":" + result + "}}");
            }
        }
    }

    @Override
    public void close()
    {
        view.removeListener(listener);
        byId.clear();
    }
}
